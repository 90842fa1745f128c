import { Pool, errors, type Dispatcher } from 'undici';
import { CLOSE_GRACE_MS } from '../abort';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_CONNECTIONS } from '../options';
import { parseBody, TransportError, type Transport, type TransportRequest, type TransportResponse } from './transport';

export interface UndiciTransportOptions {
  baseUrl: string;
  apiKey: string;
  /** Time to establish a connection, in ms (default 10 s). */
  connectTimeoutMs?: number;
  /** Keep-alive connections per origin (default 8). */
  connections?: number;
}

const SHORT_TIMEOUT_MS = 5_000;
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** undici refused the request's arguments (a header, the path): sending it again would fail the same way. */
const INVALID_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN', 'ERR_UNESCAPED_CHARACTERS']);

interface SharedPool {
  pool: Pool;
  /** The pool, telling each request's `onSent` when undici writes it to a connection. */
  sending: Dispatcher;
  users: number;
}

/** Where a request's `onSent` rides along in undici's dispatch options. */
const ON_SENT = Symbol('onSent');

/**
 * Calls the request's `onSent` when undici starts the request on a connection (its `onRequestStart`,
 * `onConnect` in undici's older handler form): right before it writes the request, after any wait for a
 * free or new connection.
 */
const sentInterceptor: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (options, handler) => {
  const onSent = (options as { [ON_SENT]?: () => void })[ON_SENT];
  if (!onSent) return dispatch(options, handler);
  const tell = (name: string) => (...args: unknown[]) => {
    onSent();
    const own = (handler as unknown as Record<string, ((...a: unknown[]) => unknown) | undefined>)[name];
    return own?.apply(handler, args);
  };
  const wrapped = new Proxy(handler, {
    get(target, property, receiver) {
      if (property === 'onRequestStart' || property === 'onConnect') {
        return (target as unknown as Record<string, unknown>)[property] === undefined ? undefined : tell(property);
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return dispatch(options, wrapped);
};

/** One keep-alive pool per origin and connection settings, shared by every transport in the process. */
const pools = new Map<string, SharedPool>();

function acquirePool(origin: string, connections: number, connectTimeoutMs: number): { key: string; pool: Pool; sending: Dispatcher } {
  const key = `${origin}|${connections}|${connectTimeoutMs}`;
  let shared = pools.get(key);
  if (!shared || shared.pool.destroyed || shared.pool.closed) {
    const pool = new Pool(origin, { connections, connect: { timeout: connectTimeoutMs }, keepAliveTimeout: 30_000 });
    shared = { pool, sending: pool.compose(sentInterceptor), users: 0 };
    pools.set(key, shared);
  }
  shared.users += 1;
  return { key, pool: shared.pool, sending: shared.sending };
}

async function releasePool(key: string, pool: Pool): Promise<void> {
  const shared = pools.get(key);
  if (!shared || shared.pool !== pool) return;
  shared.users -= 1;
  if (shared.users > 0) return;
  pools.delete(key);
  // close() waits for the requests in flight (up to their timeout): give them a short grace, then destroy.
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
  await Promise.race([pool.close().catch(() => undefined), grace]).finally(() => clearTimeout(timer));
  if (!pool.destroyed) await pool.destroy().catch(() => undefined);
}

/** Sends requests with undici over a keep-alive pool, adding `X-API-KEY` and the JSON headers. */
export class UndiciTransport implements Transport {
  private readonly basePath: string;
  private readonly poolKey: string;
  private readonly pool: Pool;
  private readonly sending: Dispatcher;
  private readonly headers: () => Record<string, string>;
  private closed = false;

  constructor(options: UndiciTransportOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new TypeError(`The base URL must start with https:// or http://, not ${url.protocol}`);
    }
    this.basePath = url.pathname.replace(/\/+$/, '');
    const { key, pool, sending } = acquirePool(url.origin, options.connections ?? DEFAULT_CONNECTIONS, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    this.poolKey = key;
    this.pool = pool;
    this.sending = sending;
    // A closure, not a property: the key must not show up when the transport is logged or inspected.
    const apiKey = options.apiKey;
    this.headers = () => ({ 'x-api-key': apiKey });
  }

  async request(request: TransportRequest): Promise<TransportResponse> {
    if (this.closed) throw new TransportError('network', 'The transport is closed', 'CLOSED');
    const hasBody = request.body !== undefined;
    // Header names ignore case: the caller's Accept or Content-Type replaces ours instead of adding a second.
    const headers: Record<string, string> = { accept: 'application/json' };
    if (hasBody) headers['content-type'] = 'application/json';
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    Object.assign(headers, this.headers());
    // undici's own timeouts tick in about half-second steps: fine for the usual 30 s, too coarse for
    // short timeouts, which a timer keeps exact (at a small cost per request). One controller per request,
    // not AbortSignal.any, which leaks on Node 20 when the caller's signal lives long (nodejs/node#55351).
    const timeout = request.timeoutMs < SHORT_TIMEOUT_MS ? new AbortController() : undefined;
    const timer = timeout && setTimeout(() => timeout.abort(), request.timeoutMs);
    const onAbort = () => timeout?.abort(request.signal?.reason);
    if (timeout) request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.signal?.aborted) onAbort();
    const signal = timeout?.signal ?? request.signal;
    try {
      const options = {
        method: request.method,
        path: this.basePath + request.path,
        headers,
        body: hasBody ? JSON.stringify(request.body) : undefined,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
        signal,
        ...(request.onSent ? { [ON_SENT]: request.onSent } : {}),
      };
      const response = await (request.onSent ? this.sending : this.pool).request(options);
      const text = await response.body.text();
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: response.statusCode, headers: responseHeaders, body: parseBody(text) };
    } catch (error) {
      if (timeout?.signal.aborted && !request.signal?.aborted) {
        throw new TransportError('timeout', `No answer within ${request.timeoutMs} ms`, 'TIMEOUT');
      }
      throw toTransportError(error);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await releasePool(this.poolKey, this.pool);
  }
}

function toTransportError(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const err = error as { code?: string; message?: string; name?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code;
  if (code && TIMEOUT_CODES.has(code)) {
    return new TransportError('timeout', err.message ?? 'Timed out', code);
  }
  if (error instanceof errors.InvalidArgumentError || error instanceof errors.NotSupportedError || (code && INVALID_CODES.has(code))) {
    return new TransportError('invalid', err.message ?? 'The request was refused before sending', code ?? 'UND_ERR_INVALID_ARG');
  }
  if (error instanceof errors.RequestAbortedError || err.name === 'AbortError') {
    return new TransportError('network', 'The request was aborted', code ?? 'ABORTED');
  }
  const detail = err.cause?.message && err.cause.message !== err.message ? `${err.message} (${err.cause.message})` : err.message;
  return new TransportError('network', detail ?? String(error), code);
}
