/**
 * Memberspot's outgoing webhooks, as both hosts' triggers receive them.
 *
 * Memberspot POSTs JSON to a URL the user sets (Settings → Integrations → Webhook, then an Automation that
 * picks the event). "Validate Now" POSTs `{ "event": "auth_test" }` and expects 200 or 201. Event names and
 * payloads are not public, so the body is passed through untouched. Memberspot signs nothing, so a trigger
 * can require a shared secret in the URL's query or a header.
 */
import { timingSafeEqual } from 'node:crypto';

export const AUTH_TEST_EVENT = 'auth_test';
/** Query parameter and header that carry the shared secret. */
export const SECRET_QUERY_PARAMETER = 'secret';
export const SECRET_HEADER = 'x-memberspot-secret';

export interface WebhookRequest {
  body: unknown;
  query?: Record<string, unknown>;
  /** Header names in any case. */
  headers?: Record<string, unknown>;
}

export interface WebhookOptions {
  /**
   * When set (any string), requests without this secret (query `secret` or header `X-Memberspot-Secret`)
   * are refused; a blank one (`""`, `"   "`, `"\n"`) refuses every request. `undefined`: no secret is checked
   * (hosts pass it only when the user set none, and show that).
   */
  secret?: string;
  /** When non-empty, only these event names start a workflow/flow. */
  events?: string[];
}

export type WebhookDecision =
  /** Answer 200, start nothing: Memberspot's "Validate Now". */
  | { kind: 'authTest'; status: 200 }
  /** Answer 401, start nothing. */
  | { kind: 'unauthorized'; status: 401; message: string }
  /** Answer 200, start nothing: an event the user did not choose. */
  | { kind: 'ignored'; status: 200; event: string | null }
  /** Answer 200 and start the workflow/flow with this payload. */
  | { kind: 'event'; status: 200; event: string | null; payload: unknown };

function firstString(value: unknown): string | undefined {
  if (Array.isArray(value)) return firstString(value[0]);
  return typeof value === 'string' ? value : undefined;
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name) return firstString(value);
  }
  return undefined;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The event name of a webhook body, when it has one. */
export function eventName(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const event = (body as Record<string, unknown>).event;
  return typeof event === 'string' && event !== '' ? event : null;
}

/** Parses an event filter given as a list or as comma-separated text. */
export function parseEventFilter(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return list.map((v) => String(v).trim()).filter((v) => v !== '');
}

/**
 * Whether a secret setting is blank: set, but empty or only whitespace. Such a secret refuses every request
 * (it is a mistake, never "no secret"); hosts show it.
 */
export function isBlankSecret(secret: string | undefined | null): boolean {
  return typeof secret === 'string' && secret.trim() === '';
}

/**
 * Whether a request carries the secret (query `secret` or the secret header); true when no secret is set
 * (`undefined`), false for every request when the secret is blank. Needs no body, so a host can refuse a
 * caller before reading one.
 */
export function hasSecret(request: Pick<WebhookRequest, 'query' | 'headers'>, secret: string | undefined | null): boolean {
  if (secret === undefined || secret === null) return true;
  const expected = secret.trim();
  if (expected === '') return false;
  return sameSecret(firstString(request.query?.[SECRET_QUERY_PARAMETER]) ?? header(request.headers, SECRET_HEADER), expected);
}

/** Decides what to do with one webhook request. The secret is checked before anything else. */
export function handleWebhook(request: WebhookRequest, options: WebhookOptions = {}): WebhookDecision {
  if (!hasSecret(request, options.secret)) return { kind: 'unauthorized', status: 401, message: 'Missing or wrong secret' };
  const event = eventName(request.body);
  if (event === AUTH_TEST_EVENT) return { kind: 'authTest', status: 200 };
  const events = options.events ?? [];
  if (events.length > 0 && (event === null || !events.includes(event))) {
    return { kind: 'ignored', status: 200, event };
  }
  return { kind: 'event', status: 200, event, payload: request.body };
}
