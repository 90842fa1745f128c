/**
 * The client's options: their defaults (one named constant each, defined only here), their checks, and the
 * base URL's normalisation. Everything is checked before a client opens anything, so that a refused option
 * leaves nothing open behind it and nothing is sent.
 */
import { Redactor, ValidationError } from './errors';
import type { LimiterOptions } from './limits/limiter';
import { redisPassword, validateRedisUrl } from './limits/redis';
import type { Transport } from './http/transport';
import type { ActionId } from './types';

export const DEFAULT_BASE_URL = 'https://api.memberspot.de';
/** How long a request waits for its answer, per attempt, unless `timeoutMs` says otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** How long the undici transport waits for a connection, unless `connectTimeoutMs` says otherwise. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Keep-alive connections per origin of the undici transport, unless a client needs more (its parallel requests). */
export const DEFAULT_CONNECTIONS = 8;
/** Requests per second on rate-limited endpoints: Memberspot's documented limit. */
export const DEFAULT_REQUESTS_PER_SECOND = 4;
/** Calls in flight at once per lane, unless a client asks for another number (the undici transport's connections per origin). */
export const DEFAULT_PARALLEL_REQUESTS = 8;
/** The most calls in flight per lane a client may ask for. */
export const MAX_PARALLEL_REQUESTS = 64;
/** The highest requests per second a client may ask for. */
const MAX_REQUESTS_PER_SECOND = 1000;
/** Retries after the first attempt. */
export const DEFAULT_MAX_RETRIES = 5;
/** The first backoff delay; it doubles with each retry, with jitter. */
export const DEFAULT_BASE_DELAY_MS = 500;
/** The longest backoff delay. */
export const DEFAULT_MAX_DELAY_MS = 30_000;
/** The longest wait a `Retry-After` header can ask for. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

export interface RetryOptions {
  /** Retries after the first attempt (default 5). */
  maxRetries?: number;
  /** First backoff delay in ms; doubles with each retry, with jitter (default 500). */
  baseDelayMs?: number;
  /** Longest backoff delay in ms (default 30 s). */
  maxDelayMs?: number;
  /** Longest wait a `Retry-After` header can ask for, in ms (default 60 s). */
  maxRetryAfterMs?: number;
}

export interface RetryEvent {
  actionId: ActionId;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** Why: an HTTP status, or `timeout` / `network`. */
  reason: number | 'timeout' | 'network';
  delayMs: number;
}

export interface ClientOptions extends LimiterOptions, RetryOptions {
  apiKey: string;
  /** Default https://api.memberspot.de */
  baseUrl?: string;
  /** How requests are sent; default an undici keep-alive pool. */
  transport?: Transport;
  /** Give up on an answer after this long, per attempt (default 30 s). */
  timeoutMs?: number;
  /** Give up on connecting after this long (default 10 s; undici transport only). */
  connectTimeoutMs?: number;
  /** Called before each retry, e.g. to show it in a node's status. Carries no secrets. */
  onRetry?: (event: RetryEvent) => void;
  /** Random source for the backoff jitter, in [0, 1). */
  random?: () => number;
}

export interface ExecuteOptions {
  /** Aborts waiting and sending, e.g. when an n8n execution is cancelled. */
  signal?: AbortSignal;
  /**
   * Called with the answer's body as it came, before the action reads it (e.g. the poll triggers, which
   * must fail on a List Users answer in an unknown shape instead of reading it as an empty list).
   */
  onBody?: (body: unknown) => void;
}

export interface ListAllOptions extends ExecuteOptions {
  /** Stop after this many users (default: all). */
  limit?: number;
}

/** A client's options, checked, with their defaults filled in. */
export interface ClientSettings {
  apiKey: string;
  redisUrl: string | undefined;
  /** Removes the key and the Redis password from every message. */
  redactor: Redactor;
  baseUrl: string;
  timeoutMs: number;
  parallelRequests: number;
  retry: Required<RetryOptions>;
}

/** Checks every option and fills in the defaults; throws a ValidationError naming the first bad option. */
export function clientSettings(options: ClientOptions): ClientSettings {
  const apiKey = typeof options?.apiKey === 'string' ? options.apiKey.trim() : '';
  if (!apiKey) {
    throw new ValidationError([{ field: 'apiKey', message: 'is required: the API key from your Memberspot account' }]);
  }
  // The key travels as a header: a pasted line break or other stray character would be refused by the
  // HTTP client on every call. Said here, once, without showing the key.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new ValidationError([
      { field: 'apiKey', message: 'contains a space, line break or other character that cannot be sent in an HTTP header; copy the key again from Memberspot' },
    ]);
  }
  const redisUrl = options.redisUrl?.trim() || undefined;
  const redactor = new Redactor([apiKey, redisPassword(redisUrl)]);
  const baseUrl = normaliseBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, redactor);
  checkOptions(options, redisUrl, redactor);
  const timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
  const parallelRequests = validParallelRequests(options.parallelRequests);
  const retry = {
    maxRetries: Math.floor(nonNegative(options.maxRetries, DEFAULT_MAX_RETRIES, 'maxRetries')),
    baseDelayMs: nonNegative(options.baseDelayMs, DEFAULT_BASE_DELAY_MS, 'baseDelayMs'),
    maxDelayMs: nonNegative(options.maxDelayMs, DEFAULT_MAX_DELAY_MS, 'maxDelayMs'),
    maxRetryAfterMs: nonNegative(options.maxRetryAfterMs, DEFAULT_MAX_RETRY_AFTER_MS, 'maxRetryAfterMs'),
  };
  return { apiKey, redisUrl, redactor, baseUrl, timeoutMs, parallelRequests, retry };
}

/** The "Requests per second" option: above 0 and at most 1000 (default 4). */
export function validRate(value: number | undefined): number {
  const rate = value ?? DEFAULT_REQUESTS_PER_SECOND;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > MAX_REQUESTS_PER_SECOND) {
    throw new ValidationError([{ field: 'requestsPerSecond', message: `must be a number above 0 and at most 1000, not ${String(value)}` }]);
  }
  return rate;
}

/** The "Parallel requests" option: a whole number from 1 to 64 (default 8). */
export function validParallelRequests(value: number | undefined): number {
  const parallel = value ?? DEFAULT_PARALLEL_REQUESTS;
  if (typeof parallel !== 'number' || !Number.isInteger(parallel) || parallel < 1 || parallel > MAX_PARALLEL_REQUESTS) {
    throw new ValidationError([
      { field: 'parallelRequests', message: `must be a whole number from 1 to ${MAX_PARALLEL_REQUESTS} (1 sends one call at a time, in order), not ${Number.isNaN(value) ? 'something else' : String(value)}` },
    ]);
  }
  return parallel;
}

/**
 * The base URL as requests use it (no trailing slash), or a ValidationError naming `baseUrl`: https, or http
 * only to this machine (the key must not travel in clear text), and no credentials, query or fragment.
 */
export function normaliseBaseUrl(value: string, redactor: Redactor = new Redactor([])): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ValidationError([{ field: 'baseUrl', message: `${redactor.text(JSON.stringify(value))} is not a URL; use https://api.memberspot.de` }]);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError([{ field: 'baseUrl', message: 'must start with https:// (or http:// for a local sandbox)' }]);
  }
  // Plain http would carry the key in clear text: only to this machine (a local sandbox or proxy).
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new ValidationError([
      {
        field: 'baseUrl',
        message: `must start with https:// for ${url.hostname} (the API key would travel unencrypted); http:// is allowed only for this machine: localhost, 127.0.0.1 or [::1]`,
      },
    ]);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ValidationError([{ field: 'baseUrl', message: 'must be a plain URL without credentials, query or fragment' }]);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** localhost, 127.0.0.0/8 or ::1, as the URL parser normalises them (127.1 becomes 127.0.0.1). */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function optionError(name: string, message: string): ValidationError {
  return new ValidationError([{ field: name, message }], { hint: 'Nothing was sent to Memberspot. Correct this client option and create the client again.' });
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (typeof result !== 'number' || !Number.isFinite(result) || result <= 0) throw optionError(name, 'must be a positive number');
  return result;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (typeof result !== 'number' || !Number.isFinite(result) || result < 0) throw optionError(name, 'must be zero or a positive number');
  return result;
}

/** The options that are only used further on (by the transport and the limiter), checked up front. */
function checkOptions(options: ClientOptions, redisUrl: string | undefined, redactor: Redactor): void {
  if (options.connectTimeoutMs !== undefined) positive(options.connectTimeoutMs, 0, 'connectTimeoutMs');
  const rate = options.requestsPerSecond;
  if (rate !== undefined && (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > MAX_REQUESTS_PER_SECOND)) {
    throw optionError('requestsPerSecond', 'must be a number above 0 and at most 1000');
  }
  if (redisUrl) {
    try {
      validateRedisUrl(redisUrl);
    } catch (error) {
      throw optionError('redisUrl', redactor.text((error as Error).message));
    }
  }
}
