import type { FaultOptions, RateLimitOptions, RateLimitScope, ScriptedFault, SeedOption } from './types';
import { isRecord } from './validate';

/**
 * Checks of the sandbox's own configuration. They throw a TypeError naming the bad setting; the control
 * endpoints answer it as a 400, so out-of-process tests get the same checks as `startSandbox`.
 */

export interface ResolvedRateLimit {
  limit: number;
  windowMs: number;
  scope: RateLimitScope;
}

export const DEFAULT_RATE_LIMIT: ResolvedRateLimit = { limit: 4, windowMs: 1000, scope: 'limited' };

function fail(message: string): never {
  throw new TypeError(message);
}

function isNumberIn(value: unknown, min: number, max = Infinity): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}

function isIntegerIn(value: unknown, min: number, max = Infinity): value is number {
  return isNumberIn(value, min, max) && Number.isInteger(value);
}

export function validateSeed(seed: unknown): SeedOption {
  if (seed === 'default' || seed === 'none') return seed;
  if (isRecord(seed) && (seed.users === undefined || isIntegerIn(seed.users, 0))) return { users: seed.users };
  return fail("seed must be 'default', 'none' or { users: <a whole number, 0 or more> }");
}

/** `false`, or a limit of 0, means no rate limit. */
export function resolveRateLimit(options: unknown): ResolvedRateLimit | false {
  if (options === false) return false;
  if (!isRecord(options)) return fail('rateLimit must be false or { limit, windowMs?, scope? }');
  const { limit, windowMs = DEFAULT_RATE_LIMIT.windowMs, scope = DEFAULT_RATE_LIMIT.scope } = options as Partial<RateLimitOptions>;
  if (!isIntegerIn(limit, 0)) fail('rateLimit.limit must be a whole number, 0 or more');
  if (!isNumberIn(windowMs, 1)) fail('rateLimit.windowMs must be a number of milliseconds, 1 or more');
  if (scope !== 'limited' && scope !== 'all') fail("rateLimit.scope must be 'limited' or 'all'");
  return limit === 0 ? false : { limit, windowMs, scope };
}

const RATES = ['errorRate', 'resetRate', 'latencyRate', 'rateLimitBurstRate'] as const;

export function validateFaults(faults: unknown): FaultOptions | null {
  if (faults === null) return null;
  if (!isRecord(faults)) return fail('faults must be null or an object');
  for (const rate of RATES) {
    if (faults[rate] !== undefined && !isNumberIn(faults[rate], 0, 1)) fail(`faults.${rate} must be a number from 0 to 1`);
  }
  const { errorStatuses, latencyMs, pathPrefix, random, randomFor } = faults;
  if (errorStatuses !== undefined && !(Array.isArray(errorStatuses) && errorStatuses.length > 0 && errorStatuses.every(isErrorStatus))) {
    fail('faults.errorStatuses must be a non-empty array of statuses from 400 to 599');
  }
  if (latencyMs !== undefined && !isNumberIn(latencyMs, 0)) fail('faults.latencyMs must be a number, 0 or more');
  if (pathPrefix !== undefined && !(typeof pathPrefix === 'string' && pathPrefix.startsWith('/'))) {
    fail("faults.pathPrefix must be a path starting with '/'");
  }
  if (random !== undefined && typeof random !== 'function') fail('faults.random must be a function');
  if (randomFor !== undefined && typeof randomFor !== 'function') fail('faults.randomFor must be a function');
  return faults as FaultOptions;
}

function isErrorStatus(value: unknown): boolean {
  return isIntegerIn(value, 400, 599);
}

export function validateScript(faults: unknown[]): ScriptedFault[] {
  return faults.map((fault, index) => {
    if (!isRecord(fault)) return fail(`script[${index}] must be an object`);
    if (fault.reset === true) return { reset: true };
    if (fault.delayMs !== undefined) {
      return isNumberIn(fault.delayMs, 0) ? { delayMs: fault.delayMs } : fail(`script[${index}].delayMs must be a number, 0 or more`);
    }
    if (!isIntegerIn(fault.status, 100, 599)) return fail(`script[${index}] must be { status }, { reset: true } or { delayMs }`);
    if (fault.retryAfter !== undefined && typeof fault.retryAfter !== 'string') {
      fail(`script[${index}].retryAfter must be a string`);
    }
    return fault as ScriptedFault;
  });
}
