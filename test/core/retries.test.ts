/**
 * Transient failures are retried (429 honouring Retry-After, 5xx, resets, timeouts); permanent ones fail
 * at once with the right error type.
 */
import { ApiError, AuthenticationError, ClientClosedError, NetworkError, NotFoundError, RateLimitError, TimeoutError } from '../../shared';
import { limiterFor } from '../../shared';
import { API_KEY, rejectionOf, useSandbox } from '../helpers/sandbox';

const env = useSandbox();

beforeEach(() => env.sandbox.reset());

function sent(path: string) {
  return env.requests().filter((r) => r.path === path);
}

const GRANT = { email: 'retry@example.com', accessId: 'off_basic' };
const GRANT_PATH = '/v1/users/grant-user-offer-by-mail';

it('recovers from 503, 500 and a connection reset, granting exactly once in the end', async () => {
  const events: unknown[] = [];
  env.sandbox.script({ status: 503 }, { reset: true }, { status: 500 });
  const result = await env.client({ onRetry: (e) => events.push(e) }).execute('grantAccess', GRANT);
  expect(result.success).toBe(true);
  expect(sent(GRANT_PATH).map((r) => r.status)).toEqual([503, 'reset', 500, 201]);
  expect(events).toEqual([
    expect.objectContaining({ actionId: 'grantAccess', attempt: 1, reason: 503 }),
    expect.objectContaining({ attempt: 2, reason: 'network' }),
    expect.objectContaining({ attempt: 3, reason: 500 }),
  ]);
  const user = await env.client().execute('findUserByEmail', { email: GRANT.email });
  expect((user.offers as unknown[]).length).toBe(1);
});

it('honours Retry-After on 429', async () => {
  const events: Array<{ delayMs: number }> = [];
  env.sandbox.script({ status: 429, retryAfter: '1' });
  await env.client({ onRetry: (e) => events.push(e) }).execute('listOffers');
  expect(events).toEqual([expect.objectContaining({ reason: 429, delayMs: 1000 })]);
  const [first, second] = sent('/v1/offers');
  expect(second.time - first.time).toBeGreaterThanOrEqual(900);
});

it('caps a long Retry-After', async () => {
  const events: Array<{ delayMs: number }> = [];
  env.sandbox.script({ status: 429, retryAfter: '3600' });
  await env.client({ maxRetryAfterMs: 20, onRetry: (e) => events.push(e) }).execute('listOffers');
  expect(events[0].delayMs).toBe(20);
});

it('gives up after maxRetries with a RateLimitError that says what to do', async () => {
  env.sandbox.script(...Array.from({ length: 3 }, () => ({ status: 429, retryAfter: '0' })));
  const error = await rejectionOf(env.client({ maxRetries: 2 }).execute('findUserByEmail', { email: 'anna.schmidt@example.com' }));
  expect(error).toBeInstanceOf(RateLimitError);
  expect(error.attempts).toBe(3);
  expect(error.hint).toMatch(/Requests per Second/);
});

it('retries a timeout, then reports a TimeoutError', async () => {
  env.sandbox.script({ delayMs: 400 });
  const ok = await env.client({ timeoutMs: 150 }).execute('listOffers');
  expect(ok.length).toBeGreaterThan(0);

  env.sandbox.script({ delayMs: 400 }, { delayMs: 400 });
  const error = await rejectionOf(env.client({ timeoutMs: 150, maxRetries: 1 }).execute('listOffers'));
  expect(error).toBeInstanceOf(TimeoutError);
  expect(error.code).toBe('TIMEOUT');
  expect(error.attempts).toBe(2);
});

it('reports an unreachable host as a NetworkError after bounded attempts', async () => {
  const error = await rejectionOf(env.client({ baseUrl: 'http://127.0.0.1:9', maxRetries: 2 }).execute('listOffers'));
  expect(error).toBeInstanceOf(NetworkError);
  expect(error.message).toMatch(/Could not reach Memberspot at http:\/\/127\.0\.0\.1:9/);
  expect(error.attempts).toBe(3);
});

it.each([
  [401, AuthenticationError, /API key/],
  [403, AuthenticationError, /Enterprise/],
  [400, ApiError, /Check the fields/],
  [422, ApiError, /Check the fields/],
])('fails at once on %i', async (status, type, hint) => {
  env.sandbox.script({ status, body: { statusCode: status, message: ['email must be an email'], error: 'Bad' } });
  const error = await rejectionOf(env.client().execute('grantAccess', GRANT));
  expect(error).toBeInstanceOf(type);
  expect(error.status).toBe(status);
  expect(error.attempts).toBe(1);
  expect(error.hint).toMatch(hint);
  expect(sent(GRANT_PATH)).toHaveLength(1);
});

it('reports Memberspot\'s own 400 messages', async () => {
  const error = await rejectionOf(env.client().execute('setCustomProperties', { email: 'anna.schmidt@example.com', properties: { cp_unknown: 'x' } }));
  expect(error).toBeInstanceOf(ApiError);
  expect(error.message).toMatch(/400: .*cp_unknown/);
  expect(sent('/v1/users/set-custom-user-properties')).toHaveLength(1);
});

it('gives a not-found message that names what was looked for', async () => {
  const error = await rejectionOf(env.client().execute('findUserByEmail', { email: 'ghost@example.com' }));
  expect(error).toBeInstanceOf(NotFoundError);
  expect(error.message).toBe('Memberspot has no user with the email ghost@example.com.');
});

it('does not repeat a non-idempotent API call after a 503, but does after a 429', async () => {
  env.sandbox.script({ status: 503 });
  const error = await rejectionOf(env.client().execute('apiCall', { method: 'POST', path: GRANT_PATH, body: { email: 'x@example.com', grantOffer: 'off_basic' } }));
  expect(error).toBeInstanceOf(ApiError);
  expect(error.hint).toMatch(/not repeated automatically/);
  expect(sent(GRANT_PATH)).toHaveLength(1);

  env.sandbox.clearLog();
  env.sandbox.script({ status: 429, retryAfter: '0' });
  const ok = await env.client().execute('apiCall', { method: 'POST', path: GRANT_PATH, body: { email: 'x@example.com', grantOffer: 'off_basic' } });
  expect(ok.statusCode).toBe(201);
  expect(sent(GRANT_PATH)).toHaveLength(2);
});

it('fails waiting calls at once when the client closes, sending nothing more', async () => {
  const client = env.client();
  const calls = Array.from({ length: 12 }, () => client.execute('findUserByEmail', { email: 'anna.schmidt@example.com' }));
  const settled = Promise.allSettled(calls);
  await new Promise((r) => setTimeout(r, 300));
  const limiter = limiterFor(env.sandbox.url, API_KEY);
  expect(limiter.waiting('limited')).toBeGreaterThan(0);
  await client.close();
  // The cancelled calls left the queue: they hold no slot ahead of the next client's calls.
  expect(limiter.waiting('limited')).toBe(0);
  const results = await settled;
  const closed = results.filter((r) => r.status === 'rejected');
  expect(closed.length).toBeGreaterThan(0);
  for (const r of closed) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ClientClosedError);
  const before = sent('/v1/users/find-by-mail/anna.schmidt%40example.com').length;
  const fulfilled = results.filter((r) => r.status === 'fulfilled').length;
  // A call in flight at close may have reached the server; nothing after it does.
  expect(before).toBeGreaterThanOrEqual(fulfilled);
  expect(before).toBeLessThanOrEqual(fulfilled + 1);
  await new Promise((r) => setTimeout(r, 600));
  expect(sent('/v1/users/find-by-mail/anna.schmidt%40example.com')).toHaveLength(before);
});

it('cancels through a caller signal', async () => {
  const controller = new AbortController();
  env.sandbox.script({ status: 503 });
  const call = env.client({ baseDelayMs: 5000, maxDelayMs: 5000 }).execute('listOffers', {}, { signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  const error = await rejectionOf(call);
  expect(error.code).toBe('CLIENT_CLOSED');
  expect(error.message).toMatch(/cancelled/);
});
