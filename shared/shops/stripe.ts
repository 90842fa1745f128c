/**
 * Stripe webhooks: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…][,v0=…]`, v1 = hex HMAC-SHA256(whsec, t + "." +
 * raw body). Every v1 is tried (secret rotation), v0 ignored, a timestamp more than 300 s away refused.
 * Source: stripe/stripe-node `src/Webhooks.ts` (shop-webhooks.md §4.2).
 */
import { anyEqual, header, hmacSha256, isObject, isoFromUnix, path, pathText, rawBytes, splitName, type Normalised, type ShopEventName, type ShopRequest, type Verification } from './types';

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
export const STRIPE_TOLERANCE_SECONDS = 300;

/** Zero-decimal currencies (amounts are whole units): docs.stripe.com/currencies#zero-decimal. */
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);

/** Parses a `k=v,k=v` (Stripe) or `k=v;k=v` (Paddle) signature header into its timestamp and candidates. */
export function parseSignatureHeader(value: string, separator: string, timeKey: string, signatureKey: string): { timestamp: number | null; signatures: string[] } {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of value.split(separator)) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    const key = part.slice(0, index).trim();
    const v = part.slice(index + 1).trim();
    if (key === timeKey && /^\d+$/.test(v)) timestamp = Number(v);
    else if (key === signatureKey && v !== '') signatures.push(v);
  }
  return { timestamp, signatures };
}

export function signedPayloadCheck(
  request: ShopRequest,
  secret: string,
  options: { header: string; separator: string; timeKey: string; signatureKey: string; join: string; toleranceSeconds: number; nowSeconds: number; name: string },
): Verification {
  const value = header(request.headers, options.header);
  if (!value) return { ok: false, reason: `The notification has no ${options.name} header` };
  const { timestamp, signatures } = parseSignatureHeader(value, options.separator, options.timeKey, options.signatureKey);
  if (timestamp === null || signatures.length === 0) return { ok: false, reason: `The ${options.name} header is malformed` };
  const bytes = rawBytes(request);
  if (bytes === undefined) return { ok: false, reason: 'The raw body is not available, so the signature cannot be checked' };
  const expected = hmacSha256(secret, Buffer.concat([Buffer.from(`${timestamp}${options.join}`, 'utf8'), bytes]), 'hex');
  if (!anyEqual(signatures.map((s) => s.toLowerCase()), expected)) return { ok: false, reason: `The ${options.name} does not match the secret` };
  if (Math.abs(options.nowSeconds - timestamp) > options.toleranceSeconds) return { ok: false, reason: `The ${options.name} timestamp is outside the tolerance (${options.toleranceSeconds} s)` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, reason: 'The body is not JSON' };
  }
  if (!isObject(parsed)) return { ok: false, reason: 'The body is not a JSON object' };
  return { ok: true, fields: parsed };
}

export function verifyStripe(request: ShopRequest, secret: string, nowSeconds: number): Verification {
  return signedPayloadCheck(request, secret, {
    header: STRIPE_SIGNATURE_HEADER, separator: ',', timeKey: 't', signatureKey: 'v1', join: '.',
    toleranceSeconds: STRIPE_TOLERANCE_SECONDS, nowSeconds, name: 'Stripe-Signature',
  });
}

function stripeEvent(type: string | null, object: unknown): ShopEventName {
  switch (type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return path(object, 'payment_status') === 'paid' ? 'purchase' : 'other';
    case 'invoice.paid':
      return 'purchase';
    case 'charge.refunded':
      return 'refund';
    case 'charge.dispute.created':
      return 'chargeback';
    case 'customer.subscription.deleted':
      return 'accessEnded';
    case 'customer.subscription.updated':
      return path(object, 'cancel_at_period_end') === true ? 'subscriptionCancelled' : 'other';
    case 'customer.subscription.paused':
      return 'subscriptionPaused';
    case 'customer.subscription.resumed':
      return 'subscriptionResumed';
    case 'invoice.payment_failed':
      return 'paymentMissed';
    default:
      return 'other';
  }
}

export function normaliseStripe(raw: Record<string, unknown>): Normalised {
  const type = pathText(raw, 'type');
  const object = path(raw, 'data.object');
  const currency = pathText(object, 'currency')?.toUpperCase() ?? null;
  const divisor = currency && ZERO_DECIMAL.has(currency) ? 1 : 100;
  const minor = [ 'amount_total', 'amount_paid', 'amount_refunded', 'amount'].map((k) => path(object, k)).find((v) => typeof v === 'number') as number | undefined;
  const event = stripeEvent(type, object);
  const name = splitName(pathText(object, 'customer_details.name', 'customer_name', 'billing_details.name'));
  const livemode = path(raw, 'livemode');
  return {
    event: {
      shop: 'stripe',
      event,
      shopEvent: type,
      email: pathText(object, 'customer_details.email', 'customer_email', 'receipt_email', 'billing_details.email'),
      ...name,
      // A refund or dispute names the payment intent, as a one-off checkout session does; an invoice (a
      // subscription's payment) goes by its subscription, as the subscription's own events do.
      orderId: type?.startsWith('invoice.') ? pathText(object, 'subscription', 'payment_intent', 'id') : pathText(object, 'payment_intent', 'subscription', 'id'),
      productId: pathText(object, 'metadata.product_id', 'metadata.productId'),
      transactionId: pathText(object, 'id'),
      amount: minor === undefined ? null : Math.round((minor / divisor) * 100) / 100,
      currency,
      test: typeof livemode === 'boolean' ? !livemode : null,
      accessEndsAt: event === 'subscriptionCancelled' ? isoFromUnix(path(object, 'cancel_at') ?? path(object, 'current_period_end')) : null,
      raw,
    },
    uniqueKey: pathText(raw, 'id'),
  };
}
