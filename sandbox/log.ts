import type { RequestLogEntry } from './types';

/** Replaces the API key wherever a client put it by mistake (path, query, body): the log never holds the key. */
export const REDACTED_KEY = '[redacted API key]';

/** The request log, oldest arrival first. */
export class RequestLog {
  /** Cleared in place, so a reference handed out stays live. */
  readonly entries: RequestLogEntry[] = [];
  private readonly arrivalOf = new WeakMap<RequestLogEntry, number>();
  private arrivals = 0;

  constructor(private readonly apiKey: string) {}

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
