/**
 * Per-account rate limiting with bottleneck.
 *
 * Every client for the same Memberspot account (base URL + key) in this process shares one
 * AccountLimiter, whichever node, flow or execution created it. It has two lanes:
 * - `limited`: the endpoints Memberspot limits to N requests per second (default 4). Requests are spaced
 *   slightly wider than 1000/N ms, so that no 1-second window at the server ever sees more than N even
 *   with a little network jitter, while using about 96% of the limit. And a call starts only when the 4th
 *   call before it went on the wire more than a second ago (./sendWindow), so a call that reaches the wire
 *   late cannot crowd the next ones into one second.
 * - `general`: everything else, sent at once (the transport's connection pool bounds concurrency).
 * A 429 slows a lane down (the general lane then spaces requests too); successes bring it back.
 * The lanes themselves are in ./lane (their queue in ./waitQueue), the Redis side in ./redisLane.
 *
 * With a Redis URL, the limited lane is a bottleneck cluster in Redis, shared by every process that uses
 * the same account and Redis. If Redis cannot be reached, the lane falls back to the process's own limit
 * (nothing fails; a warning says so) and tries Redis again 30 seconds later.
 */
import { createHash } from 'node:crypto';
import { LaneState, type ScheduleOptions } from './lane';
import { DEFAULT_PARALLEL_REQUESTS, DEFAULT_REQUESTS_PER_SECOND, validParallelRequests, validRate } from '../options';
import { acquireRedis, displayRedisUrl, markSent, releaseRedis, reserveSend, validateRedisUrl } from './redis';
import { sendWindowFor } from './sendWindow';
import type { Sent } from './waitQueue';
import type { Cluster } from './redisLane';

// The paths other code imports these from; they are defined in ./options and ./lane.
export { DEFAULT_PARALLEL_REQUESTS, DEFAULT_REQUESTS_PER_SECOND, MAX_PARALLEL_REQUESTS, validParallelRequests } from '../options';
export type { ScheduleOptions } from './lane';

export type Lane = 'limited' | 'general';

export interface LimiterOptions {
  /** Requests per second on rate-limited endpoints (default 4, Memberspot's documented limit). */
  requestsPerSecond?: number;
  /**
   * Calls in flight at once per lane (default 8, 1..64): Memberspot's "Parallel requests". With 1, the calls
   * of a lane are sent one after another in the order they were made.
   */
  parallelRequests?: number;
  /** Share the limit with other processes through this Redis (e.g. redis://127.0.0.1:6379). */
  redisUrl?: string;
  /** Told when the limiter falls back from Redis to the process's own limit, and when Redis is back. */
  onWarning?: Warn;
}

/**
 * A warning for people (it carries no secret) and whether it starts a fallback to the process's own limit
 * (true) or ends it (false), so that hosts can show and clear it without reading its words.
 */
export type Warn = (message: string, fallback: boolean) => void;

/**
 * Spacing margin in one process: 4% wider than 1000/N ms. At 4/s that is 260 ms: five calls span 1040 ms,
 * so a call may reach Memberspot up to 40 ms late (network or event-loop jitter) without a 429, and the
 * limit is still used to 96%.
 */
const SPACING_MARGIN = 1.04;
/**
 * 6% in Redis mode. There the turns are reserved ahead for every process and a process's timer may fire
 * late; what holds the limit at the server whatever the lateness is the send gate in Redis (spacing
 * between calls let through, and the window between calls on the wire: ./sendWindow). The margin only
 * keeps that gate from holding calls back often: measured with two n8n queue-mode workers, 10% reached
 * 0.89–0.90 of the limit; 6% plans for 0.94.
 */
const CLUSTER_SPACING_MARGIN = 1.06;

export function spacingFor(requestsPerSecond: number, clustered = false): number {
  return Math.ceil((1000 / requestsPerSecond) * (clustered ? CLUSTER_SPACING_MARGIN : SPACING_MARGIN));
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

/** Identifies an account without revealing its key: the base URL and a short hash of the key. */
export function accountId(baseUrl: string, apiKey: string): string {
  return `${baseUrl.replace(/\/+$/, '')}#${hash(apiKey)}`;
}

interface Registration {
  rate: number;
  parallel: number;
  onWarning?: Warn;
}

export interface Registering {
  requestsPerSecond?: number;
  parallelRequests?: number;
}

export class AccountLimiter {
  private readonly lanes: Record<Lane, LaneState>;
  private readonly registrations = new Map<symbol, Registration>();
  private readonly clustered: boolean;
  private requestsPerSecond = DEFAULT_REQUESTS_PER_SECOND;
  private parallel = DEFAULT_PARALLEL_REQUESTS;

  /** The Redis URL is only held in closures (see Cluster): it never shows when the limiter is inspected. */
  constructor(
    readonly id: string,
    redisUrl?: string,
  ) {
    this.clustered = redisUrl !== undefined;
    const cluster: Cluster | undefined = redisUrl
      ? {
          id: `memberspot-${hash(id)}-limited`,
          display: displayRedisUrl(redisUrl),
          connect: () => acquireRedis(redisUrl),
          reserveSend: (key, gate) => reserveSend(redisUrl, key, gate),
          markSent: (key, token) => markSent(redisUrl, key, token),
          release: () => releaseRedis(redisUrl),
          warn: (message: string, fallback: boolean) => this.warn(message, fallback),
        }
      : undefined;
    this.lanes = {
      limited: new LaneState(this.spacingFor(this.requestsPerSecond), this.parallel, cluster, sendWindowFor(this.requestsPerSecond)),
      general: new LaneState(0, this.parallel),
    };
  }

  /** The requests-per-second in force on the limited lane. */
  get rate(): number {
    return this.requestsPerSecond;
  }

  /** The calls in flight at once per lane in force (the lowest asked for by the open clients). */
  get parallelRequests(): number {
    return this.parallel;
  }

  /** The current spacing of a lane in ms (grows after 429s). */
  spacing(lane: Lane): number {
    return this.lanes[lane].spacing;
  }

  /** Runs the task in its turn; the task calls `sent` once its request is on the wire (see ./sendWindow). */
  schedule<T>(lane: Lane, task: (sent: Sent) => Promise<T>, options?: ScheduleOptions): Promise<T> {
    return this.lanes[lane].schedule(task, options);
  }

  /** Calls waiting for a turn in a lane. */
  waiting(lane: Lane): number {
    return this.lanes[lane].waiting;
  }

  /** A 429 came back: space this lane's requests wider. */
  slowDown(lane: Lane): void {
    this.lanes[lane].slowDown(this.spacingFor(this.requestsPerSecond));
  }

  succeeded(lane: Lane): void {
    this.lanes[lane].succeeded();
  }

  /**
   * A client of this account starts using the limiter with its configured rate and parallel requests.
   * Clients of one account may be configured differently: the lowest values among the open ones are in
   * force. Throws a ValidationError naming the option when a value is out of range.
   */
  register({ requestsPerSecond, parallelRequests }: Registering, onWarning?: Warn): () => Promise<void> {
    const registration = { rate: validRate(requestsPerSecond), parallel: validParallelRequests(parallelRequests), onWarning };
    const token = Symbol('client');
    this.registrations.set(token, registration);
    this.update();
    return async () => {
      if (!this.registrations.delete(token)) return;
      this.update();
      if (this.registrations.size === 0) await this.lanes.limited.disconnect();
    };
  }

  private spacingFor(rate: number): number {
    return spacingFor(rate, this.clustered);
  }

  private warn(message: string, fallback: boolean): void {
    for (const { onWarning } of this.registrations.values()) onWarning?.(message, fallback);
  }

  private update(): void {
    const all = [...this.registrations.values()];
    const parallel = all.length ? Math.min(...all.map((r) => r.parallel)) : DEFAULT_PARALLEL_REQUESTS;
    if (parallel !== this.parallel) {
      this.parallel = parallel;
      this.lanes.limited.setMaxInFlight(parallel);
      this.lanes.general.setMaxInFlight(parallel);
    }
    const rate = all.length ? Math.min(...all.map((r) => r.rate)) : DEFAULT_REQUESTS_PER_SECOND;
    if (rate === this.requestsPerSecond) return;
    this.requestsPerSecond = rate;
    this.lanes.limited.setBase(this.spacingFor(rate));
    this.lanes.limited.setWindow(sendWindowFor(rate));
  }
}

/**
 * The process-wide registry. Kept on globalThis so that two copies of this package loaded in one process
 * (e.g. n8n's community folder and a custom folder) still share the account's limit. Keyed by the
 * account id and a hash of the Redis URL, never the URL itself (it may hold a password).
 */
const REGISTRY = Symbol.for('@memberflow/memberspot.limiters.v1');
type Registry = Map<string, AccountLimiter>;

function registry(): Registry {
  const holder = globalThis as typeof globalThis & { [REGISTRY]?: Registry };
  return (holder[REGISTRY] ??= new Map());
}

/**
 * The shared limiter of an account (and Redis, when given). It is kept for the life of the process (it is
 * small), so that a client created for the next execution still sees the pace of the one before.
 */
export function limiterFor(baseUrl: string, apiKey: string, redisUrl?: string): AccountLimiter {
  if (redisUrl) validateRedisUrl(redisUrl);
  const id = accountId(baseUrl, apiKey);
  const key = redisUrl ? `${id}|redis#${hash(redisUrl)}` : id;
  const limiters = registry();
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new AccountLimiter(id, redisUrl);
    limiters.set(key, limiter);
  }
  return limiter;
}
