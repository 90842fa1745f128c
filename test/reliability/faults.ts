/** What the reliability suites share: a seeded PRNG for the sandbox's faults, and a record of unhandled rejections. */
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

/**
 * The transient faults of issue 5, the same in every suite: 15% 503, 5% connection resets, 3% 429 bursts,
 * and 3% latency spikes of 400 ms (beyond the suites' 250 ms timeouts), drawn from a seeded PRNG.
 */
export function transientFaults(seed: number): FaultOptions {
  return {
    errorRate: 0.15,
    errorStatuses: [503],
    resetRate: 0.05,
    rateLimitBurstRate: 0.03,
    latencyMs: 400,
    latencyRate: 0.03,
    random: seeded(seed),
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
