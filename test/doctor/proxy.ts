/**
 * A real HTTP server on 127.0.0.1 in front of the sandbox: it forwards every request and lets a test
 * answer some of them in a shape the sandbox has no variant for (a user under `data`, a lookup that
 * matches letter case exactly, a delete that deletes nothing). It counts what reached it.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  /** The path without the query, as sent (still URL-encoded). */
  path: string;
  body: unknown;
}

export interface Answer {
  status: number;
  body: unknown;
}

/**
 * Decides the answer to a request: `forward()` asks the sandbox; returning something else answers
 * without it (then the sandbox never sees the request).
 */
export type Handler = (exchange: Exchange, forward: () => Promise<Answer>) => Promise<Answer>;

export interface Proxy {
  url: string;
  /** Every request that reached the proxy, in order. */
  seen: Exchange[];
  /** Requests that are not GETs: the writes. */
  writes(): Exchange[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

const passThrough: Handler = (_exchange, forward) => forward();

export async function startProxy(target: string): Promise<Proxy> {
  const seen: Exchange[] = [];
  let handler: Handler = passThrough;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const exchange: Exchange = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0], body: raw.length ? parseJson(raw.toString('utf8')) : undefined };
      seen.push(exchange);
      const forward = () => send(target, req.method ?? 'GET', req.url ?? '/', req.headers, raw);
      handler(exchange, forward).then(
        (answer) => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body === undefined ? '' : JSON.stringify(answer.body)),
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    writes: () => seen.filter((exchange) => exchange.method !== 'GET'),
    handle(next) {
      handler = next;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function send(target: string, method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { host: _host, connection: _connection, ...rest } = headers;
    const outgoing = request(`${target}${url}`, { method, headers: rest }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseJson(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The email of a find-by-mail path, decoded; undefined for other paths. */
export function findByMailEmail(exchange: Exchange): string | undefined {
  const prefix = '/v1/users/find-by-mail/';
  return exchange.method === 'GET' && exchange.path.startsWith(prefix) ? decodeURIComponent(exchange.path.slice(prefix.length)) : undefined;
}
