/**
 * The Redis side of a limiter lane: turns handed out by a bottleneck cluster in Redis, shared by every
 * process that uses the same account and Redis. When Redis fails, the lane (./lane) takes its turns from
 * the process's own limit, a warning says so, and Redis is tried again 30 seconds later.
 */
import Bottleneck from 'bottleneck';
import { randomBytes } from 'node:crypto';
import { REDIS_READY_TIMEOUT_MS, withTimeout } from './redis';
import { SEND_HOLD_MS, type SendWindowSettings } from './sendWindow';
import type { Sent } from './waitQueue';

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
  reserveSend(key: string, gate: SendGate): Promise<number>;
  /** Tells the send gate that the call let through with `token` is on the wire now (./redis markSent). */
  markSent(key: string, token: string): Promise<void>;
  release(): Promise<void>;
  /** `fallback`: true when the lane falls back to the local limit, false when Redis is back. */
  warn(message: string, fallback: boolean): void;
}

/** What the send gate keeps: the spacing between calls let through, and the window between calls sent. */
export interface SendGate {
  spacing: number;
  /** Calls per window (0: no window). */
  count: number;
  windowMs: number;
  /** Marks this call in the window until it is sent. */
  token: string;
  /** How long a call let through but not yet sent holds the window (./sendWindow SEND_HOLD_MS). */
  holdMs: number;
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

  constructor(
    private readonly cluster: Cluster,
    private window?: SendWindowSettings,
  ) {}

  /**
   * Holds a turn until the lane's last call let through, by any process, is at least the spacing ago, and
   * until the window allows one more call on the wire (./sendWindow). bottleneck plans each turn from its
   * own schedule in Redis, so a process whose timer fired late (a busy machine) would send close to the
   * next process's planned turn, and a call that reaches the wire late (a cold lane's first call) would
   * crowd the calls after it: both then reach Memberspot too close together. The gate works on Redis's
   * clock: it records each call it lets through, and the call records when it is on the wire
   * (markSent), so the window holds between what goes on the wire, whatever the lateness before. A Redis
   * failure here fails the turn (before the call ran), and the lane falls back to its local limit.
   * Resolves with the call's token for markSent.
   */
  private async gate(): Promise<string> {
    const token = randomBytes(6).toString('hex');
    for (;;) {
      const left = await this.cluster.reserveSend(this.cluster.id, {
        spacing: this.spacing,
        count: this.window?.count ?? 0,
        windowMs: this.window?.ms ?? 0,
        token,
        holdMs: SEND_HOLD_MS,
      });
      if (!(left > 0)) return token;
      await new Promise((resolve) => setTimeout(resolve, left));
    }
  }

  /** The call let through with `token` is on the wire; a Redis failure here only makes the gate hold longer. */
  private sent(token: string): Sent {
    let told = false;
    return () => {
      if (told) return;
      told = true;
      this.cluster.markSent(this.cluster.id, token).catch(() => undefined);
    };
  }

  setWindow(window: SendWindowSettings): void {
    this.window = window;
  }

  /** False for a while after Redis failed: the lane then uses its local limit without asking Redis. */
  get available(): boolean {
    return Date.now() >= this.downUntil;
  }

  /** Runs the task when Redis hands out a turn; rejects when Redis fails (the task then has not run). */
  async schedule<T>(task: (sent: Sent) => Promise<T>, spacing: number): Promise<T> {
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
        Promise.race([clustered.schedule(() => this.gate().then((token) => task(this.sent(token)))), failed]),
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
