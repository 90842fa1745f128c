/**
 * Per-account rate limiting with bottleneck.
 *
 * Every client for the same Memberspot account (base URL + key) in this process shares one
 * AccountLimiter, whichever node, flow or execution created it. It has two lanes:
 * - `limited`: the endpoints Memberspot limits to N requests per second (default 4). Requests are spaced
 *   slightly wider than 1000/N ms, so that no 1-second window at the server ever sees more than N even
 *   with a little network jitter, while using about 96% of the limit.
 * - `general`: everything else, sent at once (the transport's connection pool bounds concurrency).
 * A 429 slows a lane down (the general lane then spaces requests too); successes bring it back.
 *
 * With a Redis URL, the limited lane is a bottleneck cluster in Redis, shared by every process that uses
 * the same account and Redis. If Redis cannot be reached, the lane falls back to the process's own limit
 * (nothing fails; a warning says so) and tries Redis again 30 seconds later.
 */
import Bottleneck from 'bottleneck';
import { createHash } from 'node:crypto';
import { isCancelled, type Cancellable } from './abort';
import { ValidationError } from './errors';
import { acquireRedis, displayRedisUrl, REDIS_READY_TIMEOUT_MS, releaseRedis, validateRedisUrl, withTimeout } from './redis';

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
  onWarning?: (message: string) => void;
}

export const DEFAULT_REQUESTS_PER_SECOND = 4;
/** Calls in flight at once per lane, unless a client asks for fewer (the undici transport's connections per origin). */
export const DEFAULT_PARALLEL_REQUESTS = 8;
/** The most calls in flight per lane a client may ask for. */
export const MAX_PARALLEL_REQUESTS = 64;
/**
 * Spacing margin in one process: 4% wider than 1000/N ms. At 4/s that is 260 ms: five calls span 1040 ms,
 * so a call may reach Memberspot up to 40 ms late (network or event-loop jitter) without a 429, and the
 * limit is still used to 96%.
 */
const SPACING_MARGIN = 1.04;
/**
 * 10% in Redis mode: there the slots are reserved ahead for every process, so a process whose timer fires
 * late sends closer to the next process's slot; the margin absorbs about 100 ms of such lateness at 4/s
 * and still uses 91% of the limit.
 */
const CLUSTER_SPACING_MARGIN = 1.1;
/** The slowest a lane gets after 429s; the retries themselves wait as long as Retry-After asks. */
const MAX_SPACING_MS = 2_000;
/** A burst of 429s for calls sent at the same pace counts as one. */
const SLOW_DOWN_HOLD_MS = 1_000;
/** Successes in a row after which a slowed-down lane speeds up one step. */
const RECOVERY_STREAK = 5;
/** After Redis failed, how long to use the local limit before trying Redis again. */
const REDIS_RETRY_MS = 30_000;
/**
 * The longest a turn waits for Redis to hand it out. Each process holds at most one turn per lane, so a
 * legitimate wait is about (processes x spacing): 10 s is the slots of some 36 processes at 4/s. A turn not
 * handed out by then means Redis stopped answering, and the turn is taken from the local limit instead.
 */
const REDIS_TURN_TIMEOUT_MS = 10_000;

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

/**
 * A lane's Redis cluster. The Redis URL (which may hold a password) is kept in the closures, not as a
 * property, so that it never shows when a limiter or client is inspected or serialised.
 */
interface Cluster {
  id: string;
  /** The Redis URL without its password, for messages. */
  display: string;
  connect(): Bottleneck.IORedisConnection;
  release(): Promise<void>;
  warn(message: string): void;
}

/** A call waiting for its turn in a lane: a node of the lane's doubly linked queue. */
interface Waiting {
  start(): void;
  signal?: Cancellable;
  prev?: Waiting;
  next?: Waiting;
  queued: boolean;
}

/** First in, first out, with removal of any entry in constant time (a cancelled call leaves at once). */
class WaitQueue {
  private head?: Waiting;
  private tail?: Waiting;
  length = 0;

  push(entry: Waiting): void {
    entry.prev = this.tail;
    entry.next = undefined;
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    entry.queued = true;
    this.length += 1;
  }

  shift(): Waiting | undefined {
    const entry = this.head;
    if (entry) this.remove(entry);
    return entry;
  }

  remove(entry: Waiting): void {
    if (!entry.queued) return;
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = entry.next = undefined;
    entry.queued = false;
    this.length -= 1;
  }
}

export interface ScheduleOptions {
  /** Aborting it while the call waits takes the call out of the queue (it never takes a slot). */
  signal?: Cancellable;
  /** A retry goes before calls that have not been sent yet, so that it keeps its place. */
  retry?: boolean;
}

/**
 * One lane. Waiting calls queue here, not in bottleneck: bottleneck only ever holds one "turn" per lane
 * and process, and each turn starts the next live call. So a cancelled call (a closed client, a redeployed
 * flow) leaves the queue at once instead of holding a slot, and in Redis mode every process gets turns in
 * the order bottleneck hands them out.
 */
class LaneState {
  /** Created on first need: an unthrottled lane sends directly, without bottleneck's scheduling cost. */
  private local?: Bottleneck;
  /** A private field: the Redis connection under it holds the Redis password, and must never be inspected. */
  #clustered?: Bottleneck;
  private ready?: Promise<unknown>;
  private redisDownUntil = 0;
  private redisDown = false;
  /** Fails the turn waiting for Redis, when bottleneck reports a Redis error. */
  private failTurn?: (error: unknown) => void;
  private readonly retries = new WaitQueue();
  private readonly fresh = new WaitQueue();
  private turnPending = false;
  /** When the lane's last turn started (the local fallback keeps the spacing from it). */
  private lastTurnAt = 0;
  private inFlight = 0;
  spacing: number;
  /** The spacing of the last slow-down's first step; below it a lane goes straight back to its base. */
  private floor = 0;
  private streak = 0;
  private lastSlowDown = 0;

  constructor(
    private baseSpacing: number,
    /** Calls in flight at once; beyond it calls wait here, so that their timeout starts when they are sent. */
    private maxInFlight: number,
    private readonly cluster?: Cluster,
  ) {
    this.spacing = baseSpacing;
  }

  /** Calls waiting for a turn (for tests and status). */
  get waiting(): number {
    return this.retries.length + this.fresh.length;
  }

  schedule<T>(task: () => Promise<T>, options: ScheduleOptions = {}): Promise<T> {
    const { signal } = options;
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const queue = options.retry ? this.retries : this.fresh;
      // One listener on the call's own signal; removing the entry is constant time, so cancelling many
      // waiting calls at once (a redeploy during a bulk run) stays linear.
      const cancel = () => {
        queue.remove(entry);
        reject(signal?.reason);
      };
      const entry: Waiting = {
        queued: false,
        signal,
        start: () => {
          signal?.removeEventListener('abort', cancel);
          this.inFlight += 1;
          task()
            .then(resolve, reject)
            .finally(() => {
              this.inFlight -= 1;
              this.requestTurn();
            });
        },
      };
      signal?.addEventListener('abort', cancel, { once: true });
      queue.push(entry);
      this.requestTurn();
    });
  }

  /** Changes the bound on calls in flight; a higher bound starts waiting calls at once. */
  setMaxInFlight(value: number): void {
    if (value === this.maxInFlight) return;
    this.maxInFlight = value;
    this.requestTurn();
  }

  /** The next live call; calls about to be cancelled (see abort.ts) are passed over, their abort rejects them. */
  private next(): Waiting | undefined {
    for (;;) {
      const entry = this.retries.shift() ?? this.fresh.shift();
      if (!entry || !isCancelled(entry.signal)) return entry;
    }
  }

  /** Starts what may start now, or asks bottleneck for one turn; each turn starts one call and asks for the next. */
  private requestTurn(): void {
    if (this.inFlight >= this.maxInFlight) return;
    // An unthrottled lane starts calls at once, up to its bound on calls in flight.
    while (this.spacing === 0 && this.waiting > 0 && this.inFlight < this.maxInFlight) this.next()?.start();
    if (this.spacing === 0 || this.turnPending || this.waiting === 0) return;
    this.turnPending = true;
    // A turn runs once, even when Redis hands it out after the lane gave up on Redis and took it locally.
    let ran = false;
    const turn = async () => {
      if (ran) return;
      ran = true;
      this.turnPending = false;
      this.lastTurnAt = Date.now();
      if (this.inFlight < this.maxInFlight) this.next()?.start();
      this.requestTurn();
    };
    void this.takeTurn(turn);
  }

  private async takeTurn(turn: () => Promise<void>): Promise<void> {
    if (this.cluster && Date.now() >= this.redisDownUntil) {
      try {
        return await this.scheduleInRedis(this.cluster, turn);
      } catch (error) {
        // A turn never fails by itself: this is Redis failing, and the turn falls back to the local limit.
        this.redisFailed(this.cluster, error);
      }
    }
    // Keep the spacing from the last turn, which may have come from Redis just before it failed.
    const gap = this.lastTurnAt + this.spacing - Date.now();
    if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
    this.local ??= new Bottleneck({ minTime: this.spacing, maxConcurrent: null });
    return this.local.schedule(turn);
  }

  private async scheduleInRedis<T>(cluster: Cluster, task: () => Promise<T>): Promise<T> {
    let clustered = this.#clustered;
    if (!clustered) {
      clustered = this.#clustered = new Bottleneck({
        id: cluster.id,
        datastore: 'ioredis',
        connection: cluster.connect(),
        clearDatastore: false,
        minTime: this.spacing,
        maxConcurrent: null,
      });
      // bottleneck only emits an error when Redis fails while it hands out a turn (the turn then never
      // settles by itself): fail the waiting turn, so that it falls back to the local limit.
      clustered.on('error', (error: unknown) => this.failTurn?.(error));
    }
    this.ready ??= withTimeout(clustered.ready(), REDIS_READY_TIMEOUT_MS, `no answer within ${REDIS_READY_TIMEOUT_MS / 1000} s`);
    await this.ready;
    const failed = new Promise<never>((_, reject) => (this.failTurn = reject));
    let result: T;
    try {
      result = await withTimeout(
        Promise.race([clustered.schedule(task), failed]),
        REDIS_TURN_TIMEOUT_MS,
        `no turn handed out within ${REDIS_TURN_TIMEOUT_MS / 1000} s`,
      );
    } finally {
      this.failTurn = undefined;
    }
    if (this.redisDown) {
      this.redisDown = false;
      cluster.warn(`Redis at ${cluster.display} is reachable again: the rate limit is shared with other processes again.`);
    }
    return result;
  }

  private redisFailed(cluster: Cluster, error: unknown): void {
    this.ready = undefined;
    this.redisDownUntil = Date.now() + REDIS_RETRY_MS;
    if (this.redisDown) return;
    this.redisDown = true;
    const why = error instanceof Error ? error.message : String(error);
    cluster.warn(
      `Redis at ${cluster.display} cannot be reached (${why}): each process now keeps to the rate limit on its own, ` +
        'so several processes together may exceed it (Memberspot then answers 429 and the calls are retried). Trying Redis again in 30 s.',
    );
  }

  setBase(spacing: number): void {
    const slowedDown = this.spacing > this.baseSpacing;
    this.baseSpacing = spacing;
    if (!slowedDown || this.spacing < spacing) this.apply(spacing);
  }

  /**
   * Wider spacing after a 429. The calls already in flight were sent at the old pace, so further 429s
   * within a second do not slow the lane down again.
   */
  slowDown(floor: number): void {
    this.streak = 0;
    this.floor = floor;
    const now = Date.now();
    if (now - this.lastSlowDown < SLOW_DOWN_HOLD_MS) return;
    this.lastSlowDown = now;
    this.apply(Math.min(MAX_SPACING_MS, Math.max(floor, Math.ceil(this.spacing * 1.5))));
  }

  succeeded(): void {
    if (this.spacing <= this.baseSpacing) return;
    this.streak += 1;
    if (this.streak < RECOVERY_STREAK) return;
    this.streak = 0;
    const next = Math.floor(this.spacing / 1.25);
    this.apply(next < Math.max(this.floor, this.baseSpacing) ? this.baseSpacing : next);
  }

  /**
   * Leaves Redis when no client uses this account any more, so that the process can exit. The connection
   * is released rather than the limiter disconnected: bottleneck's per-limiter disconnect unsubscribes
   * without handling a dead connection, which would be an unhandled rejection; closing the last user of a
   * connection ends every limiter on it cleanly.
   */
  async disconnect(): Promise<void> {
    const { cluster } = this;
    if (!this.#clustered || !cluster) return;
    this.#clustered = undefined;
    this.ready = undefined;
    await cluster.release();
  }

  private apply(spacing: number): void {
    if (spacing === this.spacing) return;
    this.spacing = spacing;
    this.local?.updateSettings({ minTime: spacing });
    // In Redis the setting is shared: every process slows down (and recovers) together.
    // (bottleneck's typings say it returns the limiter; it returns a promise, which may reject without Redis.)
    if (this.#clustered) Promise.resolve(this.#clustered.updateSettings({ minTime: spacing })).catch(() => undefined);
  }
}

interface Registration {
  rate: number;
  parallel: number;
  onWarning?: (message: string) => void;
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
          release: () => releaseRedis(redisUrl),
          warn: (message: string) => this.warn(message),
        }
      : undefined;
    this.lanes = {
      limited: new LaneState(this.spacingFor(this.requestsPerSecond), this.parallel, cluster),
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

  schedule<T>(lane: Lane, task: () => Promise<T>, options?: ScheduleOptions): Promise<T> {
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
  register(settings: Registering | number | undefined, onWarning?: (message: string) => void): () => Promise<void> {
    const { requestsPerSecond, parallelRequests } = typeof settings === 'object' ? settings : { requestsPerSecond: settings, parallelRequests: undefined };
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

  private warn(message: string): void {
    for (const { onWarning } of this.registrations.values()) onWarning?.(message);
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
  }
}

function validRate(value: number | undefined): number {
  const rate = value ?? DEFAULT_REQUESTS_PER_SECOND;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > 1000) {
    throw new ValidationError([{ field: 'requestsPerSecond', message: `must be a number above 0 and at most 1000, not ${String(value)}` }]);
  }
  return rate;
}

/** The "Parallel requests" option: a whole number from 1 to 64 (default 8). */
export function validParallelRequests(value: number | undefined): number {
  const parallel = value ?? DEFAULT_PARALLEL_REQUESTS;
  if (typeof parallel !== 'number' || !Number.isInteger(parallel) || parallel < 1 || parallel > MAX_PARALLEL_REQUESTS) {
    throw new ValidationError([
      { field: 'parallelRequests', message: `must be a whole number from 1 to ${MAX_PARALLEL_REQUESTS} (1 sends one call at a time, in order), not ${String(value)}` },
    ]);
  }
  return parallel;
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
