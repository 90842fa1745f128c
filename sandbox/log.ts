import type { RequestLogEntry } from './types';

/** Replaces the API key wherever a client put it by mistake (path, query, body): the log never holds the key. */
export const REDACTED_KEY = '[redacted API key]';

export interface LogLimits {
  /** The newest entries kept; older ones are dropped (default 10,000). */
  maxEntries: number;
  /** A body larger than this (in bytes, as received) is logged as a size marker (default 64 KB). */
  maxBodyBytes: number;
}

export const DEFAULT_LOG_LIMITS: Readonly<LogLimits> = Object.freeze({ maxEntries: 10_000, maxBodyBytes: 64 * 1024 });

/** What the log keeps instead of a body that is larger than `maxBodyBytes`. */
export function omittedBody(bytes: number): { omitted: string; bytes: number } {
  return { omitted: 'body too large for the log', bytes };
}

/** The request log, oldest arrival first, bounded in entries (bodies are bounded by the caller). */
export class RequestLog {
  /** Cleared in place, so a reference handed out stays live. */
  readonly entries: RequestLogEntry[] = [];
  private readonly arrivalOf = new WeakMap<RequestLogEntry, number>();
  private arrivals = 0;

  constructor(
    private readonly apiKey: string,
    readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
  ) {
    if (!(Number.isInteger(limits.maxEntries) && limits.maxEntries >= 1)) throw new TypeError('log.maxEntries must be a whole number, 1 or more');
    if (!(Number.isInteger(limits.maxBodyBytes) && limits.maxBodyBytes >= 0)) throw new TypeError('log.maxBodyBytes must be a whole number, 0 or more');
  }

  /** Numbers requests as they arrive, to keep the log in arrival order. */
  arrive(): number {
    this.arrivals += 1;
    return this.arrivals;
  }

  /** Adds an answered request. A delayed request may finish after later ones: it still goes in at its arrival. */
  record(entry: RequestLogEntry, arrival: number): void {
    const redacted = this.redact(entry);
    let index = this.entries.length;
    while (index > 0 && (this.arrivalOf.get(this.entries[index - 1]) ?? 0) > arrival) index -= 1;
    this.entries.splice(index, 0, redacted);
    this.arrivalOf.set(redacted, arrival);
    if (this.entries.length > this.limits.maxEntries) this.entries.splice(0, this.entries.length - this.limits.maxEntries);
  }

  clear(): void {
    this.entries.length = 0;
  }

  private redact(entry: RequestLogEntry): RequestLogEntry {
    const secrets = [this.apiKey, encodeURIComponent(this.apiKey)];
    return {
      ...entry,
      path: redactIn(entry.path, secrets) as string,
      query: redactIn(entry.query, secrets) as Record<string, string>,
      body: redactIn(entry.body, secrets),
    };
  }
}

function redactIn(value: unknown, secrets: string[]): unknown {
  if (typeof value === 'string') {
    return secrets.reduce((text, secret) => text.split(secret).join(REDACTED_KEY), value);
  }
  if (Array.isArray(value)) return value.map((item) => redactIn(item, secrets));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [redactIn(key, secrets) as string, redactIn(item, secrets)]),
    );
  }
  return value;
}
