/**
 * CopeCart IPN: a JSON POST with `X-Copecart-Signature` = base64(HMAC-SHA256(IPN secret, raw body)).
 * No timestamp. Sources: several independent public integrations (PHP and Node) agree on it (the vendor's PDF
 * v1.6.7 was not available).
 */
import { amount, anyEqual, header, hmacSha256, isObject, rawBytes, text, type Normalised, type ShopEventName, type ShopRequest, type Verification } from './types';

export const COPECART_SIGNATURE_HEADER = 'x-copecart-signature';

export function verifyCopeCart(request: ShopRequest, secret: string): Verification {
  const signature = header(request.headers, COPECART_SIGNATURE_HEADER)?.trim();
  if (!signature) return { ok: false, reason: 'The notification has no X-Copecart-Signature header' };
  const bytes = rawBytes(request);
  if (bytes === undefined) return { ok: false, reason: 'The raw body is not available, so the signature cannot be checked' };
  if (!anyEqual([signature], hmacSha256(secret, bytes, 'base64'))) return { ok: false, reason: 'The X-Copecart-Signature does not match the IPN secret' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, reason: 'The body is not JSON' };
  }
  if (!isObject(parsed)) return { ok: false, reason: 'The body is not a JSON object' };
  return { ok: true, fields: parsed };
}

const EVENTS: Record<string, ShopEventName> = {
  'payment.made': 'purchase',
  'payment.refunded': 'refund',
  'payment.charged_back': 'chargeback',
  'payment.recurring.cancelled': 'subscriptionCancelled',
  'payment.failed': 'paymentMissed',
};

export function normaliseCopeCart(raw: Record<string, unknown>): Normalised {
  const shopEvent = text(raw, 'event_type');
  const status = text(raw, 'payment_status') ?? '';
  return {
    event: {
      shop: 'copecart',
      event: (shopEvent && EVENTS[shopEvent]) || 'other',
      shopEvent,
      email: text(raw, 'buyer_email'),
      firstName: text(raw, 'buyer_firstname'),
      lastName: text(raw, 'buyer_lastname'),
      orderId: text(raw, 'order_id'),
      productId: text(raw, 'product_id'),
      transactionId: text(raw, 'transaction_id'),
      amount: amount(raw, 1, 'transaction_amount'),
      currency: text(raw, 'transaction_currency'),
      test: raw.test_payment === true || status.startsWith('test_') || text(raw, 'payment_method') === 'test',
      accessEndsAt: text(raw, 'is_cancelled_for'),
      raw,
    },
    uniqueKey: text(raw, 'transaction_id'),
  };
}
