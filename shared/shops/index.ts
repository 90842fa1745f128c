/**
 * Verified shop webhooks (Digistore24, CopeCart, ThriveCart, Stripe, elopage, Paddle): one decision for
 * both hosts. The host reads the request (raw body, headers, query) and acts on the decision:
 *
 * - `unconfigured` (503): no secret is set; nothing is read, nothing starts (fail closed);
 * - `unauthorized` (401): missing, wrong or expired signature / secret; nothing of the body is in the
 *   message, nothing starts;
 * - `answer` (200, `OK`): verified, but nothing to start: Digistore24's connection test, or a purchase for an
 *   order seen refunded or charged back in the last 30 days (a replay);
 * - `event`: verified: start the workflow/flow with `event` and answer `successBody` once it succeeded (5xx when
 *   it failed, so that the shop retries).
 */
import { normaliseCopeCart, verifyCopeCart } from './copecart';
import { normaliseDigistore24, verifyDigistore24 } from './digistore24';
import { normaliseElopage, verifyElopage, ELOPAGE_MIN_TOKEN_LENGTH } from './elopage';
import { normalisePaddle, verifyPaddle } from './paddle';
import { markSeen, orderEnded, rememberEnded, type ReplayMemory } from './replay';
import { normaliseStripe, verifyStripe } from './stripe';
import { normaliseThriveCart, verifyThriveCart } from './thrivecart';
import { isShop, type Normalised, type Shop, type ShopEvent, type ShopRequest, type Verification } from './types';

export * from './types';
export * from './replay';
export { digistoreSignature } from './digistore24';
export { COPECART_SIGNATURE_HEADER } from './copecart';
export { STRIPE_SIGNATURE_HEADER, STRIPE_TOLERANCE_SECONDS, parseSignatureHeader } from './stripe';
export { PADDLE_SIGNATURE_HEADER, PADDLE_TOLERANCE_SECONDS } from './paddle';
export { THRIVECART_SECRET_FIELD } from './thrivecart';
export { ELOPAGE_TOKEN_QUERY, ELOPAGE_MIN_TOKEN_LENGTH } from './elopage';

/** The body every shop takes for success (Digistore24 and CopeCart need exactly `OK`; the others any 2xx). */
export const SHOP_SUCCESS_BODY = 'OK';

export interface ShopInfo {
  label: string;
  /** What the secret is called in the shop. */
  secretName: string;
  /** Where the shop's settings show it (English). */
  where: string;
}

export const SHOP_INFO: Record<Shop, ShopInfo> = {
  digistore24: { label: 'Digistore24', secretName: 'IPN passphrase', where: 'Settings → Integrations (IPN) → Add connection → Generic: set "IPN passphrase"' },
  copecart: { label: 'CopeCart', secretName: 'Secret key', where: 'Settings → IPN Integrations → Create new → Generic: "Secret Key"' },
  thrivecart: { label: 'ThriveCart', secretName: 'Secret word', where: 'Settings → API & Webhooks → ThriveCart API: "Secret word"' },
  stripe: { label: 'Stripe', secretName: 'Signing secret (whsec_…)', where: 'Developers → Webhooks → your endpoint → "Signing secret"' },
  elopage: { label: 'elopage / ablefy', secretName: 'URL token (you choose it)', where: 'no secret in elopage: put ?token=<long random token> on the webhook URL under Marketing → Webhooks' },
  paddle: { label: 'Paddle Billing', secretName: 'Secret key', where: 'Developer tools → Notifications → your destination → "Secret key"' },
};

export type ShopDecision =
  | { kind: 'unconfigured'; status: 503; message: string }
  | { kind: 'unauthorized'; status: 401; message: string }
  | { kind: 'answer'; status: 200; body: string; reason: 'test' | 'replay' }
  | { kind: 'event'; status: 200; event: ShopEvent; successBody: string };

export interface ShopOptions {
  shop: Shop | string;
  secret: string | undefined;
  /** The trigger's memory (n8n static data, a Node-RED context value); changed in place. */
  memory?: ReplayMemory;
  /** Now, in ms (tests pass a fixed time; the default is the clock). */
  now?: number;
}

/** Whether a secret is set (a blank one is none). The hosts refuse to start without one. */
export function shopSecretProblem(shop: unknown, secret: unknown): string | null {
  if (!isShop(shop)) return `Unknown shop "${String(shop)}"`;
  const value = typeof secret === 'string' ? secret.trim() : '';
  if (value === '') return `No ${SHOP_INFO[shop].secretName} is set: add it to the credential (${SHOP_INFO[shop].where})`;
  if (shop === 'elopage' && value.length < ELOPAGE_MIN_TOKEN_LENGTH) return `The elopage URL token must be at least ${ELOPAGE_MIN_TOKEN_LENGTH} characters`;
  return null;
}

function verify(shop: Shop, request: ShopRequest, secret: string, nowSeconds: number): Verification {
  switch (shop) {
    case 'digistore24':
      return verifyDigistore24(request, secret);
    case 'copecart':
      return verifyCopeCart(request, secret);
    case 'thrivecart':
      return verifyThriveCart(request, secret);
    case 'stripe':
      return verifyStripe(request, secret, nowSeconds);
    case 'elopage':
      return verifyElopage(request, secret);
    case 'paddle':
      return verifyPaddle(request, secret, nowSeconds);
  }
}

export function normaliseShopFields(shop: Shop, fields: Record<string, unknown>): Normalised {
  switch (shop) {
    case 'digistore24':
      return normaliseDigistore24(fields);
    case 'copecart':
      return normaliseCopeCart(fields);
    case 'thrivecart':
      return normaliseThriveCart(fields);
    case 'stripe':
      return normaliseStripe(fields);
    case 'elopage':
      return normaliseElopage(fields);
    case 'paddle':
      return normalisePaddle(fields);
  }
}

/** Verifies one notification and decides what the host does with it. */
export function handleShopWebhook(request: ShopRequest, options: ShopOptions): ShopDecision {
  const problem = shopSecretProblem(options.shop, options.secret);
  if (problem !== null) return { kind: 'unconfigured', status: 503, message: problem };
  const shop = options.shop as Shop;
  const secret = (options.secret as string).trim();
  const now = options.now ?? Date.now();
  const verification = verify(shop, request, secret, Math.floor(now / 1000));
  if (!verification.ok) return { kind: 'unauthorized', status: 401, message: verification.reason };
  const { event, uniqueKey } = normaliseShopFields(shop, verification.fields);
  if (event.event === 'test') return { kind: 'answer', status: 200, body: SHOP_SUCCESS_BODY, reason: 'test' };
  const memory = options.memory ?? {};
  const duplicate = uniqueKey !== null ? markSeen(memory, shop, uniqueKey, now) : false;
  if (event.orderId !== null) {
    if (event.event === 'refund' || event.event === 'chargeback') rememberEnded(memory, shop, event.orderId, now);
    else if (event.event === 'purchase' && orderEnded(memory, shop, event.orderId, now)) {
      return { kind: 'answer', status: 200, body: SHOP_SUCCESS_BODY, reason: 'replay' };
    }
  }
  return { kind: 'event', status: 200, event: { ...event, duplicate }, successBody: SHOP_SUCCESS_BODY };
}
