/**
 * Paddle Billing webhooks: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=…]`, h1 = hex HMAC-SHA256(secret, ts + ":"
 * + raw body). Every h1 is tried. Paddle's SDK allows 5 s; this trigger allows 300 s as for Stripe (clocks
 * and queues drift more than 5 s). Source: PaddleHQ/paddle-node-sdk `src/notifications/helpers/webhooks-validator.ts`.
 * Paddle's payload has no e-mail or name (they need a customer API call): email/firstName/lastName are null.
 */
import { amount, path, pathText, type Normalised, type ShopEventName, type ShopRequest, type Verification } from './types';
import { signedPayloadCheck } from './stripe';

export const PADDLE_SIGNATURE_HEADER = 'paddle-signature';
export const PADDLE_TOLERANCE_SECONDS = 300;

export function verifyPaddle(request: ShopRequest, secret: string, nowSeconds: number): Verification {
  return signedPayloadCheck(request, secret, {
    header: PADDLE_SIGNATURE_HEADER, separator: ';', timeKey: 'ts', signatureKey: 'h1', join: ':',
    toleranceSeconds: PADDLE_TOLERANCE_SECONDS, nowSeconds, name: 'Paddle-Signature',
  });
}

function paddleEvent(type: string | null, data: unknown): ShopEventName {
  switch (type) {
    case 'transaction.completed':
      return 'purchase';
    case 'subscription.canceled':
      return 'accessEnded';
    case 'subscription.updated':
      return path(data, 'scheduled_change.action') === 'cancel' ? 'subscriptionCancelled' : 'other';
    case 'subscription.paused':
      return 'subscriptionPaused';
    case 'subscription.resumed':
      return 'subscriptionResumed';
    case 'subscription.past_due':
    case 'transaction.payment_failed':
      return 'paymentMissed';
    case 'adjustment.created':
    case 'adjustment.updated': {
      if (path(data, 'status') !== 'approved') return 'other';
      const action = path(data, 'action');
      if (action === 'refund') return 'refund';
      if (action === 'chargeback') return 'chargeback';
      return 'other';
    }
    default:
      return 'other';
  }
}

export function normalisePaddle(raw: Record<string, unknown>): Normalised {
  const type = pathText(raw, 'event_type');
  const data = path(raw, 'data');
  const isTransaction = type?.startsWith('transaction.') ?? false;
  const isAdjustment = type?.startsWith('adjustment.') ?? false;
  const event = paddleEvent(type, data);
  const totals = (isAdjustment ? path(data, 'totals') : path(data, 'details.totals')) as Record<string, unknown> | undefined;
  return {
    event: {
      shop: 'paddle',
      event,
      shopEvent: type,
      email: pathText(data, 'customer.email'),
      firstName: null,
      lastName: null,
      // One order id for a purchase and its refund: the subscription, else the transaction.
      orderId: isTransaction ? pathText(data, 'subscription_id', 'id') : isAdjustment ? pathText(data, 'subscription_id', 'transaction_id') : pathText(data, 'id'),
      productId: pathText(data, 'items.0.price.product_id', 'items.0.product.id'),
      transactionId: isTransaction ? pathText(data, 'id') : pathText(data, 'transaction_id'),
      amount: totals ? amount(totals, 100, isAdjustment ? 'total' : 'grand_total') : null,
      currency: pathText(data, 'currency_code'),
      test: null,
      accessEndsAt: event === 'subscriptionCancelled' ? pathText(data, 'scheduled_change.effective_at') : null,
      raw,
    },
    uniqueKey: pathText(raw, 'event_id'),
  };
}
