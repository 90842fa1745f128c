/**
 * The per-account limiter keeps rate-limited calls within Memberspot's limit in every 1-second window.
 */
import { accountId, limiterFor, UndiciTransport, type Transport } from '../../shared';
import { API_KEY, maxInWindow, useSandbox } from '../helpers/sandbox';

const env = useSandbox();

beforeEach(() => env.sandbox.reset());

function arrivals(path: string) {
  return env.requests().filter((r) => r.path.startsWith(path));
}

it('never sends more than 4 rate-limited calls in any 1-second window, and causes no 429', async () => {
  const client = env.client();
  const emails = ['anna.schmidt@example.com', 'max.mueller@example.com'];
  const calls = Array.from({ length: 14 }, (_, i) => client.execute('findUserByEmail', { email: emails[i % 2] }));
  const results = await Promise.all(calls);
  expect(results).toHaveLength(14);
  const sent = arrivals('/v1/users/find-by-mail');
  expect(sent).toHaveLength(14);
  expect(sent.filter((r) => r.status === 429)).toHaveLength(0);
  expect(maxInWindow(sent.map((r) => r.time), 1000)).toBeLessThanOrEqual(4);
});

/**
 * The sandbox over real HTTP, but the first request reaches the wire `delayMs` after its turn (a host that
 * reads its credential and opens its first connection first, a busy event loop); the others at once.
 */
function delayingFirstCall(delayMs: number): Transport {
  const inner = new UndiciTransport({ baseUrl: env.sandbox.url, apiKey: API_KEY });
  let first = true;
  return {
    async request(request) {
      if (first) {
        first = false;
        await new Promise((r) => setTimeout(r, delayMs));
      }
      return inner.request(request);
    },
    close: () => inner.close(),
  };
}

it.each([
  ['tells when it is on the wire', (t: Transport) => t],
  ['cannot tell when it is on the wire (counted at its answer)', (t: Transport): Transport => ({ request: ({ onSent: _, ...r }) => t.request(r), close: () => t.close!() })],
])('keeps the window at the server when the first call of a burst reaches the wire 100 ms after its turn (transport %s)', async (_, wrap) => {
  const client = env.client({ transport: wrap(delayingFirstCall(100)) });
  const results = await Promise.all(Array.from({ length: 9 }, () => client.execute('findUserByEmail', { email: 'anna.schmidt@example.com' })));
  expect(results).toHaveLength(9);
  const sent = arrivals('/v1/users/find-by-mail');
  expect(sent).toHaveLength(9);
  expect(sent.filter((r) => r.status === 429)).toHaveLength(0);
  expect(maxInWindow(sent.map((r) => r.time), 1000)).toBeLessThanOrEqual(4);
});

it('shares one limit among all clients of the same account', async () => {
  const a = env.client();
  const b = env.client();
  const c = env.client();
  await Promise.all(
    [a, b, c].flatMap((client) => Array.from({ length: 4 }, () => client.execute('listCourseProgress', { email: 'anna.schmidt@example.com' }))),
  );
  const sent = arrivals('/v1/users/course-progress');
  expect(sent).toHaveLength(12);
  expect(sent.filter((r) => r.status === 429)).toHaveLength(0);
  expect(maxInWindow(sent.map((r) => r.time), 1000)).toBeLessThanOrEqual(4);
});

it('uses the lowest rate configured among open clients of an account, and goes back when they close', async () => {
  const slow = env.client({ requestsPerSecond: 2 });
  const limiter = limiterFor(env.sandbox.url, API_KEY);
  expect(limiter.rate).toBe(2);
  await Promise.all(Array.from({ length: 5 }, () => slow.execute('findUserByEmail', { email: 'anna.schmidt@example.com' })));
  expect(maxInWindow(arrivals('/v1/users/find-by-mail').map((r) => r.time), 1000)).toBeLessThanOrEqual(2);
  await slow.close();
  expect(limiter.rate).toBe(4);
});

it('does not hold back the other endpoints', async () => {
  const client = env.client();
  await Promise.all(Array.from({ length: 12 }, () => client.execute('listOffers')));
  // Twelve unlimited calls fit into one second; the limited lane would need three.
  expect(maxInWindow(arrivals('/v1/offers').map((r) => r.time), 1000)).toBeGreaterThan(4);
});

it('slows down after a 429 and recovers', async () => {
  const client = env.client();
  const limiter = limiterFor(env.sandbox.url, API_KEY);
  const base = limiter.spacing('limited');
  env.sandbox.script({ status: 429, retryAfter: '0' });
  await client.execute('findUserByEmail', { email: 'anna.schmidt@example.com' });
  expect(limiter.spacing('limited')).toBeGreaterThan(base);
  for (let i = 0; i < 40 && limiter.spacing('limited') > base; i += 1) {
    await client.execute('findUserByEmail', { email: 'anna.schmidt@example.com' });
  }
  expect(limiter.spacing('limited')).toBe(base);
});

it('identifies accounts by base URL and a hash, never the key', () => {
  const id = accountId('https://api.memberspot.de/', API_KEY);
  expect(id).toMatch(/^https:\/\/api\.memberspot\.de#[0-9a-f]{16}$/);
  expect(id).not.toContain(API_KEY);
  expect(accountId('https://api.memberspot.de', 'other')).not.toBe(id);
});
