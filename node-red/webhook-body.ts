/**
 * How the webhook node gets its requests' bodies: raw, by itself, after the secret check, whatever sits in
 * front of Node-RED's node routes.
 */
import type { ExpressApp, Handler, Request, Response, RouterLayer } from './types';

/** The largest body the webhook reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Set on requests for our routes by the root middleware: the body is still unread, and ours to read. */
const OWN_BODY = Symbol.for('memberspot.webhook.ownBody');

type MarkedRequest = Request & { [OWN_BODY]?: boolean; _body?: boolean; originalUrl?: string };
type MountedApp = ExpressApp & { parent?: MountedApp; path?: () => string; use(handler: Handler): void };

export interface BodyError extends Error {
  status: number;
}

function bodyError(status: number, message: string): BodyError {
  return Object.assign(new Error(message), { status });
}

/** Node-RED's `httpNodeMiddleware` setting (one function or a list), as its `http in` node applies it. */
export function httpNodeMiddleware(settings: Record<string, unknown>): Handler[] {
  const middleware = settings.httpNodeMiddleware;
  if (typeof middleware === 'function') return [middleware as Handler];
  return Array.isArray(middleware) ? (middleware.filter((m) => typeof m === 'function') as Handler[]) : [];
}

function normalise(path: string): string {
  return path.replace(/\/{2,}/g, '/').replace(/\/+$/, '').toLowerCase();
}

/** The routes (paths relative to the node app) whose bodies the webhook nodes read themselves. */
export interface OwnRoutes {
  add(path: string): void;
  delete(path: string): void;
}

/**
 * Puts one middleware at the top of the root express app (above the admin app and its body parsers) that
 * marks POSTs to our routes as already parsed, so that no body parser reads them; our route reads them
 * after the middleware and the secret check. Node-RED's `http in` node moves its raw-body capture to the top
 * of the root app the same way.
 */
export function markOwnBody(httpNode: ExpressApp): OwnRoutes {
  const counts = new Map<string, number>();
  const nodeApp = httpNode as MountedApp;
  const capture: Handler = (req, _res, next) => {
    if (req.method === 'POST' && counts.size > 0) {
      const marked = req as MarkedRequest;
      const url = marked.originalUrl || req.url || '/';
      const pathname = url.split('?')[0];
      const root = typeof nodeApp.path === 'function' ? normalise(nodeApp.path()) : '';
      const full = normalise(pathname);
      if (full.startsWith(root) && counts.has(full.slice(root.length) || '/')) {
        marked[OWN_BODY] = true;
        // body-parser (the admin app's, Node-RED's, a user's) skips requests with this flag.
        marked._body = true;
      }
    }
    next();
  };
  let rootApp = nodeApp;
  while (rootApp.parent) rootApp = rootApp.parent;
  rootApp.use(capture);
  const stack: RouterLayer[] | undefined = rootApp._router?.stack ?? rootApp.router?.stack;
  const index = stack?.findIndex((layer) => (layer as { handle?: unknown }).handle === capture) ?? -1;
  if (stack && index > 0) stack.unshift(stack.splice(index, 1)[0]);

  return {
    add(path) {
      const key = normalise(path);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    delete(path) {
      const key = normalise(path);
      const left = (counts.get(key) ?? 0) - 1;
      if (left > 0) counts.set(key, left);
      else counts.delete(key);
    },
  };
}

function isJson(contentType: string): boolean {
  const type = contentType.split(';')[0].trim().toLowerCase();
  return type === 'application/json' || /^[a-z]+\/[^;]*\+json$/.test(type);
}

/** The body as JSON: read here, at most MAX_BODY_BYTES; rejects with a BodyError (status and message). */
export function readJsonBody(req: Request): Promise<unknown> {
  const marked = req as MarkedRequest;
  const contentType = req.headers['content-type'];
  if (contentType && !isJson(contentType)) {
    return Promise.reject(bodyError(415, 'Send the body as JSON (Content-Type: application/json), as Memberspot does'));
  }
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) {
    return Promise.reject(bodyError(413, `The body is larger than ${MAX_BODY_BYTES} bytes`));
  }
  if (!marked[OWN_BODY] && (marked._body || req.readableEnded)) {
    // Read by something in front of this route that the root middleware could not keep away.
    const body = marked.body;
    if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body) && Object.keys(body).length > 0) return Promise.resolve(body);
    return Promise.reject(bodyError(400, 'The body is empty or was not JSON: Memberspot sends a JSON object'));
  }
  return readRawBody(req, MAX_BODY_BYTES, bodyError(413, `The body is larger than ${MAX_BODY_BYTES} bytes`), bodyError(400, 'The body could not be read')).then(
    (bytes) => {
      const text = bytes.toString('utf8').trim();
      if (text === '') throw bodyError(400, 'The body is empty: Memberspot sends a JSON object');
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw bodyError(400, 'The body is not valid JSON');
      }
    },
  );
}

/**
 * Reads a request's body, at most `maxBytes`: the bytes, or `tooLarge` as soon as it grows past the limit
 * (reading stops: the answer then closes the connection instead of reading the rest), or `unreadable`.
 * Both webhook nodes (memberspot webhook, memberspot shop) read their bodies with it.
 */
export function readRawBody(req: Request, maxBytes: number, tooLarge: Error, unreadable: Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        req.pause();
        reject(tooLarge);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = () => {
      stop();
      reject(unreadable);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * Answers with a JSON body. When the request's body was not read to the end (refused before or while
 * reading), the connection is closed after the answer instead of reading the rest.
 */
export function reply(req: Request, res: Response, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (!req.complete) {
    res.setHeader('Connection', 'close');
    res.once('finish', () => req.socket?.destroySoon?.());
  }
  res.end(JSON.stringify(body));
}
