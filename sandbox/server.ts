import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleControl, isControlPath, ownHosts, refuseForeign } from './control';
import { FaultInjector, type FaultAction } from './faults';
import {
  errorReply,
  HttpError,
  parseRequestBody,
  readBody,
  send,
  throttledReply,
  type ParsedBody,
  type Reply,
} from './http';
import { DEFAULT_LOG_LIMITS, omittedBody, RequestLog } from './log';
import { DEFAULT_RATE_LIMIT, validateSeed } from './options';
import { RateLimiter } from './rate-limit';
import { openApiDocument, OPENAPI_PATH } from './openapi';
import { routeRequest, type Routing } from './routes';
import { DEFAULT_VARIANTS, validateVariants, type Variants } from './variants';
import { createSeededState } from './seed';
import type { SandboxState } from './state';
import type {
  AuthResult,
  FaultOptions,
  RateLimitOptions,
  RequestLogEntry,
  Sandbox,
  SandboxOptions,
  ScriptedFault,
  SeedOption,
} from './types';

export const DEFAULT_API_KEY = 'sandbox-key';
const DEFAULT_LOGIN_TOKEN_TTL_MS = 3_600_000;

/** One /v1 request as received, before anything was decided. */
interface ApiCall {
  method: string;
  query: Record<string, string>;
  body: ParsedBody;
  routing: Routing;
  auth: AuthResult;
}

export class SandboxServer implements Sandbox {
  readonly apiKey: string;
  private currentState: SandboxState;
  private readonly seed: SeedOption;
  private readonly loginTokenTtlMs: number;
  private readonly log: RequestLog;
  private readonly faults = new FaultInjector();
  private readonly rateLimiter: RateLimiter;
  private currentVariants: Variants;
  private readonly server: Server;
  /** Aborts injected delays when the sandbox closes. */
  private readonly closing = new AbortController();
  private closed?: Promise<void>;
  /** Kept after close, so `url` and `port` still say where the sandbox was. */
  private boundAddress?: AddressInfo;
  private hostNames?: Set<string>;

  constructor(options: SandboxOptions) {
    // Every delayed request listens on it while it waits: many at once (parallel clients) are no leak.
    setMaxListeners(0, this.closing.signal);
    this.apiKey = options.apiKey ?? DEFAULT_API_KEY;
    if (typeof this.apiKey !== 'string' || this.apiKey === '') throw new TypeError('apiKey must be a non-empty string');
    this.loginTokenTtlMs = options.loginTokenTtlMs ?? DEFAULT_LOGIN_TOKEN_TTL_MS;
    if (!(this.loginTokenTtlMs >= 0)) throw new TypeError('loginTokenTtlMs must be a number, 0 or more');
    this.seed = validateSeed(options.seed ?? 'default');
    this.currentState = createSeededState(this.seed);
    this.log = new RequestLog(this.apiKey, { ...DEFAULT_LOG_LIMITS, ...options.log });
    this.rateLimiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
    this.faults.configure(options.faults ?? null);
    this.currentVariants = { ...DEFAULT_VARIANTS, ...validateVariants(options.variants ?? {}) };
    // A request whose client went away mid-body, or that was waiting when the sandbox closed, is dropped.
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
  }

  get url(): string {
    const { address, port } = this.address();
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  get port(): number {
    return this.address().port;
  }

  get state(): SandboxState {
    return this.currentState;
  }

  get variants(): Variants {
    return { ...this.currentVariants };
  }

  /** Switches the given variants; the others stay. */
  setVariants(variants: Partial<Variants>): void {
    this.currentVariants = { ...this.currentVariants, ...validateVariants(variants) };
  }

  get requests(): RequestLogEntry[] {
    return this.log.entries;
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        this.boundAddress = this.server.address() as AddressInfo;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.closed ??= new Promise((resolve, reject) => {
      this.closing.abort();
      this.server.close((error) => (error ? reject(error) : resolve()));
      // Idle keep-alive connections would otherwise hold close() open until they time out.
      this.server.closeAllConnections();
    });
    return this.closed;
  }

  clearLog(): void {
    this.log.clear();
  }

  setFaults(faults: FaultOptions | null): void {
    this.faults.configure(faults);
  }

  setRateLimit(rateLimit: RateLimitOptions | false): void {
    this.rateLimiter.configure(rateLimit);
  }

  script(...faults: ScriptedFault[]): void {
    this.faults.enqueue(faults);
  }

  /** Keeps the rate limit settings, but empties its window. */
  reset(seed: SeedOption = this.seed): void {
    this.currentState = createSeededState(validateSeed(seed));
    this.log.clear();
    this.faults.clear();
    this.rateLimiter.restart();
  }

  private ownHosts(): Set<string> {
    this.hostNames ??= ownHosts(this.address().address, this.port);
    return this.hostNames;
  }

  private address(): AddressInfo {
    if (!this.boundAddress) throw new Error('The sandbox has not started listening');
    return this.boundAddress;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = Date.now();
    const arrival = this.log.arrive();
    const method = req.method ?? 'GET';
    const { path, query } = splitUrl(req.url ?? '/');
    const raw = await readBody(req);
    if (isControlPath(path)) {
      const refusal = refuseForeign(req.headers, this.ownHosts());
      return send(res, refusal ?? handleControl(this, method, path, raw.text));
    }

    if (method === 'GET' && path === OPENAPI_PATH) return this.answerOpenApi(res, time, arrival, query);
    const body = parseRequestBody(raw, req.headers['content-type']);
    const routing = routeRequest(method, path);
    const auth = authOf(req.headers['x-api-key'], this.apiKey);
    const fault = this.faults.decide(path, { method, path, body: raw.text });
    if (fault.delayMs > 0) await sleep(fault.delayMs, undefined, { signal: this.closing.signal });
    const status = this.answer({ method, query, body, routing, auth }, fault, res);
    this.log.record(
      {
        time,
        method,
        path,
        query,
        body: !body.ok ? undefined : raw.bytes > this.log.limits.maxBodyBytes ? omittedBody(raw.bytes) : body.value,
        auth,
        status,
        rateLimited: routing.kind === 'route' && this.rateLimiter.inScope(routing.route),
      },
      arrival,
    );
  }

  /** Memberspot's docs (NestJS Swagger) need no key; the sandbox serves a document made from its routes. */
  private answerOpenApi(res: ServerResponse, time: number, arrival: number, query: Record<string, string>): void {
    const variant = this.currentVariants.openapi;
    const reply: Reply = variant === 'none' ? errorReply(new HttpError(404, `Cannot GET ${OPENAPI_PATH}`)) : { status: 200, body: openApiDocument(variant) };
    send(res, reply);
    this.log.record({ time, method: 'GET', path: OPENAPI_PATH, query, body: undefined, auth: 'missing', status: reply.status, rateLimited: false }, arrival);
  }

  private answer(call: ApiCall, fault: FaultAction, res: ServerResponse): number | 'reset' {
    if (fault.kind === 'reset') {
      res.socket?.destroy();
      return 'reset';
    }
    const reply = fault.kind === 'respond' ? fault.reply : this.process(call);
    send(res, reply);
    return reply.status;
  }

  private process(call: ApiCall): Reply {
    try {
      return this.dispatch(call);
    } catch (error) {
      if (error instanceof HttpError) return errorReply(error);
      console.error('Memberspot sandbox: unexpected error', error);
      return errorReply(new HttpError(500, 'Internal server error'));
    }
  }

  /** NestJS's order: body parsing, routing, the API key guard, the throttler, then the handler's validation. */
  private dispatch({ method, query, body, routing, auth }: ApiCall): Reply {
    if (!body.ok) throw body.error;
    if (routing.kind === 'error') throw routing.error;
    if (auth !== 'valid') throw new HttpError(401, 'Invalid API key');
    const { route, params } = routing;
    const retryAfter = this.rateLimiter.check(route);
    const { rateLimitHeaders } = this.currentVariants;
    const headers = rateLimitHeaders === 'none' ? {} : this.rateLimiter.headers(route, rateLimitHeaders);
    if (retryAfter !== null) {
      const throttled = throttledReply(retryAfter);
      const retryHeaders = this.currentVariants.retryAfter ? throttled.headers : {};
      return { ...throttled, headers: { ...retryHeaders, ...headers } };
    }
    const answer = route.handle({
      state: this.currentState,
      params,
      query,
      body: body.value,
      loginTokenTtlMs: this.loginTokenTtlMs,
      variants: this.currentVariants,
    });
    // NestJS answers 201 to a POST and 200 to everything else.
    return { status: method === 'POST' ? 201 : 200, headers, body: answer };
  }
}

function splitUrl(url: string): { path: string; query: Record<string, string> } {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return { path: url, query: {} };
  return { path: url.slice(0, queryStart), query: Object.fromEntries(new URLSearchParams(url.slice(queryStart + 1))) };
}

function authOf(header: string | string[] | undefined, apiKey: string): AuthResult {
  if (header === undefined || header === '') return 'missing';
  return header === apiKey ? 'valid' : 'invalid';
}
