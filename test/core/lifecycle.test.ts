/**
 * The core over a long run: cancelling and closing (issue 10, points 10-13), the Redis password kept out of
 * inspect/JSON (10.4), "Parallel requests" (12.3) and ioredis loaded only for Redis (13.6).
 */
import { spawnSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import path from 'node:path';
import { inspect } from 'node:util';
import { ClientClosedError, DEFAULT_PARALLEL_REQUESTS, limiterFor, TransportError, UndiciTransport, ValidationError } from '../../shared';
import { followerCount } from '../../shared/abort';
import { API_KEY, maxInWindow, rejectionOf, useSandbox } from '../helpers/sandbox';

const env = useSandbox();

beforeEach(() => env.sandbox.reset());

const FIND = '/v1/users/find-by-mail/';
const sentTo = (prefix: string) => env.requests().filter((r) => r.path.startsWith(prefix));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything a log line or an exported object could show. */
function shown(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value) ?? '';
  } catch (error) {
    json = (error as Error).message;
  }
  return [inspect(value, { depth: 8 }), inspect(value, { depth: 3, showHidden: true }), json, String(value)].join('\n');
}

describe('the Redis password (10.4)', () => {
  it('never shows when a client or its limiter is inspected or serialised, even after Redis was tried', async () => {
    const redisUrl = 'redis://:s3cret-pw@127.0.0.1:1';
    const client = env.client({ redisUrl, onWarning: () => undefined });
    const limiter = limiterFor(env.sandbox.url, API_KEY, redisUrl);
    expect(shown(client)).not.toContain('s3cret-pw');
    expect(shown(limiter)).not.toContain('s3cret-pw');
    // A limited call makes the limiter try Redis (refused) and fall back.
    await client.execute('findUserByEmail', { email: 'anna.schmidt@example.com' });
    expect(shown(client)).not.toContain('s3cret-pw');
    expect(shown(limiter)).not.toContain('s3cret-pw');
    const registry = (globalThis as Record<symbol, unknown>)[Symbol.for('@memberflow/memberspot.limiters.v1')];
    expect(shown(registry)).not.toContain('s3cret-pw');
  });
});

describe('a long-lived caller signal (10.10)', () => {
  it('gets one listener however many calls use it, and keeps no trace of finished calls', async () => {
    const client = env.client();
    const caller = new AbortController();
    const calls = Array.from({ length: 300 }, (_, i) => client.execute('grantAccess', { email: `m${i}@example.com`, accessId: 'off_basic' }, { signal: caller.signal }));
    // While 300 calls are under way, most of them waiting for the in-flight cap.
    await sleep(0);
    expect(getEventListeners(caller.signal, 'abort').length).toBeLessThanOrEqual(1);
    await Promise.all(calls);
    expect(getEventListeners(caller.signal, 'abort').length).toBeLessThanOrEqual(1);
    expect(followerCount(caller.signal)).toBe(0);
    // Node 20's AbortSignal.any() keeps a reference per derived signal on the source, for good
    // (nodejs/node#55351): the caller's signal must never be a source of AbortSignal.any.
    const dependants = Object.getOwnPropertySymbols(caller.signal).find((s) => s.description === 'kDependantSignals');
    const kept = dependants ? (caller.signal as unknown as Record<symbol, Set<unknown> | undefined>)[dependants] : undefined;
    expect(kept?.size ?? 0).toBe(0);
  });
});

describe('cancelling many waiting calls (10.11, 10.13)', () => {
  it("rejects every waiting call with a ClientClosedError when the caller's signal aborts, and sends none of them", async () => {
    const client = env.client({ requestsPerSecond: 1 });
    const caller = new AbortController();
    const calls = Array.from({ length: 2000 }, () => client.execute('findUserByEmail', { email: 'anna.schmidt@example.com' }, { signal: caller.signal }));
    const settled = Promise.allSettled(calls);
    await sleep(200);
    caller.abort();
    const results = await settled;
    const limiter = limiterFor(env.sandbox.url, API_KEY);
    expect(limiter.waiting('limited')).toBe(0);
    const sent = sentTo(FIND).length;
    const cancelled = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as ClientClosedError);
    // The first call was on its way before the abort; every other one waited and was cancelled.
    expect(cancelled.length).toBeGreaterThanOrEqual(2000 - sent);
    for (const error of cancelled) {
      expect(error).toBeInstanceOf(ClientClosedError);
      expect(error.code).toBe('CLIENT_CLOSED');
      expect(error.message).toMatch(/cancelled.*stopped/);
    }
    expect(sent).toBeLessThanOrEqual(1);
    await sleep(1200);
    expect(sentTo(FIND)).toHaveLength(sent);
  });

  it('rejects every waiting call with a ClientClosedError when the client closes, and sends none of them', async () => {
    const client = env.client({ requestsPerSecond: 1 });
    const calls = Array.from({ length: 2000 }, () => client.execute('findUserByEmail', { email: 'anna.schmidt@example.com' }));
    const settled = Promise.allSettled(calls);
    await sleep(200);
    await client.close();
    const results = await settled;
    const sent = sentTo(FIND).length;
    expect(sent).toBeLessThanOrEqual(1);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.length).toBeGreaterThanOrEqual(2000 - sent);
    for (const r of rejected) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ClientClosedError);
    await sleep(1200);
    expect(sentTo(FIND)).toHaveLength(sent);
  });
});

describe('closing (10.12)', () => {
  it('does not wait for a slow answer: the request on the wire is abandoned after a short grace', async () => {
    // The answer would take a minute, longer than this test may run: only abandoning it lets close() end.
    env.sandbox.script({ delayMs: 60_000 });
    const client = env.client({ timeoutMs: 120_000 });
    const call = client.execute('listOffers');
    const outcome = rejectionOf(call);
    // The request reaches the sandbox and waits there for its answer.
    await sleep(300);
    await client.close();
    const error = await outcome;
    expect(error).toBeInstanceOf(ClientClosedError);
    expect(error.message).toMatch(/closed before this call finished/);
    // The sandbox logs a request once it has answered it: it never did.
    expect(sentTo('/v1/offers')).toHaveLength(0);
  });

  it('lets a request on the wire bring its answer when it comes within the grace', async () => {
    env.sandbox.script({ delayMs: 300 });
    const client = env.client();
    const call = client.execute('listOffers');
    await sleep(100);
    await client.close();
    await expect(call).resolves.toEqual(expect.any(Array));
    await expect(client.execute('listOffers')).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('the undici transport closes within a short grace, destroying its pool with a request still on the wire', async () => {
    env.sandbox.script({ delayMs: 60_000 });
    const transport = new UndiciTransport({ baseUrl: env.sandbox.url, apiKey: API_KEY });
    const request = rejectionOf(transport.request({ method: 'GET', path: '/v1/offers', headers: {}, timeoutMs: 120_000 }));
    await sleep(300);
    await transport.close();
    expect(await request).toBeInstanceOf(TransportError);
    expect(sentTo('/v1/offers')).toHaveLength(0);
  });
});

describe('Parallel requests (12.3)', () => {
  it('defaults to 8 and refuses values outside 1..64, naming the option', () => {
    expect(DEFAULT_PARALLEL_REQUESTS).toBe(8);
    expect(env.client().parallelRequests).toBe(8);
    expect(env.client({ parallelRequests: 3 }).parallelRequests).toBe(3);
    for (const bad of [0, 65, 1.5, Number.NaN, '4' as unknown as number]) {
      let error: unknown;
      try {
        env.client({ parallelRequests: bad });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields).toEqual(['parallelRequests']);
    }
  });

  it("uses the lowest value among an account's open clients, and goes back when they close", async () => {
    const limiter = limiterFor(env.sandbox.url, API_KEY);
    const many = env.client({ parallelRequests: 16 });
    expect(limiter.parallelRequests).toBe(16);
    const two = env.client({ parallelRequests: 2 });
    expect(limiter.parallelRequests).toBe(2);
    await two.close();
    expect(limiter.parallelRequests).toBe(16);
    await many.close();
    expect(limiter.parallelRequests).toBe(DEFAULT_PARALLEL_REQUESTS);
  });

  it('with 1, sends the calls of a lane one after another in call order, whatever the answer times', async () => {
    const delays = [250, 0, 120, 0, 60, 200, 0, 30];
    env.sandbox.script(...delays.map((delayMs) => ({ delayMs })));
    const client = env.client({ parallelRequests: 1 });
    const emails = delays.map((_, i) => `order${i}@example.com`);
    await Promise.all(emails.map((email) => client.execute('grantAccess', { email, accessId: 'off_basic' })));
    const log = sentTo('/v1/users/grant-user-offer-by-mail');
    expect(log.map((r) => (r.body as { email: string }).email)).toEqual(emails);
    // Each request arrived only after the one before had its answer (its scripted delay had passed).
    for (let i = 1; i < log.length; i += 1) expect(log[i].time).toBeGreaterThanOrEqual(log[i - 1].time + delays[i - 1]);
  });

  it('with 12, has 12 calls of a lane at Memberspot at once: the connection pool is not the bound', async () => {
    // Each answer takes 400 ms: with fewer connections than parallel requests, the calls beyond the pool's
    // connections would reach the sandbox only when the first answers come back, their timeout already running.
    env.sandbox.script(...Array.from({ length: 12 }, () => ({ delayMs: 400 })));
    const client = env.client({ parallelRequests: 12 });
    const emails = Array.from({ length: 12 }, (_, i) => `overlap${i}@example.com`);
    await Promise.all(emails.map((email) => client.execute('grantAccess', { email, accessId: 'off_basic' })));
    const log = sentTo('/v1/users/grant-user-offer-by-mail');
    expect(log).toHaveLength(12);
    expect(maxInWindow(log.map((r) => r.time), 200)).toBe(12);
  });
});

describe('ioredis (13.6)', () => {
  /** Runs the TypeScript core in a fresh Node process (the TypeScript compiler as require hook). */
  function loadedIoredis(script: string): boolean {
    const hook = `require.extensions['.ts'] = (m, f) => m._compile(require('typescript').transpileModule(require('fs').readFileSync(f, 'utf8'), { compilerOptions: { module: 1, target: 9, esModuleInterop: true } }).outputText, f);`;
    const root = path.join(__dirname, '..', '..');
    const result = spawnSync(process.execPath, ['-e', `${hook}\n${script}\nconsole.log(JSON.stringify(Object.keys(require.cache).some((k) => k.includes('/node_modules/ioredis/'))))`], {
      cwd: root,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as boolean;
  }

  it('is not loaded by a client without a Redis URL, and is loaded when Redis is used', () => {
    expect(loadedIoredis(`const { createClient } = require('./shared'); createClient({ apiKey: 'k-123456', baseUrl: 'http://127.0.0.1:9' }).close();`)).toBe(false);
    expect(loadedIoredis(`const { acquireRedis, releaseRedis } = require('./shared/limits/redis'); acquireRedis('redis://127.0.0.1:1'); void releaseRedis('redis://127.0.0.1:1');`)).toBe(true);
  }, 60_000);
});
