/**
 * Per-account rate limiting with bottleneck.
 *
 * Every client for the same Memberspot account (base URL + key) in this process shares one
 * AccountLimiter, whichever node, flow or execution created it. It has two lanes:
 * - `limited`: the endpoints Memberspot limits to N requests per second (default 4). Requests are spaced
 *   slightly wider than 1000/N ms, so that no 1-second window at the server ever sees more than N even
 *   with a little network jitter, while using about 97% of the limit.
 * - `general`: everything else, sent at once (the transport's connection pool bounds concurrency).
 * A 429 slows a lane down (the general lane then spaces requests too); successes bring it back.
 */
import Bottleneck from 'bottleneck';
import { createHash } from 'node:crypto';

export type Lane = 'limited' | 'general';

export interface LimiterOptions {
  /** Requests per second on rate-limited endpoints (default 4, Memberspot's documented limit). */
  requestsPerSecond?: number;
}

export const DEFAULT_REQUESTS_PER_SECOND = 4;
/** Spacing margin: 3% wider than 1000/N ms. */
const SPACING_MARGIN = 1.03;
const MAX_SPACING_MS = 10_000;
/** Successes in a row after which a slowed-down lane speeds up one step. */
const RECOVERY_STREAK = 10;

export function spacingFor(requestsPerSecond: number): number {
  return Math.ceil((1000 / requestsPerSecond) * SPACING_MARGIN);
}

/** Identifies an account without revealing its key: the base URL and a short hash of the key. */
export function accountId(baseUrl: string, apiKey: string): string {
  const hash = createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
  return `${baseUrl.replace(/\/+$/, '')}#${hash}`;
}

class LaneState {
  /** Created on first need: an unthrottled lane sends directly, without bottleneck's scheduling cost. */
  private limiter?: Bottleneck;
  spacing: number;
  /** The spacing of the last slow-down's first step; below it a lane goes straight back to its base. */
  private floor = 0;
  private streak = 0;

  constructor(private baseSpacing: number) {
    this.spacing = baseSpacing;
  }

  schedule<T>(task: () => Promise<T>): Promise<T> {
    if (this.spacing === 0) return task();
    this.limiter ??= new Bottleneck({ minTime: this.spacing, maxConcurrent: null });
    return this.limiter.schedule(task);
  }

  setBase(spacing: number): void {
    const slowedDown = this.spacing > this.baseSpacing;
    this.baseSpacing = spacing;
    if (!slowedDown || this.spacing < spacing) this.apply(spacing);
  }

  slowDown(floor: number): void {
    this.streak = 0;
    this.floor = floor;
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

  private apply(spacing: number): void {
    if (spacing === this.spacing) return;
    this.spacing = spacing;
    this.limiter?.updateSettings({ minTime: spacing });
  }
}

export class AccountLimiter {
  private readonly lanes: Record<Lane, LaneState>;
  private readonly rates = new Map<symbol, number>();
  private requestsPerSecond = DEFAULT_REQUESTS_PER_SECOND;

  constructor(readonly id: string) {
    this.lanes = {
      limited: new LaneState(spacingFor(this.requestsPerSecond)),
      general: new LaneState(0),
    };
  }

  /** The requests-per-second in force on the limited lane. */
  get rate(): number {
    return this.requestsPerSecond;
  }

  /** The current spacing of a lane in ms (grows after 429s). */
  spacing(lane: Lane): number {
    return this.lanes[lane].spacing;
  }

  schedule<T>(lane: Lane, task: () => Promise<T>): Promise<T> {
    return this.lanes[lane].schedule(task);
  }

  /** A 429 came back: space this lane's requests wider. */
  slowDown(lane: Lane): void {
    this.lanes[lane].slowDown(spacingFor(this.requestsPerSecond));
  }

  succeeded(lane: Lane): void {
    this.lanes[lane].succeeded();
  }

  /**
   * A client of this account starts using the limiter with its configured rate. Clients of one account
   * may be configured differently: the lowest rate among the open ones is in force.
   */
  register(requestsPerSecond: number | undefined): () => void {
    const token = Symbol('client');
    this.rates.set(token, validRate(requestsPerSecond));
    this.updateRate();
    return () => {
      if (this.rates.delete(token)) this.updateRate();
    };
  }

  private updateRate(): void {
    const rate = this.rates.size ? Math.min(...this.rates.values()) : DEFAULT_REQUESTS_PER_SECOND;
    if (rate === this.requestsPerSecond) return;
    this.requestsPerSecond = rate;
    this.lanes.limited.setBase(spacingFor(rate));
  }
}

function validRate(value: number | undefined): number {
  const rate = value ?? DEFAULT_REQUESTS_PER_SECOND;
  if (!Number.isFinite(rate) || rate <= 0 || rate > 1000) {
    throw new RangeError(`requestsPerSecond must be a number between 0 and 1000, not ${String(value)}`);
  }
  return rate;
}

/**
 * The process-wide registry. Kept on globalThis so that two copies of this package loaded in one process
 * (e.g. n8n's community folder and a custom folder) still share the account's limit.
 */
const REGISTRY = Symbol.for('@memberflow/memberspot.limiters.v1');
type Registry = Map<string, AccountLimiter>;

function registry(): Registry {
  const holder = globalThis as typeof globalThis & { [REGISTRY]?: Registry };
  return (holder[REGISTRY] ??= new Map());
}

/**
 * The shared limiter of an account. It is kept for the life of the process (it is small), so that a
 * client created for the next execution still sees the pace of the one before.
 */
export function limiterFor(baseUrl: string, apiKey: string): AccountLimiter {
  const id = accountId(baseUrl, apiKey);
  const limiters = registry();
  let limiter = limiters.get(id);
  if (!limiter) {
    limiter = new AccountLimiter(id);
    limiters.set(id, limiter);
  }
  return limiter;
}
