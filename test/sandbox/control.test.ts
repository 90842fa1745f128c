import type { RequestLogEntry, StateSnapshot } from '../../sandbox';
import { useSandbox } from './helpers';

const fixture = useSandbox();
const { api } = fixture;
/** Control endpoints need no key: call them without one. */
const control = (method: string, path: string, body?: unknown) =>
  api.call(method, `/__sandbox/${path}`, { key: null, body, contentType: 'text/plain' });

describe('control endpoints', () => {
  it('GET /__sandbox/state answers a snapshot of the state', async () => {
    const answer = await control('GET', 'state');

    expect(answer.status).toBe(200);
    const snapshot = answer.body as StateSnapshot;
    expect(snapshot.users).toHaveLength(5);
    expect(Object.keys(snapshot)).toEqual(['offers', 'courses', 'customPropertyDefinitions', 'exams', 'users', 'loginTokens']);
  });

  it('GET /__sandbox/requests answers the log, which holds no control requests', async () => {
    await api.get('/v1/offers');

    const answer = await control('GET', 'requests');
    await control('GET', 'state');

    expect(answer.body).toEqual([expect.objectContaining({ method: 'GET', path: '/v1/offers', status: 200 })]);
    expect(fixture.sandbox.requests).toHaveLength(1);
  });

  it('POST /__sandbox/clear-log empties the log', async () => {
    await api.get('/v1/offers');

    await control('POST', 'clear-log');

    expect(((await control('GET', 'requests')).body as RequestLogEntry[])).toEqual([]);
  });

  it('POST /__sandbox/reset reseeds, with an optional seed', async () => {
    await control('POST', 'reset', { seed: 'none' });
    const empty = fixture.sandbox.state.users.length;
    await control('POST', 'reset');

    expect(empty).toBe(0);
    expect(fixture.sandbox.state.users).toHaveLength(5);
  });

  it('POST /__sandbox/faults sets faults, and null clears them; control requests are never faulted', async () => {
    const set = await control('POST', 'faults', { errorRate: 1, errorStatuses: [503], pathPrefix: '/' });
    const faulted = await api.get('/v1/offers');
    const state = await control('GET', 'state');
    await control('POST', 'faults', null);
    const normal = await api.get('/v1/offers');

    expect(set).toMatchObject({ status: 200, body: { ok: true } });
    expect([faulted.status, state.status, normal.status]).toEqual([503, 200, 200]);
  });

  it('POST /__sandbox/script queues scripted faults', async () => {
    await control('POST', 'script', [{ status: 500 }]);

    expect([(await api.get('/v1/offers')).status, (await api.get('/v1/offers')).status]).toEqual([500, 200]);
  });

  it('POST /__sandbox/rate-limit sets the limit, and false turns it off; control requests are never limited', async () => {
    await control('POST', 'rate-limit', { limit: 1, windowMs: 60_000, scope: 'all' });
    const limited = [(await api.get('/v1/offers')).status, (await api.get('/v1/offers')).status];
    const controlStatuses = [(await control('GET', 'state')).status, (await control('GET', 'requests')).status];
    await control('POST', 'rate-limit', false);
    const unlimited = (await api.get('/v1/offers')).status;
    await control('POST', 'rate-limit', { limit: 4 });

    expect(limited).toEqual([200, 429]);
    expect(controlStatuses).toEqual([200, 200]);
    expect(unlimited).toBe(200);
  });

  it('answers 400 to invalid settings and bodies, and 404 to unknown control paths', async () => {
    const badFaults = await control('POST', 'faults', { errorRate: 2 });
    const badScript = await control('POST', 'script', { status: 500 });
    const badJson = await control('POST', 'faults', '{nope');
    const unknown = await control('GET', 'nothing');

    expect(badFaults).toMatchObject({ status: 400, body: { statusCode: 400, message: 'faults.errorRate must be a number from 0 to 1' } });
    expect(badScript.status).toBe(400);
    expect(badJson.status).toBe(400);
    expect(unknown.status).toBe(404);
    expect(fixture.sandbox.requests).toEqual([]);
  });
});
