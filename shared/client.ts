/**
 * The Memberspot client: validate -> limit -> send -> retry -> normalise.
 *
 * Hosts create one client per account configuration and call `execute(actionId, input)`. Nothing is sent
 * for invalid input; every error thrown is a typed, redacted MemberspotError.
 */
import { STATUS_CODES } from 'node:http';
import { actions, isActionId, type ActionOutput } from './actions';
import type { JsonObject } from './actions/normalize';
import {
  ApiError,
  AuthenticationError,
  ClientClosedError,
  MemberspotError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  Redactor,
  redirectError,
  TimeoutError,
  ValidationError,
} from './errors';
import { limiterFor, validParallelRequests, type AccountLimiter, type Lane, type LimiterOptions } from './limiter';
import { TransportError, type Transport, type TransportResponse } from './transport';
import type { ActionDefinition, ActionId, ApiRequest, QueryValue } from './types';
import { UndiciTransport } from './undiciTransport';
import { redisPassword, validateRedisUrl } from './redis';
import { outsideBase, parseInput } from './validation';
import { abortAll, CLOSE_GRACE_MS, endCall, isCancelled, onWire, settledWithin, startCall, withoutStack, type Call, type Cancellable } from './abort';

export const DEFAULT_BASE_URL = 'https://api.memberspot.de';
/** How long a request waits for its answer, per attempt, unless `timeoutMs` says otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000;

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

export interface RetryEvent {
  actionId: ActionId;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** Why: an HTTP status, or `timeout` / `network`. */
  reason: number | 'timeout' | 'network';
  delayMs: number;
}

export interface ExecuteOptions {
  /** Aborts waiting and sending, e.g. when an n8n execution is cancelled. */
  signal?: AbortSignal;
}

export interface ListAllOptions extends ExecuteOptions {
  /** Stop after this many users (default: all). */
  limit?: number;
}

export interface MemberspotClient {
  readonly baseUrl: string;
  /** Calls in flight at once per lane: the "Parallel requests" setting (default 8; 1 = one at a time, in order). */
  readonly parallelRequests: number;
  /** Runs one action and returns its normalised result. */
  execute<A extends ActionId>(actionId: A, input?: unknown, options?: ExecuteOptions): Promise<ActionOutput<A>>;
  /** Every user page by page (the cursor goes back as `lastLoadedId`), up to `limit`. */
  listAll(input?: unknown, options?: ListAllOptions): AsyncGenerator<JsonObject, void, undefined>;
  /** Validates an action's input without sending anything; throws a ValidationError. */
  validate<A extends ActionId>(actionId: A, input?: unknown): unknown;
  /**
   * Fails calls still waiting at once, gives requests on the wire a short grace (1 s) to bring their
   * answer, then abandons them and releases the limiter registration and the connections.
   */
  close(): Promise<void>;
}

const RETRYABLE_STATUS = new Set([408, 500, 502, 503, 504]);
const CLOSED_MID_CALL = 'The Memberspot client was closed before this call finished; a request already sent may have taken effect.';

export function createClient(options: ClientOptions): MemberspotClient {
  return new Client(options);
}

class Client implements MemberspotClient {
  readonly baseUrl: string;
  readonly parallelRequests: number;
  private readonly transport: Transport;
  private readonly ownsTransport: boolean;
  private readonly limiter: AccountLimiter;
  private readonly unregister: () => Promise<void>;
  private readonly redactor: Redactor;
  private readonly closing = new AbortController();
  /** The calls under way (close() cancels them); each has its own controller, see ./abort. */
  private readonly calls = new Set<Call>();
  private readonly timeoutMs: number;
  private readonly retry: Required<RetryOptions>;
  private readonly random: () => number;
  private readonly onRetry?: (event: RetryEvent) => void;

  constructor(options: ClientOptions) {
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
    this.redactor = new Redactor([apiKey, redisPassword(redisUrl)]);
    this.baseUrl = normaliseBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, this.redactor);
    // Everything is checked before the connection pool and the limiter registration are created, so that a
    // refused option leaves nothing open behind it.
    checkOptions(options, redisUrl, this.redactor);
    this.timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
    this.parallelRequests = validParallelRequests(options.parallelRequests);
    this.retry = {
      maxRetries: Math.floor(nonNegative(options.maxRetries, 5, 'maxRetries')),
      baseDelayMs: nonNegative(options.baseDelayMs, 500, 'baseDelayMs'),
      maxDelayMs: nonNegative(options.maxDelayMs, 30_000, 'maxDelayMs'),
      maxRetryAfterMs: nonNegative(options.maxRetryAfterMs, 60_000, 'maxRetryAfterMs'),
    };
    this.random = options.random ?? Math.random;
    this.onRetry = options.onRetry;
    this.ownsTransport = !options.transport;
    this.transport =
      options.transport ??
      new UndiciTransport({ baseUrl: this.baseUrl, apiKey, connectTimeoutMs: options.connectTimeoutMs });
    try {
      this.limiter = limiterFor(this.baseUrl, apiKey, redisUrl);
    } catch (error) {
      if (this.ownsTransport) void this.transport.close?.().catch(() => undefined);
      throw new ValidationError([{ field: 'redisUrl', message: this.redactor.text((error as Error).message) }]);
    }
    const onWarning = options.onWarning;
    this.unregister = this.limiter.register(
      { requestsPerSecond: options.requestsPerSecond, parallelRequests: this.parallelRequests },
      onWarning && ((message) => onWarning(this.redactor.text(message))),
    );
  }

  validate<A extends ActionId>(actionId: A, input?: unknown): unknown {
    const action = this.action(actionId);
    try {
      const parsed = parseInput(action.schema, input, action.id, action.label);
      this.checkTarget(action, action.request(parsed, { baseUrl: this.baseUrl }));
      return parsed;
    } catch (error) {
      throw this.redacted(error);
    }
  }

  async execute<A extends ActionId>(actionId: A, input?: unknown, options: ExecuteOptions = {}): Promise<ActionOutput<A>> {
    try {
      const action = this.action(actionId);
      const parsed = parseInput(action.schema, input, action.id, action.label);
      const request = action.request(parsed, { baseUrl: this.baseUrl });
      this.checkTarget(action, request);
      const response = await this.send(action, parsed, request, options.signal);
      return action.normalize(response.body, parsed, { status: response.status, headers: response.headers }) as ActionOutput<A>;
    } catch (error) {
      throw this.redacted(error);
    }
  }

  async *listAll(input: unknown = {}, options: ListAllOptions = {}): AsyncGenerator<JsonObject, void, undefined> {
    const limit = options.limit ?? Infinity;
    if (!(limit === Infinity || (Number.isInteger(limit) && limit > 0))) {
      throw new ValidationError([{ field: 'limit', message: 'must be a whole number of at least 1' }], { actionId: 'listUsers', actionLabel: 'List Users' });
    }
    const base = { pageLength: 100, ...(input as object) } as Record<string, unknown>;
    // Pages no larger than what is still wanted: Limit 5 asks for 5 users, not 100. A page length that is
    // not a whole number goes on as given, for validation to name it.
    const pageSize = Number(base.pageLength);
    const sized = Number.isInteger(pageSize) && pageSize >= 1;
    const seen = new Set<string>();
    let count = 0;
    let cursor = base.lastLoadedId;
    for (;;) {
      const pageLength = sized ? Math.min(pageSize, limit - count) : base.pageLength;
      const page = await this.execute('listUsers', { ...base, pageLength, lastLoadedId: cursor }, options);
      for (const user of page.users) {
        yield user;
        count += 1;
        if (count >= limit) return;
      }
      if (!page.nextPage || page.users.length === 0) return;
      if (seen.has(page.nextPage)) {
        throw this.redacted(
          new ApiError('Memberspot returned a page cursor it had returned before, so listing stopped to avoid a loop.', {
            actionId: 'listUsers',
            hint: 'Run the list again; if it repeats, use a Limit.',
          }),
        );
      }
      seen.add(page.nextPage);
      cursor = page.nextPage;
    }
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    // Calls waiting (for the limiter, between retries) end at once; requests on the wire get a short grace
    // to bring their answer, then they are abandoned, and the connections destroyed: close never hangs.
    const reason = withoutStack(() => new ClientClosedError());
    const waiting = [...this.calls].filter((call) => !call.wire);
    await abortAll(waiting, reason);
    const wires = [...this.calls].flatMap((call) => (call.wire ? [call.wire] : []));
    if (wires.length > 0) await settledWithin(wires, CLOSE_GRACE_MS);
    await abortAll([...this.calls], reason);
    await this.unregister();
    if (this.ownsTransport) await this.transport.close?.();
  }

  private action(actionId: ActionId): ActionDefinition<unknown, unknown> {
    if (!isActionId(actionId)) {
      throw new ValidationError([
        { field: 'action', message: `"${String(actionId)}" is not a Memberspot action; use one of ${Object.keys(actions).join(', ')}` },
      ]);
    }
    return actions[actionId] as ActionDefinition<unknown, unknown>;
  }

  /**
   * Each call has its own cancellation (./abort): by the caller's signal (one listener per caller signal,
   * not per call), and by close(): at once while the call waits, after a grace while it is on the wire.
   */
  private async send(
    action: ActionDefinition<unknown, unknown>,
    input: unknown,
    request: ApiRequest,
    signal: AbortSignal | undefined,
  ): Promise<TransportResponse> {
    const call = startCall(this.closing.signal, signal);
    this.calls.add(call);
    try {
      return await this.attempts(action, input, request, call);
    } finally {
      this.calls.delete(call);
      endCall(call, signal);
    }
  }

  private async attempts(
    action: ActionDefinition<unknown, unknown>,
    input: unknown,
    request: ApiRequest,
    call: Call,
  ): Promise<TransportResponse> {
    const lane: Lane = action.rateLimited ? 'limited' : 'general';
    const safeToRetry = typeof action.safeToRetry === 'function' ? action.safeToRetry(input) : action.safeToRetry;
    const abort: Cancellable = call;
    const path = withQuery(request.path, request.query);
    const context = { actionId: action.id };

    for (let attempt = 1; ; attempt += 1) {
      this.throwIfAborted(abort, action.id, attempt - 1);
      let response: TransportResponse;
      try {
        // A call waiting for its turn leaves the queue when the client closes or the caller gives up.
        const scheduled = this.limiter.schedule(
          lane,
          () =>
            onWire(call, () => this.transport.request({
              method: request.method,
              path,
              headers: request.headers ?? {},
              body: request.body,
              timeoutMs: this.timeoutMs,
              signal: call.signal,
            })),
          { signal: abort, retry: attempt > 1 },
        );
        response = await untilAborted(scheduled, abort);
      } catch (error) {
        this.throwIfAborted(abort, action.id, attempt);
        if (!(error instanceof TransportError)) throw error;
        if (error.kind === 'invalid') throw this.refusedBeforeSending(error, action);
        if (safeToRetry && attempt <= this.retry.maxRetries) {
          await this.wait(action.id, attempt, error.kind, this.backoff(attempt), abort);
          continue;
        }
        throw this.transportFailure(error, attempt, safeToRetry, context);
      }

      const { status } = response;
      if (status >= 200 && status < 300) {
        this.limiter.succeeded(lane);
        return response;
      }
      // Never followed (the key would go along) and never retried: the base URL is wrong.
      if (status >= 300 && status < 400) throw redirectError(status, response.headers.location, this.baseUrl, { ...context, attempts: attempt });
      if (status === 429) {
        // Refused before processing: always safe to send again, after the time the server asks for.
        this.limiter.slowDown(lane);
        if (attempt <= this.retry.maxRetries) {
          await this.wait(action.id, attempt, status, retryAfterMs(response.headers, this.retry.maxRetryAfterMs) ?? this.backoff(attempt), abort);
          continue;
        }
      } else if (RETRYABLE_STATUS.has(status) && safeToRetry && attempt <= this.retry.maxRetries) {
        await this.wait(action.id, attempt, status, this.backoff(attempt), abort);
        continue;
      }
      throw this.httpFailure(action, input, request, response, attempt, safeToRetry);
    }
  }

  /**
   * After close() began, or once the call's signal aborted, the call ends with a ClientClosedError (code
   * CLIENT_CLOSED), built without a stack trace: many calls may be cancelled at once.
   */
  private throwIfAborted(signal: Cancellable, actionId: ActionId, attempts: number): void {
    if (this.closing.signal.aborted) throw withoutStack(() => new ClientClosedError({ actionId, attempts, ...(attempts > 0 && { message: CLOSED_MID_CALL }) }));
    if (!isCancelled(signal)) return;
    throw withoutStack(
      () =>
        new ClientClosedError({
          actionId,
          attempts,
          message: 'The call was cancelled before it finished: the workflow or flow that made it was stopped.',
          hint: 'Run the item again if it is still needed.',
        }),
    );
  }

  /** Exponential backoff with jitter: a random delay between half and all of base * 2^(attempt-1). */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private async wait(actionId: ActionId, attempt: number, reason: RetryEvent['reason'], delayMs: number, signal: Cancellable): Promise<void> {
    // A call that got its answer during close()'s grace does not start waiting for a retry.
    this.throwIfAborted(signal, actionId, attempt);
    this.onRetry?.({ actionId, attempt, reason, delayMs });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delayMs);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
    this.throwIfAborted(signal, actionId, attempt);
  }

  private transportFailure(error: TransportError, attempts: number, retried: boolean, context: { actionId: ActionId }): MemberspotError {
    const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
    const why = retried ? '' : ' It was not repeated automatically, because repeating it may not be safe; check in Memberspot whether it took effect.';
    if (error.kind === 'timeout') {
      return new TimeoutError(`Memberspot did not answer within ${this.timeoutMs < 1000 ? `${this.timeoutMs} ms` : `${Math.round(this.timeoutMs / 1000)} s`} (${tries}).${why}`, {
        ...context,
        attempts,
        cause: error,
        hint: 'Memberspot may be slow or unreachable right now; run the item again later.',
      });
    }
    return new NetworkError(`Could not reach Memberspot at ${this.baseUrl} (${error.code ?? error.message}; ${tries}).${why}`, {
      ...context,
      attempts,
      cause: error,
      hint: 'Check the base URL in the credentials and that this machine can reach it.',
    });
  }

  private httpFailure(
    action: ActionDefinition<unknown, unknown>,
    input: unknown,
    request: ApiRequest,
    response: TransportResponse,
    attempts: number,
    safeToRetry: boolean,
  ): MemberspotError {
    const { status } = response;
    const said = apiMessage(response.body);
    // NestJS often says just the status text ({ statusCode: 401, message: 'Unauthorized' }): not repeated.
    const suffix = said && said.trim().toLowerCase() !== (STATUS_CODES[status] ?? '').toLowerCase() ? `: ${said}` : '';
    const options = { actionId: action.id, status, attempts };
    if (status === 401) {
      return new AuthenticationError(`Memberspot rejected the API key (401 Unauthorized${suffix}).`, {
        ...options,
        hint: "Check the API key in the Memberspot credentials; create a key in Memberspot's settings under Integrations.",
      });
    }
    if (status === 403) {
      return new AuthenticationError(`Memberspot refused access (403 Forbidden${suffix}).`, {
        ...options,
        hint: 'The API needs the Enterprise plan or the API add-on (Find User by Email needs Enterprise); check the plan and the key.',
      });
    }
    if (status === 404) {
      const message = action.notFound ? action.notFound(input) : `Memberspot found nothing at ${request.method} ${request.path}${suffix}.`;
      return new NotFoundError(message, { ...options, hint: 'Check the email and IDs given to this node.' });
    }
    if (status === 429) {
      return new RateLimitError(`Memberspot's rate limit was still exceeded after ${attempts} attempts (429 Too Many Requests).`, {
        ...options,
        hint: `Lower "Requests per Second" in the credentials (now ${this.limiter.rate}) or spread the items out; Memberspot allows 4 requests per second on user lookups.`,
      });
    }
    if (status >= 500 || status === 408) {
      const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
      return new ApiError(`Memberspot answered ${status}${suffix} (${tries}).`, {
        ...options,
        apiMessage: said,
        hint: safeToRetry
          ? 'This is usually a temporary problem at Memberspot: run the item again later (the action is safe to repeat).'
          : 'It was not repeated automatically, because repeating it may not be safe: check in Memberspot whether it took effect.',
      });
    }
    return new ApiError(`Memberspot refused the request (${status}${suffix}).`, {
      ...options,
      apiMessage: said,
      hint: "Check the fields named in Memberspot's message.",
    });
  }

  /** The last check before sending: the request stays on the base URL (see outsideBase). */
  private checkTarget(action: ActionDefinition<unknown, unknown>, request: ApiRequest): void {
    const problem = outsideBase(this.baseUrl, request.path);
    if (problem) throw new ValidationError([{ field: 'path', message: problem }], { actionId: action.id, actionLabel: action.label });
  }

  /** The HTTP library refused to send the request (a header or path it cannot encode): permanent, nothing sent. */
  private refusedBeforeSending(error: TransportError, action: ActionDefinition<unknown, unknown>): ValidationError {
    return new ValidationError(
      [{ field: 'request', message: `could not be sent: the HTTP client refused it (${error.message}); check the path and headers given to this node` }],
      { actionId: action.id, actionLabel: action.label, cause: error },
    );
  }

  private redacted(error: unknown): MemberspotError {
    if (error instanceof MemberspotError) return this.redactor.error(error);
    // Anything else is unexpected: keep its message, never its properties.
    return this.redactor.error(
      new MemberspotError('API_ERROR', `Unexpected error: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        hint: 'This looks like a bug in the Memberspot node; please report it.',
      }),
    );
  }
}

/** Settles with the promise, or rejects as soon as the signal aborts (the promise's own outcome is then ignored). */
function untilAborted<T>(promise: Promise<T>, signal: Cancellable): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function normaliseBaseUrl(value: string, redactor: Redactor): string {
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
  if (rate !== undefined && (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > 1000)) {
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

/** Appends the defined query parameters; arrays become repeated parameters. */
export function withQuery(path: string, query: Record<string, QueryValue | undefined> | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, String(v));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
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

/** What Memberspot said: NestJS's `message` (text or list), `error`, or a short text body. */
export function apiMessage(body: unknown): string {
  if (typeof body === 'string') return body.length > 300 ? `${body.slice(0, 300)}…` : body;
  if (typeof body !== 'object' || body === null) return '';
  const { message, error } = body as { message?: unknown; error?: unknown };
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'string' && message) return message;
  return typeof error === 'string' ? error : '';
}
