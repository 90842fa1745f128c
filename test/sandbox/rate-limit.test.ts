import { SlidingWindow } from '../../sandbox/rate-limit';
import { ANNA, segment, useSandbox } from './helpers';

// A long window keeps these tests independent of how fast the machine is.
const LONG_WINDOW_MS = 60_000;
const fixture = useSandbox({ rateLimit: { limit: 4, windowMs: LONG_WINDOW_MS } });
const { api } = fixture;
const findAnna = () => api.get(`/v1/users/find-by-mail/${segment(ANNA)}`);

describe('SlidingWindow', () => {
  it('is strict: a request passes only when fewer than `limit` counted ones arrived in the last window', () => {
    let now = 0;
    const window = new SlidingWindow(2, 1000, () => now);

    const at = (time: number) => {
      now = time;
      return window.tryAcquire();
    };

    expect(at(0)).toBeNull();
    expect(at(400)).toBeNull();
    expect(at(999)).toBe(1); // the request at 0 leaves the window at 1000
    expect(at(1000)).toBeNull(); // refused requests were not counted
    expect(at(1399)).toBe(1);
    expect(at(1400)).toBeNull();
  });

  it('answers Retry-After as the whole seconds until the oldest counted request leaves the window', () => {
    let now = 0;
    const window = new SlidingWindow(1, 5000, () => now);

    window.tryAcquire();
    now = 1;
    expect(window.tryAcquire()).toBe(5);
    now = 4500;
    expect(window.tryAcquire()).toBe(1);
  });
});

describe('rate limit over HTTP', () => {
  // reset() keeps the rate limit settings, so each test starts from the same ones.
  beforeEach(() => fixture.sandbox.setRateLimit({ limit: 4, windowMs: LONG_WINDOW_MS }));

  it('refuses exactly the request over the limit, with Retry-After', async () => {
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await findAnna());

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 429]);
    const refused = answers[4];
    expect(refused.body).toEqual({ statusCode: 429, message: 'ThrottlerException: Too Many Requests', error: 'Too Many Requests' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(LONG_WINDOW_MS / 1000);
  });

  it('counts find-by-mail, login-token and both course-progress endpoints together', async () => {
    const statuses = [
      (await findAnna()).status,
      (await api.get('/v1/users/login-token/u_000001')).status,
      (await api.get(`/v1/users/course-progress/list/${segment(ANNA)}`)).status,
      (await api.get(`/v1/users/course-progress/crs_yoga/${segment(ANNA)}`)).status,
      (await api.get('/v1/users/login-token/u_000001')).status,
    ];

    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('in scope `limited` leaves the other endpoints alone', async () => {
    for (let i = 0; i < 4; i += 1) await findAnna();

    const offers = await api.get('/v1/offers');
    const list = await api.get('/v1/users/list');

    expect([offers.status, list.status]).toEqual([200, 200]);
    expect((await findAnna()).status).toBe(429);
    expect(fixture.sandbox.requests.map((entry) => entry.rateLimited)).toEqual([true, true, true, true, false, false, true]);
  });

  it('in scope `all` counts every /v1 request', async () => {
    fixture.sandbox.setRateLimit({ limit: 2, windowMs: LONG_WINDOW_MS, scope: 'all' });

    const statuses = [];
    for (const path of ['/v1/offers', '/v1/users/list', '/v1/custom-user-properties/list']) statuses.push((await api.get(path)).status);

    expect(statuses).toEqual([200, 200, 429]);
    expect(fixture.sandbox.requests.every((entry) => entry.rateLimited)).toBe(true);
  });

  it('answers a bad key with 401 before the rate limit, without counting it', async () => {
    fixture.sandbox.setRateLimit({ limit: 1, windowMs: LONG_WINDOW_MS });

    const unauthorized = await Promise.all([1, 2, 3].map(() => api.get(`/v1/users/find-by-mail/${segment(ANNA)}`, { key: 'wrong' })));

    expect(unauthorized.map((answer) => answer.status)).toEqual([401, 401, 401]);
    expect((await findAnna()).status).toBe(200);
    expect((await findAnna()).status).toBe(429);
  });

  it('can be switched off (false, or a limit of 0)', async () => {
    for (const off of [false, { limit: 0 }] as const) {
      fixture.sandbox.setRateLimit(off);
      const statuses = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await findAnna()).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    }
    // The log still marks the endpoints Memberspot limits.
    expect(fixture.sandbox.requests.every((entry) => entry.rateLimited)).toBe(true);
  });

  it('starts with an empty window after reset()', async () => {
    for (let i = 0; i < 4; i += 1) await findAnna();

    fixture.sandbox.reset();

    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await findAnna()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('refuses invalid settings', () => {
    expect(() => fixture.sandbox.setRateLimit({ limit: -1 })).toThrow('rateLimit.limit');
    expect(() => fixture.sandbox.setRateLimit({ limit: 4, windowMs: 0 })).toThrow('rateLimit.windowMs');
    expect(() => fixture.sandbox.setRateLimit({ limit: 4, scope: 'some' as 'all' })).toThrow('rateLimit.scope');
  });
});
