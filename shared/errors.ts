/**
 * Typed errors of the Memberspot core.
 *
 * Every error the client throws is one of these classes. Each carries a `message` that says what went
 * wrong and a `hint` that tells a workflow author what to do about it. None of them ever contains the
 * API key: the client builds them through a {@link Redactor}, which scrubs the key from every string,
 * including the cause, and `toJSON()` serialises only known, redacted fields.
 */

export type MemberspotErrorCode =
  | 'VALIDATION'
  | 'AUTHENTICATION'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'API_ERROR'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'REDIRECT'
  | 'CLIENT_CLOSED'
  | 'MASS_CHANGE';

export interface MemberspotErrorOptions {
  hint?: string;
  actionId?: string;
  status?: number;
  attempts?: number;
  cause?: unknown;
}

export class MemberspotError extends Error {
  override name = 'MemberspotError';
  readonly code: MemberspotErrorCode;
  /** What the workflow author can do about it. */
  hint: string;
  /** The action that failed, when known. */
  actionId?: string;
  /** The HTTP status Memberspot answered, when there was an answer. */
  status?: number;
  /** How many requests were sent before giving up (0 when nothing was sent). */
  attempts?: number;

  constructor(code: MemberspotErrorCode, message: string, options: MemberspotErrorOptions = {}) {
    super(message);
    this.code = code;
    this.hint = options.hint ?? '';
    this.actionId = options.actionId;
    this.status = options.status;
    this.attempts = options.attempts;
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, writable: true, configurable: true });
    }
  }

  /** Message and hint in one line, for hosts that show a single string. */
  get fullMessage(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }

  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    if (this.hint) json.hint = this.hint;
    if (this.actionId) json.actionId = this.actionId;
    if (this.status !== undefined) json.status = this.status;
    if (this.attempts !== undefined) json.attempts = this.attempts;
    return json;
  }
}

export interface FieldIssue {
  /** The input field, e.g. `email` or `properties.cp_phone`; empty for the input as a whole. */
  field: string;
  message: string;
}

/** The input was refused before anything was sent to Memberspot. */
export class ValidationError extends MemberspotError {
  override name = 'ValidationError';
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[], options: MemberspotErrorOptions & { actionLabel?: string } = {}) {
    const what = options.actionLabel ? `Invalid input for ${options.actionLabel}` : 'Invalid input';
    const list = issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
    super('VALIDATION', `${what}: ${list}.`, {
      hint: 'Nothing was sent to Memberspot. Correct the field(s) named above and run again.',
      attempts: 0,
      ...options,
    });
    this.issues = issues;
  }

  /** The names of the invalid fields. */
  get fields(): string[] {
    return this.issues.map((i) => i.field);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** 401 or 403: the key is wrong, or the account's plan does not include the API. */
export class AuthenticationError extends MemberspotError {
  override name = 'AuthenticationError';
  constructor(message: string, options: MemberspotErrorOptions = {}) {
    super('AUTHENTICATION', message, options);
  }
}

/** 404: the user, offer, order, course or exam does not exist in this Memberspot account. */
export class NotFoundError extends MemberspotError {
  override name = 'NotFoundError';
  constructor(message: string, options: MemberspotErrorOptions = {}) {
    super('NOT_FOUND', message, { status: 404, ...options });
  }
}

/** 429 still answered after every retry. */
export class RateLimitError extends MemberspotError {
  override name = 'RateLimitError';
  constructor(message: string, options: MemberspotErrorOptions = {}) {
    super('RATE_LIMITED', message, { status: 429, ...options });
  }
}

/** Any other answer outside 2xx; `apiMessage` is what Memberspot said. */
export class ApiError extends MemberspotError {
  override name = 'ApiError';
  apiMessage: string;
  constructor(message: string, options: MemberspotErrorOptions & { apiMessage?: string } = {}) {
    super('API_ERROR', message, options);
    this.apiMessage = options.apiMessage ?? '';
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), apiMessage: this.apiMessage };
  }
}

/** Memberspot could not be reached (refused, reset, DNS), after every retry. */
export class NetworkError extends MemberspotError {
  override name = 'NetworkError';
  constructor(message: string, options: MemberspotErrorOptions = {}, code: MemberspotErrorCode = 'NETWORK') {
    super(code, message, options);
  }
}

/** Memberspot did not answer in time, after every retry. */
export class TimeoutError extends NetworkError {
  override name = 'TimeoutError';
  constructor(message: string, options: MemberspotErrorOptions = {}) {
    super(message, options, 'TIMEOUT');
  }
}

/**
 * A 3xx answer. Redirects are never followed (the API key would go along), so nothing was sent to where it
 * pointed; `targetHost` is that host (never its path or query), or '' when the answer named none.
 */
export class RedirectError extends MemberspotError {
  override name = 'RedirectError';
  readonly targetHost: string;
  constructor(message: string, options: MemberspotErrorOptions & { targetHost?: string } = {}) {
    super('REDIRECT', message, options);
    this.targetHost = options.targetHost ?? '';
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), targetHost: this.targetHost };
  }
}

/**
 * The error for a 3xx answer from the base URL (any transport): it names only the host the redirect
 * pointed to, says that nothing was sent there, and points at the base URL.
 */
/** The host a redirect's `Location` points to (resolved against the base URL), or '' when it gives none. */
export function redirectTarget(location: string | undefined, baseUrl: string): string {
  if (!location?.trim()) return '';
  const base = new URL(baseUrl);
  try {
    return new URL(location.trim(), `${base.origin}${base.pathname.replace(/\/?$/, '/')}`).host.slice(0, 255);
  } catch {
    return '';
  }
}

export function redirectError(
  status: number,
  location: string | undefined,
  baseUrl: string,
  options: { actionId?: string; attempts?: number } = {},
): RedirectError {
  const base = new URL(baseUrl);
  const targetHost = redirectTarget(location, baseUrl);
  const where = !targetHost
    ? 'without a valid target'
    : targetHost === base.host
      ? `to another address on the same host (${targetHost})`
      : `to another host (${targetHost})`;
  return new RedirectError(
    `Memberspot's base URL answered ${status}, a redirect ${where}. Redirects are never followed, so nothing was sent there (and not the API key).`,
    {
      ...options,
      status,
      targetHost,
      hint: `Check the base URL in the credentials (now ${base.origin}${base.pathname.replace(/\/+$/, '')}): it must be the address the API answers at directly, e.g. https://api.memberspot.de, not one that forwards elsewhere.`,
    },
  );
}

/** The client was closed (e.g. a Node-RED redeploy), or the caller's signal aborted, before the call finished. */
export class ClientClosedError extends MemberspotError {
  override name = 'ClientClosedError';
  constructor({ message, ...options }: MemberspotErrorOptions & { message?: string } = {}) {
    super('CLIENT_CLOSED', message ?? 'The Memberspot client was closed before this call could be sent.', {
      hint: 'This happens when a flow is redeployed or n8n shuts down while calls wait for the rate limit; run the item again.',
      ...options,
    });
  }
}

const MASK = '[redacted]';

/**
 * Scrubs secrets (the API key, in plain and URL-encoded form) from strings and errors.
 * Kept separate from the client so that every host wrapper can use the same one.
 */
export class Redactor {
  // An ES private field: it does not show when the redactor (or a client holding it) is inspected.
  readonly #secrets: string[];

  constructor(secrets: Array<string | undefined>) {
    const all = new Set<string>();
    for (const s of secrets) {
      // Very short values would mask ordinary words; a real key is long.
      if (!s || s.length < 4) continue;
      all.add(s);
      all.add(encodeURIComponent(s));
    }
    // Longest first, so an encoded form is not half-masked by its plain prefix.
    this.#secrets = [...all].sort((a, b) => b.length - a.length);
  }

  text(value: string): string {
    let out = value;
    for (const s of this.#secrets) out = out.split(s).join(MASK);
    return out;
  }

  /** A deep copy of a JSON-like value with every string redacted. */
  value<T>(value: T, depth = 0): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (depth > 20 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.value(v, depth + 1)) as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[this.text(k)] = this.value(v, depth + 1);
    return out as T;
  }

  /**
   * A safe stand-in for an arbitrary thrown value: an Error with only a redacted name, message, code and
   * stack. Other properties (an HTTP library's request options, which may hold the key header) are dropped.
   */
  cause(error: unknown): Error {
    if (!(error instanceof Error)) return new Error(this.text(String(error)));
    const copy = new Error(this.text(error.message));
    copy.name = this.text(error.name);
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') (copy as Error & { code?: string }).code = this.text(code);
    copy.stack = this.text(error.stack ?? `${copy.name}: ${copy.message}`);
    return copy;
  }

  /** Redacts a MemberspotError in place (message, hint, stack, api message, issues, cause) and returns it. */
  error<E extends MemberspotError>(error: E): E {
    error.message = this.text(error.message);
    error.hint = this.text(error.hint);
    error.stack = this.text(error.stack ?? '');
    if (error instanceof ApiError) error.apiMessage = this.text(error.apiMessage);
    if (error instanceof ValidationError) {
      for (const issue of error.issues) {
        issue.field = this.text(issue.field);
        issue.message = this.text(issue.message);
      }
    }
    const cause = (error as { cause?: unknown }).cause;
    if (cause !== undefined) {
      Object.defineProperty(error, 'cause', { value: this.cause(cause), writable: true, configurable: true });
    }
    return error;
  }
}
