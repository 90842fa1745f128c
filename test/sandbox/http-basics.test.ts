import { REDACTED_KEY, type User } from '../../sandbox';
import { ANNA, segment, useSandbox } from './helpers';

const KEY = 'sk_test_very_secret_42';
const fixture = useSandbox({ apiKey: KEY, rateLimit: false });
const { api } = fixture;

describe('authentication', () => {
  const unauthorized = { statusCode: 401, message: 'Invalid API key', error: 'Unauthorized' };

  it('answers 401 without a key and with a wrong key', async () => {
    const missing = await api.get('/v1/offers', { key: null });
    const wrong = await api.get('/v1/offers', { key: 'not-the-key' });

    expect(missing).toMatchObject({ status: 401, body: unauthorized });
    expect(wrong).toMatchObject({ status: 401, body: unauthorized });
    expect(fixture.sandbox.requests.map((entry) => entry.auth)).toEqual(['missing', 'invalid']);
  });

  it('accepts the right key', async () => {
    const answer = await api.get('/v1/offers');

    expect(answer.status).toBe(200);
    expect(fixture.sandbox.requests[0]).toMatchObject({ auth: 'valid', status: 200 });
  });

  it('never stores the key, not even where a client leaked it into the path, query or body', async () => {
    await api.get(`/v1/users/find-by-mail/${KEY}?apiKey=${KEY}`);
    await api.post('/v1/users/grant-user-offer-by-mail', { email: 'x@example.com', grantOffer: 'off_basic', note: KEY });
    await api.get('/v1/offers', { key: `${KEY}-wrong` });

    const log = JSON.stringify(fixture.sandbox.requests);
    expect(fixture.sandbox.requests).toHaveLength(3);
    expect(log).not.toContain(KEY);
    expect(log).toContain(REDACTED_KEY);
    expect(JSON.stringify(fixture.sandbox.state)).not.toContain(KEY);
  });
});

describe('NestJS error shape', () => {
  it('answers a 400 with one message per bad field', async () => {
    const answer = await api.post('/v1/users/grant-user-offer-by-mail', { email: 'not-an-email', firstname: 42 });

    expect(answer).toMatchObject({
      status: 400,
      body: {
        statusCode: 400,
        message: ['email must be an email', 'firstname must be a string', 'grantOffer should not be empty'],
        error: 'Bad Request',
      },
    });
  });

  it('answers 400 to a body that is not valid JSON', async () => {
    const answer = await api.post('/v1/users/set-offer-state', '{"email": ', {});

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
  });

  it('ignores a body that is not declared as JSON, like NestJS', async () => {
    const body = JSON.stringify({ email: ANNA, offerId: 'off_premium', active: false });
    const answer = await api.post('/v1/users/set-offer-state', body, { contentType: 'text/plain' });

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ message: ['email should not be empty', 'offerId should not be empty'] });
    expect(fixture.sandbox.state.userByEmail(ANNA)?.offers[0].active).toBe(true);
  });

  it('answers 413 to a body over 1 MB', async () => {
    const answer = await api.post('/v1/users/grant-user-offer-by-mail', { email: ANNA, grantOffer: 'x'.repeat(1024 * 1024) });

    expect(answer).toMatchObject({
      status: 413,
      body: { statusCode: 413, message: 'request entity too large', error: 'Payload Too Large' },
    });
    expect(fixture.sandbox.requests[0]).toMatchObject({ status: 413, body: undefined });
  });

  it('answers 404 "Cannot <method> <path>" to unknown routes and wrong methods', async () => {
    const unknown = await api.get('/v1/xyz');
    const wrongMethod = await api.post('/v1/offers', {});
    const outsideV1 = await api.get('/api-auth');

    expect(unknown).toMatchObject({ status: 404, body: { statusCode: 404, message: 'Cannot GET /v1/xyz', error: 'Not Found' } });
    expect(wrongMethod.body).toMatchObject({ message: 'Cannot POST /v1/offers' });
    expect(outsideV1.status).toBe(404);
  });

  it('answers 404 to an unknown route before checking the key, as NestJS routes before its guards', async () => {
    const answer = await api.get('/v1/xyz', { key: null });

    expect(answer.status).toBe(404);
  });

  it('accepts one trailing slash', async () => {
    const answer = await api.get<unknown[]>('/v1/offers/');

    expect(answer.status).toBe(200);
    expect(answer.body).toHaveLength(5);
  });
});

describe('path segments', () => {
  const tricky = 'a/b?c#d@x.de';

  it('decodes each segment after splitting, so an encoded email is one segment', async () => {
    await api.post('/v1/users/grant-user-offer-by-mail', { email: tricky, grantOffer: 'off_basic' });

    const answer = await api.get<User>(`/v1/users/find-by-mail/${segment(tricky)}`);

    expect(segment(tricky)).toBe('a%2Fb%3Fc%23d%40x.de');
    expect(answer.status).toBe(200);
    expect(answer.body.email).toBe(tricky);
    expect(fixture.sandbox.requests[1]).toMatchObject({ path: '/v1/users/find-by-mail/a%2Fb%3Fc%23d%40x.de', query: {} });
  });

  it('never lets an encoded email change the route', async () => {
    const answer = await api.get(`/v1/users/find-by-mail/${segment('a/../../offers@x.de')}`);

    expect(answer).toMatchObject({ status: 404, body: { message: 'User with email a/../../offers@x.de not found' } });
  });

  it('answers 400 to a segment that is not valid percent-encoding', async () => {
    const answer = await api.get('/v1/users/find-by-mail/%E0%A4%A');

    expect(answer.status).toBe(400);
  });

  it('matches emails case-insensitively', async () => {
    const answer = await api.get<User>(`/v1/users/find-by-mail/${segment('Anna.SCHMIDT@example.com')}`);

    expect(answer.status).toBe(200);
    expect(answer.body.email).toBe(ANNA);
  });

  it('logs the query decoded and the path raw', async () => {
    await api.get('/v1/users/list?pageLength=2&offerId=off%5Fbasic');

    expect(fixture.sandbox.requests[0]).toMatchObject({
      method: 'GET',
      path: '/v1/users/list',
      query: { pageLength: '2', offerId: 'off_basic' },
      status: 200,
    });
  });
});
