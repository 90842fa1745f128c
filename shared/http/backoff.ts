/**
 * How long a call waits before it is sent again: exponential backoff with jitter, or what a `Retry-After`
 * header asks for, and a wait that a cancelled call leaves at once.
 */
import type { Cancellable } from '../abort';
import type { RetryOptions } from '../options';

/** Exponential backoff with jitter: a random delay between half and all of base * 2^(attempt-1), capped. */
export function backoffMs(attempt: number, retry: Required<Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>>, random: () => number): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** `Retry-After` as seconds or an HTTP date, capped; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string>, cap: number): number | undefined {
  const value = headers['retry-after']?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(cap, Math.max(0, Math.ceil(ms)));
}

/** Waits `delayMs`, or less when the signal aborts meanwhile; never rejects (the caller checks the signal). */
export function sleep(delayMs: number, signal: Cancellable): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, delayMs);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
