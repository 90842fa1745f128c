/**
 * How the shop node gets a request's body: its raw bytes, read here (the shops that sign, sign the bytes),
 * kept away from the body parsers in front by the webhook nodes' root middleware (webhook-body.ts).
 */
import type { Request } from './types';
import { readRawBody } from './webhook-body';

/** The largest notification body read (Digistore24's 173 fields are about 6 KB). */
export const MAX_SHOP_BODY_BYTES = 1024 * 1024;

/** The webhook nodes' mark (webhook-body.ts): the body is unread and ours to read. */
const OWN_BODY = Symbol.for('memberspot.webhook.ownBody');

export interface ShopBody {
  /** The bytes, when this node read them. */
  rawBody?: Buffer;
  /** The body a parser in front produced instead (Node-RED's urlencoded parser: nested `customer[email]`). */
  parsed?: unknown;
}

export class ShopBodyError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function readShopBody(req: Request): Promise<ShopBody> {
  const marked = req as Request & { [OWN_BODY]?: boolean; _body?: boolean };
  if (Number(req.headers['content-length']) > MAX_SHOP_BODY_BYTES) return Promise.reject(new ShopBodyError(413, 'The body is too large'));
  // Read already (by a middleware in front that the root middleware could not keep away): only its result is left.
  if (req.readableEnded || (!marked[OWN_BODY] && marked._body)) return Promise.resolve({ parsed: req.body });
  return readRawBody(req, MAX_SHOP_BODY_BYTES, new ShopBodyError(413, 'The body is too large'), new ShopBodyError(400, 'The body could not be read')).then((rawBody) => ({ rawBody }));
}
