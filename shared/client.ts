/**
 * The Memberspot client: validate -> limit -> send -> retry -> normalise.
 *
 * Hosts create one client per account configuration and call `execute(actionId, input)`. Nothing is sent
 * for invalid input; every error thrown is a typed, redacted MemberspotError. The options and their
 * defaults are in ./options, the errors in ./errorMapping, the waits between retries in ./backoff.
 */
import { actions, isActionId, type ActionOutput } from './actions';
import type { JsonObject } from './actions/normalize';
import { abortAll, CLOSE_GRACE_MS, endCall, isCancelled, onWire, settledWithin, startCall, untilAborted, withoutStack, type Call, type Cancellable } from './abort';
import { backoffMs, retryAfterMs, sleep } from './http/backoff';
import { asMemberspotError, cancelledError, httpFailure, refusedBeforeSending, transportFailure } from './errorMapping';
import { ClientClosedError, MemberspotError, Redactor, redirectError, ValidationError } from './errors';
import { accountId, limiterFor, type AccountLimiter, type Lane } from './limits/limiter';
import { clientSettings, DEFAULT_CONNECTIONS, type ClientOptions, type ExecuteOptions, type ListAllOptions, type RetryEvent, type RetryOptions } from './options';
import { TransportError, withQuery, type Transport, type TransportResponse } from './http/transport';
import type { ActionDefinition, ActionId, ApiRequest } from './types';
import { UndiciTransport } from './http/undiciTransport';
import { pagedItems } from './paging';
import { blankGivenIssues, outsideBase, parseInput } from './validation';
import { enterWrite, writeKeys } from './limits/writeOrder';

// The paths other code imports these from.
export { DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS } from './options';
export type { ClientOptions, ExecuteOptions, ListAllOptions, RetryEvent, RetryOptions } from './options';
export { apiMessage } from './errorMapping';
export { retryAfterMs } from './http/backoff';
export { withQuery } from './http/transport';

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
  /** The account, for the order of writes (./writeOrder): the base URL and a hash of the key. */
  private readonly account: string;

  constructor(options: ClientOptions) {
    // Everything is checked before the connection pool and the limiter registration are created, so that a
    // refused option leaves nothing open behind it.
    const { apiKey, redisUrl, redactor, baseUrl, timeoutMs, parallelRequests, retry } = clientSettings(options);
    this.redactor = redactor;
    this.baseUrl = baseUrl;
    this.timeoutMs = timeoutMs;
    this.parallelRequests = parallelRequests;
    this.retry = retry;
    this.random = options.random ?? Math.random;
    this.onRetry = options.onRetry;
    this.account = accountId(baseUrl, apiKey);
    this.ownsTransport = !options.transport;
    // At least one connection per call in flight: a call beyond the pool's connections would wait inside
    // the pool with its timeout already running.
    this.transport =
      options.transport ??
      new UndiciTransport({ baseUrl, apiKey, connectTimeoutMs: options.connectTimeoutMs, connections: Math.max(DEFAULT_CONNECTIONS, parallelRequests) });
    try {
      this.limiter = limiterFor(baseUrl, apiKey, redisUrl);
    } catch (error) {
      if (this.ownsTransport) void this.transport.close?.().catch(() => undefined);
      throw new ValidationError([{ field: 'redisUrl', message: this.redactor.text((error as Error).message) }]);
    }
    const onWarning = options.onWarning;
    this.unregister = this.limiter.register(
      { requestsPerSecond: options.requestsPerSecond, parallelRequests },
      onWarning && ((message, fallback) => onWarning(this.redactor.text(message), fallback)),
    );
  }

  validate<A extends ActionId>(actionId: A, input?: unknown): unknown {
    const action = this.action(actionId);
    try {
      const parsed = this.parse(action, input);
      this.checkTarget(action, action.request(parsed, { baseUrl: this.baseUrl }));
      return parsed;
    } catch (error) {
      throw this.redacted(error);
    }
  }

  async execute<A extends ActionId>(actionId: A, input?: unknown, options: ExecuteOptions = {}): Promise<ActionOutput<A>> {
    try {
      const action = this.action(actionId);
      const parsed = this.parse(action, input);
      const request = action.request(parsed, { baseUrl: this.baseUrl });
      this.checkTarget(action, request);
      const response = await this.send(action, parsed, request, options.signal);
      options.onBody?.(response.body);
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
    // The paging that both hosts use, driven by List Users' `paging` definition (shared/paging.ts).
    const users = pagedItems(this, actions.listUsers, { ...(input as object) }, { limit, signal: options.signal });
    yield* users as AsyncGenerator<JsonObject, void, undefined>;
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
    // A write waits for the earlier writes of its member or order to finish, retries included (./writeOrder).
    const turn = enterWrite(this.account, request.method === 'GET' ? [] : writeKeys(input));
    try {
      await untilAborted(turn.ready, call).catch((error: unknown) => {
        // Cancelled (close(), the caller's signal) while waiting for its turn: nothing was sent.
        this.throwIfAborted(call, action.id, 0);
        throw error;
      });
      return await this.attempts(action, input, request, call);
    } finally {
      turn.release();
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
    const context = { actionId: action.id, timeoutMs: this.timeoutMs, baseUrl: this.baseUrl };

    for (let attempt = 1; ; attempt += 1) {
      this.throwIfAborted(abort, action.id, attempt - 1);
      let response: TransportResponse;
      try {
        // A call waiting for its turn leaves the queue when the client closes or the caller gives up.
        const scheduled = this.limiter.schedule(
          lane,
          (sent) =>
            onWire(call, () => this.transport.request({
              method: request.method,
              path,
              headers: request.headers ?? {},
              body: request.body,
              timeoutMs: this.timeoutMs,
              signal: call.signal,
              onSent: sent,
            })),
          { signal: abort, retry: attempt > 1 },
        );
        response = await untilAborted(scheduled, abort);
      } catch (error) {
        this.throwIfAborted(abort, action.id, attempt);
        if (!(error instanceof TransportError)) throw error;
        if (error.kind === 'invalid') throw refusedBeforeSending(error, action);
        if (safeToRetry && attempt <= this.retry.maxRetries) {
          await this.wait(action.id, attempt, error.kind, this.backoff(attempt), abort);
          continue;
        }
        throw transportFailure(error, attempt, safeToRetry, context);
      }

      const { status } = response;
      if (status >= 200 && status < 300) {
        this.limiter.succeeded(lane);
        return response;
      }
      // Never followed (the key would go along) and never retried: the base URL is wrong.
      if (status >= 300 && status < 400) throw redirectError(status, response.headers.location, this.baseUrl, { actionId: action.id, attempts: attempt });
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
      throw httpFailure(action, input, request, response, { attempts: attempt, safeToRetry, rate: this.limiter.rate });
    }
  }

  /**
   * After close() began, or once the call's signal aborted, the call ends with a ClientClosedError (code
   * CLIENT_CLOSED), built without a stack trace: many calls may be cancelled at once.
   */
  private throwIfAborted(signal: Cancellable, actionId: ActionId, attempts: number): void {
    const closed = this.closing.signal.aborted;
    if (closed || isCancelled(signal)) throw withoutStack(() => cancelledError(closed, actionId, attempts));
  }

  private backoff(attempt: number): number {
    return backoffMs(attempt, this.retry, this.random);
  }

  private async wait(actionId: ActionId, attempt: number, reason: RetryEvent['reason'], delayMs: number, signal: Cancellable): Promise<void> {
    // A call that got its answer during close()'s grace does not start waiting for a retry.
    this.throwIfAborted(signal, actionId, attempt);
    this.onRetry?.({ actionId, attempt, reason, delayMs });
    await sleep(delayMs, signal);
    this.throwIfAborted(signal, actionId, attempt);
  }

  /** Validates the input; for a destructive action an optional field given but empty is refused (blankGivenIssues). */
  private parse(action: ActionDefinition<unknown, unknown>, input: unknown): unknown {
    if (action.destructive) {
      const optional = action.fields.filter((f) => !f.required).map((f) => f.name);
      const issues = blankGivenIssues(input, optional);
      if (issues.length > 0) throw new ValidationError(issues, { actionId: action.id, actionLabel: action.label });
    }
    return parseInput(action.schema, input, action.id, action.label);
  }

  /** The last check before sending: the request stays on the base URL (see outsideBase). */
  private checkTarget(action: ActionDefinition<unknown, unknown>, request: ApiRequest): void {
    const problem = outsideBase(this.baseUrl, request.path);
    if (problem) throw new ValidationError([{ field: 'path', message: problem }], { actionId: action.id, actionLabel: action.label });
  }

  private redacted(error: unknown): MemberspotError {
    return this.redactor.error(asMemberspotError(error));
  }
}
