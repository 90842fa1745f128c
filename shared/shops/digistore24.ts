/**
 * Digistore24 IPN ("Generic" connection with an IPN passphrase): a form POST signed with `sha_sign`.
 *
 * sha_sign = uppercase hex SHA-512 over, for every field but `sha_sign`/`SHASIGN` with a non-empty value,
 * sorted by key as byte strings: `key=value` + passphrase (the passphrase after every pair, no separator).
 * Digistore24 signs with the original key case; the `convert_keys_to_uppercase` variant (keys upper-cased,
 * sorted upper-cased) is accepted too. Sources: Digistore24's IPN receiver example and digistore24/ds24-skills
 * `skills/ds24-ipn/references/ipn-protocol.md`.
 */
import { createHash } from 'node:crypto';
import { amount, bodyFields, isObject, sameText, text, type Normalised, type ShopEventName, type ShopRequest, type Verification } from './types';

const SIGNATURE_KEYS = ['sha_sign', 'SHASIGN'];

function byteOrder(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}

function valueText(value: unknown): string | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (Array.isArray(value)) return valueText(value[value.length - 1]);
  if (isObject(value)) return undefined;
  const textValue = value === true ? '1' : String(value);
  return textValue === '' ? undefined : textValue;
}

/** The signature of `fields` under `passphrase`, as Digistore24 computes it (128 uppercase hex characters). */
export function digistoreSignature(fields: Record<string, unknown>, passphrase: string, upperCaseKeys = false): string {
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(fields)) {
    if (SIGNATURE_KEYS.includes(key)) continue;
    const v = valueText(value);
    if (v === undefined) continue;
    pairs.push([upperCaseKeys ? key.toUpperCase() : key, v]);
  }
  pairs.sort((a, b) => byteOrder(a[0], b[0]));
  const message = pairs.map(([k, v]) => `${k}=${v}${passphrase}`).join('');
  return createHash('sha512').update(message, 'utf8').digest('hex').toUpperCase();
}

export function verifyDigistore24(request: ShopRequest, passphrase: string): Verification {
  const fields = bodyFields(request);
  if (!fields) return { ok: false, reason: 'The body is not a Digistore24 notification (form fields)' };
  const given = valueText(fields.sha_sign ?? fields.SHASIGN);
  if (given === undefined) return { ok: false, reason: 'The notification has no sha_sign' };
  const received = given.trim().toUpperCase();
  // Both conventions, each compared in constant time.
  const original = sameText(received, digistoreSignature(fields, passphrase, false));
  const upper = sameText(received, digistoreSignature(fields, passphrase, true));
  if (!original && !upper) return { ok: false, reason: 'The sha_sign does not match the IPN passphrase' };
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (!SIGNATURE_KEYS.includes(key)) raw[key] = value;
  return { ok: true, fields: raw };
}

const EVENTS: Record<string, ShopEventName> = {
  on_payment: 'purchase',
  on_refund: 'refund',
  on_chargeback: 'chargeback',
  on_rebill_cancelled: 'subscriptionCancelled',
  last_paid_day: 'accessEnded',
  on_payment_missed: 'paymentMissed',
  on_rebill_resumed: 'subscriptionResumed',
  connection_test: 'test',
};

export function normaliseDigistore24(raw: Record<string, unknown>): Normalised {
  // Keys may come upper-cased (convert_keys_to_uppercase): read them in lower case.
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) fields[key.toLowerCase()] = value;
  const shopEvent = text(fields, 'event');
  const apiMode = text(fields, 'api_mode');
  return {
    event: {
      shop: 'digistore24',
      event: (shopEvent && EVENTS[shopEvent]) || 'other',
      shopEvent,
      email: text(fields, 'email', 'buyer_email'),
      firstName: text(fields, 'address_first_name', 'buyer_first_name', 'billing_first_name'),
      lastName: text(fields, 'address_last_name', 'buyer_last_name', 'billing_last_name'),
      orderId: text(fields, 'order_id'),
      productId: text(fields, 'product_id'),
      transactionId: text(fields, 'transaction_id'),
      amount: amount(fields, 1, 'transaction_amount', 'amount'),
      currency: text(fields, 'transaction_currency', 'currency'),
      // The official receiver: test mode unless api_mode is 'live'.
      test: apiMode !== 'live' || text(fields, 'pay_method') === 'test',
      accessEndsAt: null,
      raw,
    },
    uniqueKey: text(fields, 'transaction_id'),
  };
}
