/**
 * 500 Grant Access calls through the core while the sandbox injects transient faults: every user ends up
 * granted exactly once, every call ends in exactly one result, nothing is rejected unhandled. Permanent
 * faults end every call in one clear error, without retry loops.
 */
import { inspect } from 'node:util';
import { ApiError, AuthenticationError } from '../../shared';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { transientFaults, useFaultSuite } from './faults';

const env = useSandbox({ rateLimit: false });
const { unhandled } = useFaultSuite(env);

const emails = Array.from({ length: 500 }, (_, i) => `kunde${i}@example.com`);
/** Fresh addresses per test: late answers to the fault test's delayed requests must not count here. */
const others = (prefix: string) => Array.from({ length: 50 }, (_, i) => `${prefix}${i}@example.com`);
const sentFor = (list: string[]) => env.requests().filter((r) => list.includes((r.body as { email?: string })?.email ?? ''));

it('grants every user exactly once through 503s, resets, 429 bursts and latency beyond the timeout', async () => {
  env.sandbox.setFaults(transientFaults(20261127));
  const retries: unknown[] = [];
  const client = env.client({ timeoutMs: 250, maxRetries: 8, maxRetryAfterMs: 200, onRetry: (e) => retries.push(e) });
  const results = await Promise.allSettled(
    emails.map((email, i) => client.execute('grantAccess', { email, accessId: 'off_basic', orderId: `DS24-${i}` })),
  );
  const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
  expect(failed.map((f) => String(f.reason))).toEqual([]);
  expect(results).toHaveLength(500);
  expect(retries.length).toBeGreaterThan(50);

  const log = env.requests();
  for (const status of [503, 429, 'reset']) expect(log.some((r) => r.status === status)).toBe(true);
  for (const [i, email] of emails.entries()) {
    const user = env.sandbox.state.userByEmail(email);
    expect(user?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', active: true, orderId: `DS24-${i}` })]);
  }
  expect(unhandled).toEqual([]);
}, 120_000);

it('ends every call in one AuthenticationError on a wrong key, one request each', async () => {
  const client = env.client({ apiKey: 'wrong-key-9f8e7d6c5b' });
  const list = others('auth');
  const results = await Promise.allSettled(list.map((email) => client.execute('grantAccess', { email, accessId: 'off_basic' })));
  expect(results.every((r) => r.status === 'rejected' && r.reason instanceof AuthenticationError)).toBe(true);
  expect(sentFor(list)).toHaveLength(50);
  expect(unhandled).toEqual([]);
});

it('ends every call in one ApiError on a permanent 400, one request each, the key in none', async () => {
  env.sandbox.setFaults({ errorRate: 1, errorStatuses: [400] });
  const client = env.client();
  const list = others('bad');
  const results = await Promise.allSettled(list.map((email) => client.execute('grantAccess', { email, accessId: 'off_basic' })));
  for (const r of results) {
    expect(r.status).toBe('rejected');
    const reason = (r as PromiseRejectedResult).reason as ApiError;
    expect(reason).toBeInstanceOf(ApiError);
    expect(reason.status).toBe(400);
    expect(reason.attempts).toBe(1);
    expect([reason.message, reason.stack, JSON.stringify(reason), inspect(reason)].join()).not.toContain(API_KEY);
  }
  expect(sentFor(list)).toHaveLength(50);
  expect(env.sandbox.state.users.filter((u) => u.email.startsWith('bad'))).toHaveLength(0);
});
