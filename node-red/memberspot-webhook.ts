/**
 * memberspot-webhook: receives Memberspot's outgoing webhooks on Node-RED's HTTP server.
 *
 * POST <httpNodeRoot><path>. Node-RED's `httpNodeMiddleware` runs first, as for the `http in` node; then the
 * secret (query `secret` or header `X-Memberspot-Secret`) is checked before a byte of the body is read: a
 * wrong or missing one gets 401; a secret of only blanks refuses every request. Without a secret the node
 * accepts every caller, and says so (a yellow status, a warning in the log on deploy). Then the body is read here, as JSON of at most 1 MB (413 above that, 415 for
 * another content type, 400 for an empty or invalid body). Memberspot's "Validate Now" (`{"event":"auth_test"}`)
 * is answered 200 without a message; events outside the filter get 200 without a message; anything else
 * becomes a message with msg.payload = the body and msg.topic = the event, and is answered 200. The route
 * goes away on close.
 *
 * With Node-RED's default roots (admin and node apps both at `/`), the admin app's body parser sits in front
 * of every node route. A small middleware at the top of the root app marks requests for our routes as parsed
 * (body-parser's `_body` flag), so that no parser in front reads them, the way Node-RED's own `http in` node
 * keeps its raw-body routes away from the parsers. The node then behaves the same whatever the roots are.
 */
import { handleWebhook, hasSecret, isBlankSecret, parseEventFilter } from '../shared';
import { httpNodeMiddleware, markOwnBody, readJsonBody, reply, type BodyError } from './webhook-body';
import type { Handler, RED, RedNode, Request, Response, RouterLayer } from './types';

interface WebhookDef {
  id: string;
  name?: string;
  path?: string;
  events?: string;
}

/** The route path: starts with one slash, no trailing slash, no query. */
function normalisePath(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const path = text.split('?')[0].replace(/^\/+/, '').replace(/\/+$/, '');
  return `/${path || 'memberspot'}`;
}

function queryOf(req: Request): Record<string, unknown> {
  if (req.query && typeof req.query === 'object') return req.query;
  const url = new URL(req.url ?? '/', 'http://localhost');
  return Object.fromEntries(url.searchParams.entries());
}

export = function register(RED: RED): void {
  const ownRoutes = markOwnBody(RED.httpNode);

  function MemberspotWebhook(this: RedNode, config: WebhookDef): void {
    RED.nodes.createNode(this, config);
    // Node-RED calls the constructor with the node as `this`; handlers below need it.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const path = normalisePath(config.path);
    const events = parseEventFilter(config.events ?? '');
    // No secret (never set, or cleared): open to every caller, shown in yellow and warned about on deploy. A
    // secret of only blanks or line breaks refuses every request (the core's hasSecret), shown in red.
    const stored = node.credentials?.secret;
    const secret = typeof stored === 'string' && stored !== '' ? stored : undefined;
    const blank = isBlankSecret(secret);
    const open = secret === undefined;
    let received = 0;
    if (open) node.warn(RED._('memberspot-webhook.warn.noSecret', { path }));
    if (blank) node.warn(RED._('memberspot-webhook.warn.blankSecret', { path }));

    const handler: Handler = (req, res) => {
      const query = queryOf(req);
      const headers = req.headers as Record<string, unknown>;
      // The secret first: an unauthenticated caller gets 401 before a byte of the body is read.
      if (!hasSecret({ query, headers }, secret)) {
        const key = blank ? 'blankSecret' : 'unauthorized';
        node.status({ fill: 'red', shape: 'ring', text: RED._(`memberspot-webhook.status.${key}`) });
        return reply(req, res, 401, { error: 'Missing or wrong secret' });
      }
      readJsonBody(req).then(
        (body) => {
          const decision = handleWebhook({ body, query, headers }, { secret, events });
          switch (decision.kind) {
            case 'unauthorized':
              return reply(req, res, 401, { error: decision.message });
            case 'authTest':
              node.status({ fill: 'green', shape: 'dot', text: RED._('memberspot-webhook.status.authTest') });
              return reply(req, res, 200, { ok: true });
            case 'ignored':
              return reply(req, res, 200, { ok: true, ignored: decision.event });
            case 'event': {
              received += 1;
              reply(req, res, 200, { ok: true });
              const text = RED._('memberspot-webhook.status.received', { count: received });
              if (open) node.status({ fill: 'yellow', shape: 'dot', text: `${text} · ${RED._('memberspot-webhook.status.noSecret')}` });
              else node.status({ fill: 'green', shape: 'dot', text });
              node.send({ payload: decision.payload, topic: decision.event ?? '' });
              return;
            }
          }
        },
        (error: BodyError) => reply(req, res, error.status, { error: error.message }),
      );
    };
    // An error from a user's middleware: answered without a stack trace, and logged on this node.
    const errorHandler = (error: unknown, req: Request, res: Response, next: (err?: unknown) => void) => {
      if (res.headersSent) return next(error);
      const status = Number((error as { status?: unknown })?.status);
      node.warn(error instanceof Error ? error.message : String(error));
      reply(req, res, status >= 400 && status < 600 ? status : 500, { error: 'The request could not be handled' });
    };
    ownRoutes.add(path);
    RED.httpNode.post(path, ...httpNodeMiddleware(RED.settings), handler, errorHandler as unknown as Handler);
    if (open) node.status({ fill: 'yellow', shape: 'ring', text: `${path} · ${RED._('memberspot-webhook.status.noSecret')}` });
    else if (blank) node.status({ fill: 'red', shape: 'ring', text: `${path} · ${RED._('memberspot-webhook.status.blankSecret')}` });
    else node.status({ fill: 'grey', shape: 'ring', text: path });

    node.on('close', (_removed, done) => {
      ownRoutes.delete(path);
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
