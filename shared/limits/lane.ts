/**
 * One lane of an account's limiter (./limiter): the calls waiting for their turn, the spacing between
 * turns (wider after a 429, back to normal after successes), the bound on calls in flight and, on the
 * limited lane, the window between what goes on the wire (./sendWindow).
 */
import Bottleneck from 'bottleneck';
import { isCancelled, type Cancellable } from '../abort';
import { RedisLane, type Cluster } from './redisLane';
import { SendLog, type SendWindowSettings } from './sendWindow';
import { WaitQueue, type Sent, type Waiting } from './waitQueue';

/** An unthrottled lane keeps no window: nothing to tell when its calls are sent. */
const NOTHING_TO_TELL: Sent = () => undefined;

/** The slowest a lane gets after 429s; the retries themselves wait as long as Retry-After asks. */
const MAX_SPACING_MS = 2_000;
/** A burst of 429s for calls sent at the same pace counts as one. */
const SLOW_DOWN_HOLD_MS = 1_000;
/** Successes in a row after which a slowed-down lane speeds up one step. */
const RECOVERY_STREAK = 5;

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
export class LaneState {
  /** Created on first need: an unthrottled lane sends directly, without bottleneck's scheduling cost. */
  private local?: Bottleneck;
  /** With a Redis URL: the turns shared with other processes (./redisLane). */
  private readonly redis?: RedisLane;
  private readonly retries = new WaitQueue();
  private readonly fresh = new WaitQueue();
  private turnPending = false;
  /** When the lane's last turn started (the local fallback keeps the spacing from it). */
  private lastTurnAt = 0;
  /** Whether the last turn was spaced by the local bottleneck (not handed out by Redis). */
  private lastTurnLocal = true;
  private inFlight = 0;
  spacing: number;
  /** The spacing of the last slow-down's first step; below it a lane goes straight back to its base. */
  private floor = 0;
  private streak = 0;
  private lastSlowDown = 0;
  /** The lane's last calls and when they went on the wire (only with a window). */
  private readonly sends?: SendLog;

  constructor(
    private baseSpacing: number,
    /** Calls in flight at once; beyond it calls wait here, so that their timeout starts when they are sent. */
    private maxInFlight: number,
    cluster?: Cluster,
    /** At most `count` calls on the wire per `ms` (the limited lane), whatever each call's delay after its turn. */
    window?: SendWindowSettings,
  ) {
    this.spacing = baseSpacing;
    if (window) this.sends = new SendLog(window);
    if (cluster) this.redis = new RedisLane(cluster, window);
  }

  /** Calls waiting for a turn (for tests and status). */
  get waiting(): number {
    return this.retries.length + this.fresh.length;
  }

  /**
   * Runs the task in its turn. The task gets a function to call once its request is on the wire (see
   * ./sendWindow); a task that never calls it counts as sent when it ends.
   */
  schedule<T>(task: (sent: Sent) => Promise<T>, options: ScheduleOptions = {}): Promise<T> {
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
        start: (sent: Sent) => {
          signal?.removeEventListener('abort', cancel);
          this.inFlight += 1;
          let running: Promise<T>;
          try {
            running = task(sent);
          } catch (error) {
            running = Promise.reject(error);
          }
          running
            .then(resolve, reject)
            .finally(() => {
              sent();
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
    while (this.spacing === 0 && this.waiting > 0 && this.inFlight < this.maxInFlight) this.next()?.start(NOTHING_TO_TELL);
    if (this.spacing === 0 || this.turnPending || this.waiting === 0) return;
    this.turnPending = true;
    // A turn runs once, even when Redis hands it out after the lane gave up on Redis and took it locally.
    let ran = false;
    // `redisSent`: given when Redis handed out the turn; it tells Redis when this turn's call is on the wire
    // (Redis then keeps the window for every process, and this process's own window is not asked).
    const turn = async (redisSent?: Sent) => {
      if (ran) return redisSent?.();
      ran = true;
      // bottleneck plans turns from its own schedule: after a turn that started late (a busy event loop),
      // the next one would come early. Never start turns closer than the spacing.
      const early = this.lastTurnAt + this.spacing - Date.now();
      if (early > 1) await new Promise((resolve) => setTimeout(resolve, early));
      if (!redisSent) await this.sends?.ready();
      this.turnPending = false;
      this.lastTurnAt = Date.now();
      const entry = this.inFlight < this.maxInFlight ? this.next() : undefined;
      if (entry) {
        const sentHere = this.sends?.record();
        let told = false;
        entry.start(() => {
          if (told) return;
          told = true;
          sentHere?.();
          redisSent?.();
        });
      } else {
        // No call took the turn: Redis must not wait for one to go on the wire.
        redisSent?.();
      }
      this.requestTurn();
    };
    void this.takeTurn(turn);
  }

  private async takeTurn(turn: (redisSent?: Sent) => Promise<void>): Promise<void> {
    if (this.redis?.available) {
      this.lastTurnLocal = false;
      try {
        return await this.redis.schedule(turn, this.spacing);
      } catch (error) {
        // A turn never fails by itself: this is Redis failing, and the turn falls back to the local limit.
        this.redis.failed(error);
      }
    }
    // Keep the spacing from the last turn when it came from Redis just before Redis failed (the local
    // bottleneck spaces its own turns: waiting here too would add a timer's lateness to every turn).
    if (!this.lastTurnLocal) {
      const gap = this.lastTurnAt + this.spacing - Date.now();
      if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
    }
    this.lastTurnLocal = true;
    this.local ??= new Bottleneck({ minTime: this.spacing, maxConcurrent: null });
    return this.local.schedule(() => turn());
  }

  /** A new rate on the limited lane: its window follows. */
  setWindow(window: SendWindowSettings): void {
    this.sends?.set(window);
    this.redis?.setWindow(window);
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

  /** Leaves Redis when no client uses this account any more, so that the process can exit. */
  async disconnect(): Promise<void> {
    await this.redis?.disconnect();
  }

  private apply(spacing: number): void {
    if (spacing === this.spacing) return;
    this.spacing = spacing;
    this.local?.updateSettings({ minTime: spacing });
    this.redis?.setSpacing(spacing);
  }
}
