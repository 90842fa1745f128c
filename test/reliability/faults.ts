/** What the reliability suites share: seeded faults for the sandbox, and a record of unhandled rejections. */
import type { FaultOptions } from '../../sandbox';
import type { useSandbox } from '../helpers/sandbox';

/** A small seeded PRNG (mulberry32) for the sandbox's fault injection, so that a failing run can be repeated. */
export function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string: a seed for one request's draws. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The transient faults of issue 5, the same in every suite: 15% 503, 5% connection resets, 3% 429 bursts,
 * and 3% latency spikes of 400 ms (beyond the suites' 250 ms timeouts).
 *
 * Each request's faults are drawn from a PRNG seeded with the suite's seed, the request (method, path,
 * body) and how often that request was seen before: the n-th attempt of one grant meets the same fault in
 * every run, whatever order the concurrent requests arrive in. (One PRNG for all requests, in arrival
 * order, made the outcome depend on the machine's load: about one attempt in four meets a fault, so an
 * input whose 6 attempts all fail, about 1 in 5,000, came and went between runs.) A failing run repeats.
 */
export function transientFaults(seed: number): FaultOptions {
  const seen = new Map<string, number>();
  return {
    errorRate: 0.15,
    errorStatuses: [503],
    resetRate: 0.05,
    rateLimitBurstRate: 0.03,
    latencyMs: 400,
    latencyRate: 0.03,
    randomFor: ({ method, path, body }) => {
      const key = `${method} ${path} ${body}`;
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      return seeded(hash(`${seed}\0${key}\0${n}`));
    },
  };
}

/**
 * Resets the sandbox before each test and records every unhandled rejection during the file's tests;
 * `unhandled` must be empty at the end of each test.
 */
export function useFaultSuite(env: ReturnType<typeof useSandbox>): { unhandled: unknown[] } {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));
  beforeEach(() => {
    env.sandbox.reset();
    unhandled.length = 0;
  });
  return { unhandled };
}
