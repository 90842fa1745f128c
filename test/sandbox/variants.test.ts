import { openApiDocument } from '../../sandbox';
import { parseCliArgs } from '../../sandbox/cli';
import { ANNA, segment, useSandbox } from './helpers';

const fixture = useSandbox();
const { api } = fixture;
const variants = (body: unknown) => api.call('POST', '/__sandbox/variants', { key: null, body });

afterEach(() => fixture.sandbox.setVariants({ ...fixture.sandbox.variants, ...DEFAULTS }));
const DEFAULTS = { customPropertyKey: 'propertyId', cursor: 'nextPage', loginToken: 'object', deleteAccess: 'remove', retryAfter: true, rateLimitHeaders: 'none', listUsers: 'object', openapi: 'match' } as const;

describe('variants of the [D] points', () => {
  it('default: what the package assumes', async () => {
    expect((await api.get('/__sandbox/variants', { key: null })).body).toEqual(DEFAULTS);
    expect(Object.keys((await api.get('/v1/users/list?pageLength=2')).body as object)).toEqual(['data', 'nextPage']);
  });

  it('switches the cursor, the list shape and the login token', async () => {
    await variants({ cursor: 'next_page' });
    expect(Object.keys((await api.get('/v1/users/list?pageLength=2')).body as object)).toEqual(['data', 'next_page']);
    await variants({ cursor: 'absent' });
    expect(Object.keys((await api.get('/v1/users/list?pageLength=2')).body as object)).toEqual(['data']);
    await variants({ listUsers: 'array' });
    expect(Array.isArray((await api.get('/v1/users/list?pageLength=2')).body)).toBe(true);

    const uid = fixture.sandbox.state.userByEmail(ANNA)!.uid;
    await variants({ loginToken: 'string' });
    expect(typeof (await api.get(`/v1/users/login-token/${uid}`)).body).toBe('string');
    await variants({ loginToken: 'token' });
    expect(Object.keys((await api.get(`/v1/users/login-token/${uid}`)).body as object)).toEqual(['token']);
  });

  it('custom property items keyed id', async () => {
    const propertyId = fixture.sandbox.state.customPropertyDefinitions[0].id;
    await variants({ customPropertyKey: 'id' });
    expect((await api.post('/v1/users/set-custom-user-properties', { email: ANNA, properties: [{ propertyId, value: 'x' }] })).status).toBe(400);
    expect((await api.post('/v1/users/set-custom-user-properties', { email: ANNA, properties: [{ id: propertyId, value: 'x' }] })).status).toBe(201);
  });

  it('Delete Access meaning deactivate', async () => {
    const offerId = fixture.sandbox.state.userByEmail(ANNA)!.offers[0].offerId;
    await variants({ deleteAccess: 'deactivate' });
    await api.post('/v1/users/set-offer-state', { email: ANNA, offerId });
    expect(fixture.sandbox.state.userByEmail(ANNA)!.offers.find((grant) => grant.offerId === offerId)).toMatchObject({ active: false });
  });

  it('429 without Retry-After, and RateLimit-* headers', async () => {
    await variants({ retryAfter: false, rateLimitHeaders: 'RateLimit' });
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await api.get(`/v1/users/find-by-mail/${segment(ANNA)}`));
    expect(answers[0].headers.get('ratelimit-limit')).toBe('4');
    expect(answers[0].headers.get('ratelimit-remaining')).toBe('3');
    expect(answers[4].status).toBe(429);
    expect(answers[4].headers.get('retry-after')).toBeNull();
  });

  it('serves an OpenAPI document at /api-json without a key, or none', async () => {
    const answer = await api.get('/api-json', { key: null });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(openApiDocument('match'));
    expect(Object.keys((answer.body as { paths: object }).paths)).toContain('/v1/users/find-by-mail/{email}');
    await variants({ openapi: 'none' });
    expect((await api.get('/api-json', { key: null })).status).toBe(404);
  });

  it('the differing document renames a field, changes a method and drops a path', () => {
    const document = openApiDocument('differs');
    expect(document.paths['/v1/users/set-offer-expires']).toHaveProperty('post');
    expect(document.paths['/v1/chapters/chapter-access/enable']).toBeUndefined();
    expect(document.components.schemas.UsersGrantUserOfferByMailDto.properties).toHaveProperty('offerId');
    expect(openApiDocument('match').components.schemas.UsersGrantUserOfferByMailDto.properties).toHaveProperty('grantOffer');
  });

  it('refuses an unknown variant or value with a 400, and reads --variant flags', async () => {
    expect((await variants({ cursor: 'page' })).status).toBe(400);
    expect((await variants({ colour: 'red' })).status).toBe(400);
    expect(parseCliArgs(['--variant', 'cursor=absent', '--variant', 'retryAfter=false'])).toMatchObject({ variants: { cursor: 'absent', retryAfter: false } });
    expect(() => parseCliArgs(['--variant', 'cursor'])).toThrow(/name=value/);
  });
});
