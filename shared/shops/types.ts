/**
 * The shop webhook core's shared types and helpers: what a host hands in (the request as it arrived) and
 * the one normalised event every shop's notification becomes. No n8n or Node-RED imports.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SHOPS = ['digistore24', 'copecart', 'thrivecart', 'stripe', 'elopage', 'paddle'] as const;
export type Shop = (typeof SHOPS)[number];

export function isShop(value: unknown): value is Shop {
  return typeof value === 'string' && (SHOPS as readonly string[]).includes(value);
}

export const SHOP_EVENTS = [
  'purchase',
  'refund',
  'chargeback',
  'subscriptionCancelled',
  'accessEnded',
  'paymentMissed',
  'subscriptionPaused',
  'subscriptionResumed',
  'test',
  'other',
] as const;
export type ShopEventName = (typeof SHOP_EVENTS)[number];

/** One notification as the host received it. */
export interface ShopRequest {
  /** The body's bytes as they arrived (needed by CopeCart, Stripe and Paddle, which sign the bytes). */
  rawBody?: Buffer | string;
  /** The body as the host parsed it (form fields flat as n8n parses them, or nested as Node-RED's parser does). */
  body?: unknown;
  /** Header names in any case. */
  headers?: Record<string, unknown>;
  query?: Record<string, unknown>;
}

/** The normalised event, whatever the shop. */
export interface ShopEvent {
  shop: Shop;
  event: ShopEventName;
  /** The shop's own event name, as sent. */
  shopEvent: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  orderId: string | null;
  productId: string | null;
  transactionId: string | null;
  /** In major units (47.5 = 47.50 EUR). */
  amount: number | null;
  currency: string | null;
  /** true for a test purchase; null when the shop does not say (Paddle, elopage). */
  test: boolean | null;
  /** When access ends (ISO 8601 or as the shop sends it), for cancellations that give a date. */
  accessEndsAt: string | null;
  /** The shop's fields, minus secrets. */
  raw: Record<string, unknown>;
  /** true when this notification (the shop's unique key) was seen before: a retry or a repeat. */
  duplicate: boolean;
}

/** What a shop module returns: verified fields, or why not. */
export type Verification = { ok: true; fields: Record<string, unknown> } | { ok: false; reason: string };

export interface Normalised {
  event: Omit<ShopEvent, 'duplicate'>;
  /** The shop's unique key for this notification (for duplicate marking), when it has one. */
  uniqueKey: string | null;
}

/** Constant-time comparison of two strings (false for different lengths, without comparing). */
export function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether any candidate equals the expected value; every candidate is compared in constant time. */
export function anyEqual(candidates: string[], expected: string): boolean {
  let found = false;
  for (const candidate of candidates) if (sameText(candidate, expected)) found = true;
  return found;
}

export function hmacSha256(secret: string, message: Buffer | string, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(message).digest(encoding);
}

function firstString(value: unknown): string | undefined {
  if (Array.isArray(value)) return firstString(value[0]);
  return typeof value === 'string' ? value : undefined;
}

export function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === wanted) return firstString(value);
  return undefined;
}

export function rawText(request: ShopRequest): string | undefined {
  const raw = request.rawBody;
  if (raw === undefined || raw === null) return undefined;
  return Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
}

export function rawBytes(request: ShopRequest): Buffer | undefined {
  const raw = request.rawBody;
  if (raw === undefined || raw === null) return undefined;
  return Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw), 'utf8');
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/**
 * Form fields flat, as PHP and n8n see them: `a[b]=1` stays the key `a[b]`, `+` is a space, a repeated key
 * keeps its last value (PHP's `$_POST`).
 */
export function parseForm(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) fields[key] = value;
  return fields;
}

/** The body's fields: JSON when it looks like JSON, else form fields; the parsed body when no bytes came. */
export function bodyFields(request: ShopRequest): Record<string, unknown> | undefined {
  const text = rawText(request);
  if (text !== undefined && text.trim() !== '') {
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        return isObject(parsed) ? parsed : undefined;
      } catch {
        return undefined;
      }
    }
    return parseForm(trimmed);
  }
  return isObject(request.body) ? request.body : undefined;
}

/**
 * A field by its PHP-style name, read flat (`customer[email]` as one key: n8n) or nested
 * (`customer: { email }`: Node-RED's parser, JSON bodies).
 */
export function field(fields: Record<string, unknown> | undefined, name: string): unknown {
  if (!fields) return undefined;
  if (name in fields) return fields[name];
  const parts = name.replace(/\]/g, '').split(/\[|\./);
  let current: unknown = fields;
  for (const part of parts) {
    if (!isObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** The first field of `names` that holds a non-empty string or number, as text. */
export function text(fields: Record<string, unknown> | undefined, ...names: string[]): string | null {
  for (const name of names) {
    const value = field(fields, name);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return null;
}

/** The first field of `names` that is a number (or numeric text), divided by `divisor`. */
export function amount(fields: Record<string, unknown> | undefined, divisor: number, ...names: string[]): number | null {
  for (const name of names) {
    const value = field(fields, name);
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (Number.isFinite(number)) return Math.round((number / divisor) * 100) / 100;
  }
  return null;
}

/** A JSON path (`data.object.id`) in a JSON body. */
export function path(value: unknown, dotted: string): unknown {
  let current = value;
  for (const part of dotted.split('.')) {
    if (!isObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function pathText(value: unknown, ...paths: string[]): string | null {
  for (const p of paths) {
    const found = path(value, p);
    if (typeof found === 'string' && found !== '') return found;
    if (typeof found === 'number' && Number.isFinite(found)) return String(found);
  }
  return null;
}

/** Splits a full name ("Anna Maria Schmidt") into first ("Anna Maria") and last name ("Schmidt"). */
export function splitName(full: string | null): { firstName: string | null; lastName: string | null } {
  if (!full) return { firstName: null, lastName: null };
  const parts = full.trim().split(/\s+/);
  if (parts.length === 1) return { firstName: parts[0], lastName: null };
  return { firstName: parts.slice(0, -1).join(' '), lastName: parts[parts.length - 1] };
}

/** A unix timestamp (seconds) as ISO 8601. */
export function isoFromUnix(value: unknown): string | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : null;
}
