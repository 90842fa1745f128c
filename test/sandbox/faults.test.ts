import { startSandbox } from '../../sandbox';
import { Api, ANNA, segment, useSandbox } from './helpers';

const fixture = useSandbox({ rateLimit: false });
const { api } = fixture;
const grantNewUser = () => api.post('/v1/users/grant-user-offer-by-mail', { email: 'neu@example.com', grantOffer: 'off_basic' });
const stateJson = () => JSON.stringify(fixture.sandbox.state);

/** A PRNG that repeats the given numbers, so fault decisions are predictable. */
function sequence(...numbers: number[]): () => number {
  let index = 0;
  return () => numbers[index++ % numbers.length];
}

describe('random faults', () => {
  it('errorRate 1 answers every request with one of the injected statuses, and changes nothing', async () => {
    // Per request: one draw for "error?" and one to pick the status.
    fixture.sandbox.setFaults({ errorRate: 1, random: sequence(0, 0.2, 0, 0.7) });
    const before = stateJson();

    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await grantNewUser());

    expect(answers.map((answer) => answer.status)).toEqual([500, 503, 500, 503]);
    expect(answers[0].body).toEqual({ statusCode: 500, message: 'Injected fault', error: 'Internal Server Error' });
    expect(answers[1].body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(stateJson()).toBe(before);
    expect(fixture.sandbox.requests.map((entry) => entry.status)).toEqual([500, 503, 500, 503]);
    expect(fixture.sandbox.requests[0].body).toEqual({ email: 'neu@example.com', grantOffer: 'off_basic' });
  });

  it('randomFor draws from a PRNG per request, told the method, path and raw body', async () => {
    const told: unknown[] = [];
    // A 503 for the offers list, none for anything else: the decision follows the request, not the order.
    fixture.sandbox.setFaults({
      errorRate: 0.5,
      errorStatuses: [503],
      random: () => 0,
      randomFor: (request) => {
        told.push(request);
        return () => (request.path === '/v1/offers' ? 0 : 0.9);
      },
    });
    expect((await grantNewUser()).status).toBe(201);
    expect((await api.get('/v1/offers')).status).toBe(503);
    expect(told).toEqual([
      { method: 'POST', path: '/v1/users/grant-user-offer-by-mail', body: JSON.stringify({ email: 'neu@example.com', grantOffer: 'off_basic' }) },
      { method: 'GET', path: '/v1/offers', body: '' },
    ]);
  });

  it('uses the configured error statuses', async () => {
    fixture.sandbox.setFaults({ errorRate: 1, errorStatuses: [502] });

    expect((await api.get('/v1/offers')).status).toBe(502);
  });

  it('resetRate 1 drops the connection without an answer, and changes nothing', async () => {
    fixture.sandbox.setFaults({ resetRate: 1 });
    const before = stateJson();

    await expect(grantNewUser()).rejects.toThrow('fetch failed');

    expect(stateJson()).toBe(before);
    expect(fixture.sandbox.requests.map((entry) => entry.status)).toEqual(['reset']);
  });

  it('rateLimitBurstRate 1 answers 429 with Retry-After: 1 on any endpoint', async () => {
    fixture.sandbox.setFaults({ rateLimitBurstRate: 1 });

    const answer = await api.get('/v1/offers');

    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.body).toMatchObject({ message: 'ThrottlerException: Too Many Requests' });
  });

  it('applies only to paths under pathPrefix', async () => {
    fixture.sandbox.setFaults({ errorRate: 1, errorStatuses: [500], pathPrefix: '/v1/users/find-by-mail' });

    const offers = await api.get('/v1/offers');
    const find = await api.get(`/v1/users/find-by-mail/${segment(ANNA)}`);

    expect([offers.status, find.status]).toEqual([200, 500]);
  });

  it('does not delay requests that latencyRate leaves out', async () => {
    fixture.sandbox.setFaults({ latencyMs: 60_000, latencyRate: 0.5, random: sequence(0.9) });

    expect((await api.get('/v1/offers')).status).toBe(200);
  });

  it('are cleared by setFaults(null) and by reset()', async () => {
    fixture.sandbox.setFaults({ errorRate: 1 });
    fixture.sandbox.setFaults(null);
    const afterNull = await api.get('/v1/offers');
    fixture.sandbox.setFaults({ errorRate: 1 });
    fixture.sandbox.reset();
    const afterReset = await api.get('/v1/offers');

    expect([afterNull.status, afterReset.status]).toEqual([200, 200]);
  });

  it('refuses invalid settings', () => {
    expect(() => fixture.sandbox.setFaults({ errorRate: 2 })).toThrow('faults.errorRate');
    expect(() => fixture.sandbox.setFaults({ errorStatuses: [] })).toThrow('faults.errorStatuses');
    expect(() => fixture.sandbox.setFaults({ pathPrefix: 'v1' })).toThrow('faults.pathPrefix');
  });
});

describe('latency', () => {
  it('delays the answer (the client gives up first)', async () => {
    const sandbox = await startSandbox({ faults: { latencyMs: 60_000 } });
    const slow = new Api(() => sandbox.url, () => sandbox.apiKey);
    try {
      const call = fetch(`${sandbox.url}/v1/offers`, { headers: { 'x-api-key': sandbox.apiKey }, signal: AbortSignal.timeout(300) });
      await expect(call).rejects.toThrow();
      sandbox.setFaults(null);
      expect((await slow.get('/v1/offers')).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });
});

describe('scripted faults', () => {
  it('each of the next requests consumes one, in order, then requests are normal again', async () => {
    fixture.sandbox.script(
      { status: 503 },
      { status: 429, retryAfter: '2' },
      { reset: true },
      { delayMs: 10 },
      { status: 502, body: '<html>Bad Gateway</html>' },
    );

    const unavailable = await api.get('/v1/offers');
    const throttled = await api.get('/v1/offers');
    await expect(api.get('/v1/offers')).rejects.toThrow('fetch failed');
    const delayed = await grantNewUser();
    const gateway = await api.get('/v1/offers');
    const normal = await api.get('/v1/offers');

    expect(unavailable.body).toEqual({ statusCode: 503, message: 'Injected fault', error: 'Service Unavailable' });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect(throttled.body).toMatchObject({ message: 'ThrottlerException: Too Many Requests' });
    expect(delayed.status).toBe(201);
    expect(gateway).toMatchObject({ status: 502, body: '<html>Bad Gateway</html>' });
    expect(normal.status).toBe(200);
    expect(fixture.sandbox.requests.map((entry) => entry.status)).toEqual([503, 429, 'reset', 201, 502, 200]);
  });

  it('come before random faults', async () => {
    fixture.sandbox.setFaults({ errorRate: 1, errorStatuses: [500] });
    fixture.sandbox.script({ status: 418 });

    const statuses = [(await api.get('/v1/offers')).status, (await api.get('/v1/offers')).status];

    expect(statuses).toEqual([418, 500]);
  });

  it('wait for a request under pathPrefix', async () => {
    fixture.sandbox.setFaults({ pathPrefix: '/v1/users/' });
    fixture.sandbox.script({ status: 500 });

    const offers = await api.get('/v1/offers');
    const find = await api.get(`/v1/users/find-by-mail/${segment(ANNA)}`);

    expect([offers.status, find.status]).toEqual([200, 500]);
  });

  it('never change the state', async () => {
    fixture.sandbox.script({ status: 500 }, { reset: true });
    const before = stateJson();

    await grantNewUser();
    await expect(grantNewUser()).rejects.toThrow();

    expect(stateJson()).toBe(before);
  });

  it('refuses invalid scripts', () => {
    expect(() => fixture.sandbox.script({ delayMs: -1 })).toThrow('script[0].delayMs');
    expect(() => fixture.sandbox.script({ status: 200 }, { status: 'x' as unknown as number })).toThrow('script[1]');
  });
});
