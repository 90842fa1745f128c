/**
 * Where public sources disagree on a response's shape ([D] in the contract), every known shape is read.
 */
import { actions } from '../../shared';

const ctx = { status: 200, headers: {} };

it('listUsers reads users from data, users or a bare array, and the cursor from nextPage or next_page', () => {
  const users = [{ uid: 'u1' }, { uid: 'u2' }];
  expect(actions.listUsers.normalize({ data: users, nextPage: 'u2' }, {}, ctx)).toEqual({ users, nextPage: 'u2' });
  expect(actions.listUsers.normalize({ users, next_page: 'u2' }, {}, ctx)).toEqual({ users, nextPage: 'u2' });
  expect(actions.listUsers.normalize(users, {}, ctx)).toEqual({ users, nextPage: null });
  expect(actions.listUsers.normalize(undefined, {}, ctx)).toEqual({ users: [], nextPage: null });
});

it('getLoginToken accepts a bare string or an object with token', () => {
  expect(actions.getLoginToken.normalize('tok-123', { uid: 'u1' }, ctx)).toEqual({ uid: 'u1', token: 'tok-123' });
  expect(actions.getLoginToken.normalize({ token: 'tok-456', expiresAt: 'x' }, { uid: 'u1' }, ctx)).toEqual({ uid: 'u1', token: 'tok-456', expiresAt: 'x' });
});

it('listOffers and listCustomProperties accept a bare array or data', () => {
  expect(actions.listOffers.normalize({ data: [{ id: 'o1', name: 'A' }] }, {}, ctx)).toEqual([{ id: 'o1', name: 'A' }]);
  expect(actions.listCustomProperties.normalize([{ propertyId: 'p1', label: 'Phone' }], {}, ctx)).toEqual([
    { propertyId: 'p1', label: 'Phone', id: 'p1', name: 'Phone' },
  ]);
});

it('grantAccess finds the uid at the top or under user', () => {
  const input = { email: 'a@example.com', accessId: 'o1' };
  expect(actions.grantAccess.normalize({ uid: 'u9' }, input, ctx).uid).toBe('u9');
  expect(actions.grantAccess.normalize({ user: { uid: 'u8' } }, input, ctx).uid).toBe('u8');
  expect(actions.grantAccess.normalize('', input, ctx).uid).toBeNull();
});

describe('Delete Users reports what Memberspot said', () => {
  const emails = ['anna@example.com', 'max@example.com'];
  const normalize = (body: unknown) => actions.deleteUsers.normalize(body, { emails }, { status: 200, headers: {} });

  it('an answer that does not say how many were deleted: success and deleted are null, never true', () => {
    for (const body of [undefined, '', {}, { message: 'ok' }, { deleted: 'yes' }, { deleted: -1 }]) {
      expect(normalize(body)).toMatchObject({ success: null, deleted: null, emails });
    }
  });

  it('a count, or a list of deleted users: the number, success only for every address, and who was not deleted', () => {
    expect(normalize({ deleted: 2 })).toMatchObject({ success: true, deleted: 2 });
    expect(normalize({ deletedCount: 1 })).toMatchObject({ success: false, deleted: 1 });
    expect(normalize({ count: 0 })).toMatchObject({ success: false, deleted: 0 });
    expect(normalize({ deleted: ['Anna@example.com'] })).toMatchObject({ success: false, deleted: 1, deletedEmails: ['Anna@example.com'], notDeleted: ['max@example.com'] });
    expect(normalize({ users: [{ email: 'anna@example.com', uid: 'u1' }, { email: 'max@example.com', uid: 'u2' }] })).toMatchObject({ success: true, deleted: 2, notDeleted: [] });
    // A list of uids: counted, but no addresses to compare.
    const uids = normalize({ deleted: ['u1'] });
    expect(uids).toMatchObject({ success: false, deleted: 1 });
    expect(uids).not.toHaveProperty('notDeleted');
  });
});
