import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

export type ErrorMessage = string | string[];

/** An error answered in NestJS's shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly messages: ErrorMessage,
  ) {
    super(Array.isArray(messages) ? messages.join('; ') : messages);
  }
}

export const notFound = (message: string): HttpError => new HttpError(404, message);

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON, except a string, which is sent as plain text. */
  body: unknown;
}

/** NestJS's error body: `{ statusCode, message, error }`. */
export function errorBody(status: number, message: ErrorMessage): { statusCode: number; message: ErrorMessage; error: string } {
  return { statusCode: status, message, error: STATUS_CODES[status] ?? 'Error' };
}

export function errorReply(error: HttpError): Reply {
  return { status: error.status, body: errorBody(error.status, error.messages) };
}

export const THROTTLER_MESSAGE = 'ThrottlerException: Too Many Requests';

/** The answer of NestJS's throttler. */
export function throttledReply(retryAfterSeconds: number): Reply {
  return {
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: errorBody(429, THROTTLER_MESSAGE),
  };
}

export function send(res: ServerResponse, reply: Reply): void {
  // The client may have gone away, e.g. while an injected delay was running.
  if (res.destroyed || res.writableEnded) return;
  const isText = typeof reply.body === 'string';
  const payload = isText ? (reply.body as string) : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    ...reply.headers,
  });
  res.end(payload);
}

export interface RawBody {
  text: string;
  tooLarge: boolean;
  /** The size as received. */
  bytes: number;
}

/** Reads the whole body. Past the limit it keeps draining (so the client can read the 413) but stops keeping. */
export async function readBody(req: IncomingMessage, limitBytes = MAX_BODY_BYTES): Promise<RawBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limitBytes) chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > limitBytes, bytes: size };
}

export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: HttpError };

/** Parses a JSON body; an empty body is `undefined`. */
export function parseJson(text: string): ParsedBody {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: new HttpError(400, (error as Error).message) };
  }
}

/**
 * Like Express's json() parser behind NestJS, a body is only read as JSON when the content type says JSON;
 * other bodies are ignored, so a client that forgets the header sees the same validation errors as in production.
 */
export function parseRequestBody(raw: RawBody, contentType: string | undefined): ParsedBody {
  if (raw.tooLarge) return { ok: false, error: new HttpError(413, 'request entity too large') };
  if (!/\bjson\b/i.test(contentType ?? '')) return { ok: true, value: undefined };
  return parseJson(raw.text);
}
