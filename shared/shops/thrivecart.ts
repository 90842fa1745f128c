/**
 * ThriveCart webhooks: no signature; every body carries `thrivecart_secret`, which must equal the account's
 * Secret word (Settings → ThriveCart API). Compared in constant time and removed from the output.
 * Form-encoded (flat `customer[email]` or nested) or JSON. Source: ThriveCart's support article on webhook
 * notifications ("we include a `thrivecart_secret` parameter … will match up with the 'Secret word'").
 */
import { amount, bodyFields, field, isObject, sameText, text, type Normalised, type ShopEventName, type ShopRequest, type Verification } from './types';

export const THRIVECART_SECRET_FIELD = 'thrivecart_secret';

export function verifyThriveCart(request: ShopRequest, secret: string): Verification {
  const fields = bodyFields(request);
  if (!fields) return { ok: false, reason: 'The body is not a ThriveCart notification' };
  const given = field(fields, THRIVECART_SECRET_FIELD);
  if (typeof given !== 'string' || given === '') return { ok: false, reason: 'The notification has no thrivecart_secret' };
  if (!sameText(given.trim(), secret)) return { ok: false, reason: 'The thrivecart_secret does not match the secret word' };
  const raw = { ...fields };
  delete raw[THRIVECART_SECRET_FIELD];
  return { ok: true, fields: raw };
}

const EVENTS: Record<string, ShopEventName> = {
  'order.success': 'purchase',
  'order.subscription_payment': 'purchase',
  'order.refund': 'refund',
  'order.subscription_cancelled': 'subscriptionCancelled',
  'order.subscription_paused': 'subscriptionPaused',
  'order.subscription_resumed': 'subscriptionResumed',
  'order.rebill_failed': 'paymentMissed',
  // Event Subscription API names (always JSON).
  order_payment_product: 'purchase',
  order_rebill: 'purchase',
  order_refund_product: 'refund',
  order_rebill_cancelled: 'subscriptionCancelled',
  order_rebill_failed: 'paymentMissed',
  subscription_paused: 'subscriptionPaused',
  subscription_resumed: 'subscriptionResumed',
};

export function normaliseThriveCart(raw: Record<string, unknown>): Normalised {
  const shopEvent = text(raw, 'event');
  const event = (shopEvent && EVENTS[shopEvent]) || 'other';
  const mode = text(raw, 'mode');
  const modeInt = text(raw, 'mode_int');
  const customer = field(raw, 'customer');
  return {
    event: {
      shop: 'thrivecart',
      event,
      shopEvent,
      email: text(raw, 'customer[email]', 'customer_email') ?? (isObject(customer) ? text(customer, 'email') : null),
      firstName: text(raw, 'customer[first_name]', 'customer[firstname]'),
      lastName: text(raw, 'customer[last_name]', 'customer[lastname]'),
      orderId: text(raw, 'order_id'),
      productId: text(raw, 'base_product', 'product_id'),
      transactionId: text(raw, 'invoice_id'),
      // "all keys representing prices are in hundreds"
      amount: event === 'refund' ? amount(raw, 100, 'refund[amount]', 'order[total]') : amount(raw, 100, 'order[total]'),
      currency: text(raw, 'currency')?.toUpperCase() ?? null,
      test: mode === 'test' || modeInt === '1',
      accessEndsAt: null,
      raw,
    },
    uniqueKey: text(raw, 'event_id', 'webhook_id'),
  };
}
