import { performance } from 'node:perf_hooks';
import { resolveRateLimit, type ResolvedRateLimit } from './options';
import type { Route } from './routes';
import type { RateLimitOptions } from './types';

/**
 * A strict sliding window on a monotonic clock: a request passes when fewer than `limit` counted requests
 * arrived within the last `windowMs` (arrival time > now - windowMs). Refused requests are not counted.
 */
export class SlidingWindow {
  private readonly arrivals: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Counts the request and returns null, or refuses it and returns the Retry-After in whole seconds (at least 1). */
  tryAcquire(): number | null {
    const now = this.now();
    while (this.arrivals.length > 0 && this.arrivals[0] <= now - this.windowMs) this.arrivals.shift();
    if (this.arrivals.length < this.limit) {
      this.arrivals.push(now);
      return null;
    }
    const untilOldestLeaves = this.arrivals[0] + this.windowMs - now;
    return Math.max(1, Math.ceil(untilOldestLeaves / 1000));
  }

  /** The limit, the requests left in the current window and the seconds until one more is free. */
  status(): { limit: number; remaining: number; resetSeconds: number } {
    const now = this.now();
    const counted = this.arrivals.filter((arrival) => arrival > now - this.windowMs);
    const remaining = Math.max(0, this.limit - counted.length);
    const resetSeconds = counted.length === 0 ? 0 : Math.max(1, Math.ceil((counted[0] + this.windowMs - now) / 1000));
    return { limit: this.limit, remaining, resetSeconds };
  }
}

/** The sandbox's rate limit. The API has a single key, so one window serves "per API key". */
export class RateLimiter {
  private config: ResolvedRateLimit | false = false;
  private window?: SlidingWindow;

  constructor(options: RateLimitOptions | false) {
    this.configure(options);
  }

  /** Applies new settings with an empty window. */
  configure(options: RateLimitOptions | false): void {
    this.config = resolveRateLimit(options);
    this.restart();
  }

  /** Forgets the counted requests. */
  restart(): void {
    this.window = this.config ? new SlidingWindow(this.config.limit, this.config.windowMs) : undefined;
  }

  /** Whether the route is in scope; while the limit is off, the scope is Memberspot's own (`limited`). */
  inScope(route: Route): boolean {
    return (this.config && this.config.scope === 'all') || route.rateLimited === true;
  }

  /** `<prefix>-Limit`, `-Remaining` and `-Reset` for a route in scope while a limit is on. */
  headers(route: Route, prefix: string): Record<string, string> {
    if (!this.window || !this.inScope(route)) return {};
    const { limit, remaining, resetSeconds } = this.window.status();
    return { [`${prefix}-Limit`]: String(limit), [`${prefix}-Remaining`]: String(remaining), [`${prefix}-Reset`]: String(resetSeconds) };
  }

  /** null when the request may pass (and is counted if in scope), otherwise the Retry-After seconds. */
  check(route: Route): number | null {
    if (!this.window || !this.inScope(route)) return null;
    return this.window.tryAcquire();
  }
}
