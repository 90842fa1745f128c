/**
 * memberspot-shop: a verified shop webhook (Digistore24, CopeCart, ThriveCart, Stripe, elopage, Paddle) on
 * Node-RED's HTTP server, and memberspot-shop-config, the config node holding the shop and its secret (as
 * credentials: never in the flow JSON).
 *
 * POST <httpNodeRoot><path>: the node reads the raw body itself, has the core (shared/shops) verify it and
 * sends one message with msg.payload = the normalised event. Like `http in`, the message keeps msg.req and
 * msg.res, and the flow answers with `http response` (OK when the grant worked; a `catch` answers 500 so the
 * shop retries). Answered here: no secret → 503 (and a red status); missing, wrong or expired signature → 401;
 * Digistore24's connection test, a purchase replayed after a refund/chargeback and events outside the filter →
 * 200 OK without a message; GET and HEAD → 200. Nothing of a refused body is logged.
 */
import { handleShopWebhook, isShop, SHOP_INFO, shopSecretProblem, type ReplayMemory } from '../shared/shops';
import { readShopBody, ShopBodyError } from './shop-body';
import { httpNodeMiddleware, markOwnBody } from './webhook-body';
import type { Handler, RED, RedNode, Request, Response, RouterLayer } from './types';

interface ShopConfigDef {
  id: string;
  name?: string;
  shop?: string;
}

interface ShopDef {
  id: string;
  name?: string;
  path?: string;
  config?: string;
  events?: string;
  store?: string;
}

type ShopConfigNode = RedNode & { shop?: string };
type ContextNode = RedNode & {
  context(): {
    get(key: string, store: string | undefined, callback: (err: Error | null, value?: unknown) => void): void;
    set(key: string, value: unknown, store: string | undefined, callback: (err: Error | null) => void): void;
  };
};

const MEMORY_KEY = 'memberspotShopMemory';

function normalisePath(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const path = text.split('?')[0].replace(/^\/+/, '').replace(/\/+$/, '');
  return `/${path || 'shop'}`;
}

function queryOf(req: Request): Record<string, unknown> {
  if (req.query && typeof req.query === 'object') return req.query;
  return Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams.entries());
}

function answer(req: Request, res: Response, status: number, body: string): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  if (!req.complete) {
    res.setHeader('Connection', 'close');
    res.once('finish', () => req.socket?.destroySoon?.());
  }
  res.end(req.method === 'HEAD' ? undefined : body);
}

export = function register(RED: RED): void {
  const ownRoutes = markOwnBody(RED.httpNode);

  function MemberspotShopConfig(this: ShopConfigNode, config: ShopConfigDef): void {
    RED.nodes.createNode(this, config);
    this.shop = config.shop;
  }
  RED.nodes.registerType('memberspot-shop-config', MemberspotShopConfig as never, {
    credentials: { secret: { type: 'password' } },
  });

  function MemberspotShop(this: ContextNode, config: ShopDef): void {
    RED.nodes.createNode(this, config);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const path = normalisePath(config.path);
    const events = (config.events ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '');
    const store = config.store ? config.store : undefined;
    const shopConfig = config.config ? (RED.nodes.getNode(config.config) as ShopConfigNode | null) : null;
    const shop = shopConfig?.shop;
    const secret = shopConfig?.credentials?.secret;
    const problem = shopConfig ? shopSecretProblem(shop, secret) : 'No shop configured: pick a shop and its secret';
    let received = 0;
    if (problem !== null) {
      node.error(problem);
      node.status({ fill: 'red', shape: 'ring', text: RED._('memberspot-shop.status.noSecret') });
    } else {
      node.status({ fill: 'grey', shape: 'ring', text: `${isShop(shop) ? SHOP_INFO[shop].label : ''} ${path}` });
    }

    // Read from the store once; notifications handled at the same time then change one object (no lost update).
    let memoryLoad: Promise<ReplayMemory> | undefined;
    const getMemory = () =>
      (memoryLoad ??= new Promise<ReplayMemory>((resolve) =>
        node.context().get(MEMORY_KEY, store, (err, value) => resolve(!err && value && typeof value === 'object' ? (value as ReplayMemory) : {})),
      ));
    const setMemory = (memory: ReplayMemory) => new Promise<void>((resolve) => node.context().set(MEMORY_KEY, memory, store, () => resolve()));

    const setup: Handler = (req, res) => answer(req, res, 200, 'OK');
    const handler: Handler = (req, res) => {
      // Fail closed before reading anything.
      if (problem !== null) return answer(req, res, 503, 'The shop webhook is not configured');
      readShopBody(req)
        .then(async (body) => {
          const memory = await getMemory();
          const decision = handleShopWebhook(
            { rawBody: body.rawBody, body: body.parsed, headers: req.headers as Record<string, unknown>, query: queryOf(req) },
            { shop: shop as string, secret, memory },
          );
          switch (decision.kind) {
            case 'unconfigured':
            case 'unauthorized':
              node.status({ fill: 'red', shape: 'ring', text: RED._('memberspot-shop.status.refused') });
              return answer(req, res, decision.status, decision.message);
            case 'answer':
              await setMemory(memory);
              return answer(req, res, 200, decision.body);
            case 'event':
              await setMemory(memory);
              if (events.length > 0 && !events.includes(decision.event.event)) return answer(req, res, 200, decision.successBody);
              received += 1;
              node.status({ fill: 'green', shape: 'dot', text: RED._('memberspot-shop.status.received', { count: received }) });
              // As `http in` does: the http response node answers through msg.res._res.
              node.send({ payload: decision.event, topic: decision.event.event, req, res: { _res: res }, shopAnswer: decision.successBody });
              return;
          }
        })
        .catch((error: unknown) => {
          const status = error instanceof ShopBodyError ? error.status : 500;
          answer(req, res, status, status === 500 ? 'The notification could not be handled' : (error as Error).message);
        });
    };
    const errorHandler = (error: unknown, req: Request, res: Response, next: (err?: unknown) => void) => {
      if (res.headersSent) return next(error);
      node.warn(error instanceof Error ? error.message : String(error));
      answer(req, res, 500, 'The request could not be handled');
    };
    ownRoutes.add(path);
    RED.httpNode.post(path, ...httpNodeMiddleware(RED.settings), handler, errorHandler as unknown as Handler);
    // Express answers HEAD with the GET route.
    RED.httpNode.get(path, setup);

    node.on('close', (_removed, done) => {
      ownRoutes.delete(path);
      const stack: RouterLayer[] = RED.httpNode._router?.stack ?? RED.httpNode.router?.stack ?? [];
      for (let i = stack.length - 1; i >= 0; i -= 1) {
        const route = stack[i].route as (RouterLayer['route'] & { stack?: Array<{ handle?: unknown }> }) | undefined;
        if (route && route.path === path && route.stack?.some((layer) => layer.handle === handler || layer.handle === setup)) stack.splice(i, 1);
      }
      node.status({});
      done();
    });
  }

  RED.nodes.registerType('memberspot-shop', MemberspotShop as never);
};
