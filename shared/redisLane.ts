/**
 * The Redis side of a limiter lane: turns handed out by a bottleneck cluster in Redis, shared by every
 * process that uses the same account and Redis. When Redis fails, the lane (./lane) takes its turns from
 * the process's own limit, a warning says so, and Redis is tried again 30 seconds later.
 */
import Bottleneck from 'bottleneck';
import { REDIS_READY_TIMEOUT_MS, withTimeout } from './redis';

/** After Redis failed, how long to use the local limit before trying Redis again. */
const REDIS_RETRY_MS = 30_000;
/**
 * The longest a turn waits for Redis to hand it out. Each process holds at most one turn per lane, so a
 * legitimate wait is about (processes x spacing): 10 s is the slots of some 36 processes at 4/s. A turn not
 * handed out by then means Redis stopped answering, and the turn is taken from the local limit instead.
 */
const REDIS_TURN_TIMEOUT_MS = 10_000;

/**
 * A lane's Redis cluster. The Redis URL (which may hold a password) is kept in the closures, not as a
 * property, so that it never shows when a limiter or client is inspected or serialised.
 */
export interface Cluster {
  id: string;
  /** The Redis URL without its password, for messages. */
  display: string;
  connect(): Bottleneck.IORedisConnection;
  /** The send gate on this Redis (./redis reserveSend): 0 when this call may go now, else ms left. */
  reserveSend(key: string, spacing: number): Promise<number>;
  release(): Promise<void>;
  /** `fallback`: true when the lane falls back to the local limit, false when Redis is back. */
  warn(message: string, fallback: boolean): void;
}

export class RedisLane {
  /** A private field: the Redis connection under it holds the Redis password, and must never be inspected. */
  #clustered?: Bottleneck;
  private ready?: Promise<unknown>;
  private downUntil = 0;
  private down = false;
  /** Fails the turn waiting for Redis, when bottleneck reports a Redis error. */
  private failTurn?: (error: unknown) => void;

  /** The lane's spacing as last given: the send gate keeps it between sends. */
  private spacing = 0;

  constructor(private readonly cluster: Cluster) {}

  /**
   * Holds a turn until the lane's last send, by any process, is at least the spacing ago. bottleneck plans
   * each turn from its own schedule in Redis, so a process whose timer fired late (a busy machine) would
   * send close to the next process's planned turn: both calls then reach Memberspot less than the spacing
   * apart. The gate records the send on Redis's clock at the moment it lets the call go, so the spacing
   * holds between what goes on the wire, whatever the lateness before. A Redis failure here fails the turn
   * (before the call ran), and the lane falls back to its local limit.
   */
  private async gate(): Promise<void> {
    for (;;) {
      const left = await this.cluster.reserveSend(`${this.cluster.id}:sent`, this.spacing);
      if (!(left > 0)) return;
      await new Promise((resolve) => setTimeout(resolve, left));
    }
  }

  /** False for a while after Redis failed: the lane then uses its local limit without asking Redis. */
  get available(): boolean {
    return Date.now() >= this.downUntil;
  }

  /** Runs the task when Redis hands out a turn; rejects when Redis fails (the task then has not run). */
  async schedule<T>(task: () => Promise<T>, spacing: number): Promise<T> {
    const { cluster } = this;
    let clustered = this.#clustered;
    if (!clustered) {
      clustered = this.#clustered = new Bottleneck({
        id: cluster.id,
        datastore: 'ioredis',
        connection: cluster.connect(),
        clearDatastore: false,
        minTime: spacing,
        maxConcurrent: null,
      });
      // bottleneck only emits an error when Redis fails while it hands out a turn (the turn then never
      // settles by itself): fail the waiting turn, so that it falls back to the local limit.
      clustered.on('error', (error: unknown) => this.failTurn?.(error));
    }
    this.ready ??= withTimeout(clustered.ready(), REDIS_READY_TIMEOUT_MS, `no answer within ${REDIS_READY_TIMEOUT_MS / 1000} s`);
    await this.ready;
    const failed = new Promise<never>((_, reject) => (this.failTurn = reject));
    this.spacing = spacing;
    let result: T;
    try {
      result = await withTimeout(
        Promise.race([clustered.schedule(() => this.gate().then(task)), failed]),
        REDIS_TURN_TIMEOUT_MS,
        `no turn handed out within ${REDIS_TURN_TIMEOUT_MS / 1000} s`,
      );
    } finally {
      this.failTurn = undefined;
    }
    if (this.down) {
      this.down = false;
      cluster.warn(`Redis at ${cluster.display} is reachable again: the rate limit is shared with other processes again.`, false);
    }
    return result;
  }

  /** Redis failed: stay on the local limit for a while, and say so once. */
  failed(error: unknown): void {
    const { cluster } = this;
    this.ready = undefined;
    this.downUntil = Date.now() + REDIS_RETRY_MS;
    if (this.down) return;
    this.down = true;
    const why = error instanceof Error ? error.message : String(error);
    cluster.warn(
      `Redis at ${cluster.display} cannot be reached (${why}): each process now keeps to the rate limit on its own, ` +
        'so several processes together may exceed it (Memberspot then answers 429 and the calls are retried). Trying Redis again in 30 s.',
      true,
    );
  }

  /** In Redis the spacing is shared: every process slows down (and recovers) together. */
  setSpacing(spacing: number): void {
    this.spacing = spacing;
    // (bottleneck's typings say it returns the limiter; it returns a promise, which may reject without Redis.)
    if (this.#clustered) Promise.resolve(this.#clustered.updateSettings({ minTime: spacing })).catch(() => undefined);
  }

  /**
   * Leaves Redis when no client uses this account any more, so that the process can exit. The connection
   * is released rather than the limiter disconnected: bottleneck's per-limiter disconnect unsubscribes
   * without handling a dead connection, which would be an unhandled rejection; closing the last user of a
   * connection ends every limiter on it cleanly.
   */
  async disconnect(): Promise<void> {
    if (!this.#clustered) return;
    this.#clustered = undefined;
    this.ready = undefined;
    await this.cluster.release();
  }
}
