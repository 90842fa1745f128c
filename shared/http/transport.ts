/**
 * The Transport is the one place where a request leaves the process. The core talks to it through this
 * interface; Node-RED and scripts use the undici implementation, n8n adapts its own request helper.
 */
import type { HttpMethod, QueryValue } from '../types';

export interface TransportRequest {
  method: HttpMethod;
  /** Path and query below the origin, e.g. `/v1/users/list?pageLength=10`. */
  path: string;
  /** Request headers besides the key and the JSON headers, which the transport adds. */
  headers: Record<string, string>;
  /** A JSON value to send as the body, or undefined for none. */
  body?: unknown;
  /** Give up waiting for the answer after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Called once when the request is on the wire (written to its connection). The rate limit keeps its
   * window from that moment (./sendWindow); a transport that cannot tell never calls it, and the request
   * then counts as sent when its answer came.
   */
  onSent?: () => void;
}

export interface TransportResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The parsed JSON body, the text when it is not JSON, or undefined when empty. */
  body: unknown;
}

export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
  /** Releases connections; requests after close fail. */
  close?(): Promise<void>;
}

/**
 * A request that got no HTTP answer. Transports throw this (and only this) for failures the client may
 * retry: `timeout` when no answer came in time, `network` for refused, reset or unreachable connections.
 * `invalid` is the one permanent kind: the HTTP library refused to send the request at all (a header or
 * path it cannot encode); the client never retries it.
 */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    readonly kind: 'timeout' | 'network' | 'invalid',
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Parses a response body: JSON when it looks like JSON, else the text; undefined when empty. */
export function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Appends the defined query parameters to a path; arrays become repeated parameters. */
export function withQuery(path: string, query: Record<string, QueryValue | undefined> | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, String(v));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}
