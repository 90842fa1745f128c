/**
 * elopage (ablefy) webhooks: elopage signs nothing and sends no secret. The only protection is a long random
 * token in the webhook URL (query `token`), compared in constant time: weaker than a signature, because the
 * URL is the secret (it sits in elopage's settings and in any log of URLs). Source: shop-webhooks.md §5.
 */
import { amount, bodyFields, header, sameText, text, type Normalised, type ShopEventName, type ShopRequest, type Verification } from './types';

export const ELOPAGE_TOKEN_QUERY = 'token';
/** A token shorter than this is refused as a configuration: it could be guessed. */
export const ELOPAGE_MIN_TOKEN_LENGTH = 24;

function queryToken(request: ShopRequest): string | undefined {
  const value = request.query?.[ELOPAGE_TOKEN_QUERY];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return header(request.headers, 'x-webhook-token');
}

export function verifyElopage(request: ShopRequest, token: string): Verification {
  const given = queryToken(request);
  if (!given) return { ok: false, reason: 'The request has no token in its URL' };
  if (!sameText(given, token)) return { ok: false, reason: 'The token in the URL is wrong' };
  const fields = bodyFields(request);
  if (!fields) return { ok: false, reason: 'The body is not an elopage notification' };
  return { ok: true, fields };
}

// Seen on the wire (gradido captures); the refund strings are not confirmed by elopage.
const EVENTS: Record<string, ShopEventName> = {
  'payment.successful': 'purchase',
  'chargeback.successful': 'chargeback',
  'refund.successful': 'refund',
  'payment.refunded': 'refund',
  'order.subscription.paused': 'subscriptionPaused',
  'order.subscription.cancelled': 'subscriptionCancelled',
};

export function normaliseElopage(raw: Record<string, unknown>): Normalised {
  const shopEvent = text(raw, 'event');
  const paymentId = text(raw, 'id');
  return {
    event: {
      shop: 'elopage',
      event: (shopEvent && EVENTS[shopEvent]) || 'other',
      shopEvent,
      email: text(raw, 'payer[email]'),
      firstName: text(raw, 'payer[first_name]'),
      lastName: text(raw, 'payer[last_name]'),
      orderId: text(raw, 'order_id'),
      productId: text(raw, 'product_id', 'product[id]'),
      transactionId: paymentId,
      amount: amount(raw, 1, 'revenue', 'product[price]'),
      currency: text(raw, 'currency'),
      test: null,
      accessEndsAt: null,
      raw,
    },
    uniqueKey: paymentId && shopEvent ? `${paymentId}:${shopEvent}` : null,
  };
}

