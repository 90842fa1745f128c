/**
 * memberspot-webhook: receives Memberspot's outgoing webhooks on Node-RED's HTTP server.
 *
 * POST <httpNodeRoot><path>. Memberspot's "Validate Now" (`{"event":"auth_test"}`) is answered 200 without a
 * message; with a secret set, requests without it (query `secret` or header `X-Memberspot-Secret`) get 401;
 * events outside the filter get 200 without a message; anything else becomes a message with
 * msg.payload = the body and msg.topic = the event, and is answered 200. The route goes away on close.
 */
import { handleWebhook, parseEventFilter } from '../shared';
import type { Handler, RED, RedNode, Request, Response, RouterLayer } from './types';

interface WebhookDef {
  id: string;
  name?: string;
  path?: string;
  events?: string;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** The route path: starts with one slash, no trailing slash, no query. */
function normalisePath(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const path = text.split('?')[0].replace(/^\/+/, '').replace(/\/+$/, '');
  return `/${path || 'memberspot'}`;
}

/** The JSON body: already parsed by a middleware, or read here (Node-RED parses no bodies on httpNode routes). */
function readBody(req: Request): Promise<unknown> {
  if (!req.readable || req.readableEnded) return Promise.resolve(req.body ?? {});
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(Object.assign(new Error('Body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(Object.assign(new Error('The body is not valid JSON'), { status: 400 }));
      }
    });
    req.on('error', reject);
  });
}

function queryOf(req: Request): Record<string, unknown> {
  if (req.query && typeof req.query === 'object') return req.query;
  const url = new URL(req.url ?? '/', 'http://localhost');
  return Object.fromEntries(url.searchParams.entries());
}

function reply(res: Response, status: number, body: Record<string, unknown>): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

export = function register(RED: RED): void {
  function MemberspotWebhook(this: RedNode, config: WebhookDef): void {
    RED.nodes.createNode(this, config);
    // Node-RED calls the constructor with the node as `this`; handlers below need it.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const path = normalisePath(config.path);
    const events = parseEventFilter(config.events ?? '');
    let received = 0;

    const handler: Handler = (req, res) => {
      readBody(req).then(
        (body) => {
          const decision = handleWebhook(
            { body, query: queryOf(req), headers: req.headers as Record<string, unknown> },
            { secret: node.credentials?.secret, events },
          );
          switch (decision.kind) {
            case 'unauthorized':
              node.status({ fill: 'red', shape: 'ring', text: RED._('memberspot-webhook.status.unauthorized') });
              return reply(res, 401, { error: decision.message });
            case 'authTest':
              node.status({ fill: 'green', shape: 'dot', text: RED._('memberspot-webhook.status.authTest') });
              return reply(res, 200, { ok: true });
            case 'ignored':
              return reply(res, 200, { ok: true, ignored: decision.event });
            case 'event': {
              received += 1;
              reply(res, 200, { ok: true });
              node.status({ fill: 'green', shape: 'dot', text: RED._('memberspot-webhook.status.received', { count: received }) });
              node.send({ payload: decision.payload, topic: decision.event ?? '' });
              return;
            }
          }
        },
        (error: Error & { status?: number }) => {
          reply(res, error.status ?? 400, { error: error.message });
        },
      );
    };
    RED.httpNode.post(path, handler);
    node.status({ fill: 'grey', shape: 'ring', text: path });

    node.on('close', (_removed, done) => {
      // Remove exactly this route (the way Node-RED's own http in node does), so a redeploy can add it again.
      const stack: RouterLayer[] = RED.httpNode._router?.stack ?? RED.httpNode.router?.stack ?? [];
      for (let i = stack.length - 1; i >= 0; i -= 1) {
        const route = stack[i].route as (RouterLayer['route'] & { stack?: Array<{ handle?: unknown }> }) | undefined;
        if (route && route.path === path && route.methods.post && route.stack?.some((layer) => layer.handle === handler)) {
          stack.splice(i, 1);
        }
      }
      node.status({});
      done();
    });
  }

  RED.nodes.registerType('memberspot-webhook', MemberspotWebhook as never, {
    credentials: { secret: { type: 'password' } },
  });
};
