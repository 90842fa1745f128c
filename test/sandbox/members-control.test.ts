/**
 * The control endpoints that change members while a test runs (the poll triggers' end-to-end tests): add a
 * user, grant and revoke an offer, change an email, delete a user; List Users keeps its documented
 * behaviour with `offerId` / `active` afterwards.
 */
import { useSandbox } from './helpers';

const fixture = useSandbox();
const { api } = fixture;
const control = (path: string, body?: unknown) => api.call('POST', `/__sandbox/${path}`, { key: null, body, contentType: 'text/plain' });
const listed = async (query: string) => ((await api.get(`/v1/users/list?pageLength=100&${query}`)).body as { data: Array<{ email: string }> }).data.map((u) => u.email);

beforeEach(() => fixture.sandbox.reset('none'));

describe('member control endpoints', () => {
  it('adds a user holding the given offers; List Users finds them with offerId and active', async () => {
    const added = await control('users', { email: 'neu@example.com', firstname: 'Neu', name: 'Mitglied', offerIds: ['off_premium'] });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ uid: expect.any(String), email: 'neu@example.com', firstname: 'Neu', name: 'Mitglied', offers: [{ offerId: 'off_premium', active: true }] });
    expect(await listed('offerId=off_premium&active=true')).toEqual(['neu@example.com']);
    expect(await listed('offerId=off_basic')).toEqual([]);
  });

  it('grants and revokes: revoked holders are listed with active=false, not active=true', async () => {
    await control('users', { email: 'a@example.com' });
    expect((await control('grant', { email: 'a@example.com', offerId: 'off_basic' })).status).toBe(200);
    expect(await listed('offerId=off_basic&active=true')).toEqual(['a@example.com']);
    expect((await control('revoke', { email: 'a@example.com', offerId: 'off_basic' })).status).toBe(200);
    expect(await listed('offerId=off_basic&active=true')).toEqual([]);
    expect(await listed('offerId=off_basic&active=false')).toEqual(['a@example.com']);
  });

  it('changes an email (the uid stays) and deletes a user', async () => {
    const uid = ((await control('users', { email: 'old@example.com' })).body as { uid: string }).uid;
    expect((await control('change-email', { email: 'old@example.com', newEmail: 'new@example.com' })).body).toMatchObject({ uid, email: 'new@example.com' });
    expect(fixture.sandbox.state.userByEmail('old@example.com')).toBeUndefined();
    expect((await control('delete-user', { email: 'new@example.com' })).body).toEqual({ deleted: 1 });
    expect(fixture.sandbox.state.users).toHaveLength(0);
  });

  it.each([
    ['users', { firstname: 'x' }, /email must be a non-empty string/],
    ['users', { email: 'a@example.com', offerIds: ['off_nope'] }, /offer off_nope does not exist/],
    ['users', { email: 'a@example.com', offerIds: 'off_basic' }, /offerIds must be an array/],
    ['grant', { email: 'nobody@example.com', offerId: 'off_basic' }, /no user has the email nobody@example.com/],
    ['revoke', { email: 'dup@example.com', offerId: 'off_coaching' }, /has no grant of off_coaching to revoke/],
    ['change-email', { email: 'dup@example.com', newEmail: 'other@example.com' }, /another user already has the email other@example.com/],
  ])('answers 400 naming the problem: %s %j', async (path, body, message) => {
    await control('users', { email: 'dup@example.com' });
    await control('users', { email: 'other@example.com' });
    const answer = await control(path, body);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(message);
  });
});
