import { isRecord } from './validate';

/**
 * Switches for the points of the contract that are project decisions ([D] in the API notes). The default of
 * each is what this package assumes; the alternatives are the known other readings, so that tests can prove
 * that `memberspot-doctor` notices each one.
 */
export interface Variants {
  /** The key of each item of set-custom-user-properties: `propertyId` (assumed) or `id`. */
  customPropertyKey: 'propertyId' | 'id';
  /** Where List Users puts the next page's cursor: `nextPage` (assumed), `next_page`, or nowhere. */
  cursor: 'nextPage' | 'next_page' | 'absent';
  /** The login token answer: `{ uid, token, expiresAt }` (object), a bare string, or only `{ token }`. */
  loginToken: 'object' | 'string' | 'token';
  /** set-offer-state / set-order-state without `active`: remove the access (assumed) or only deactivate it. */
  deleteAccess: 'remove' | 'deactivate';
  /** Whether a 429 carries `Retry-After`. */
  retryAfter: boolean;
  /** Rate limit headers on the limited endpoints: none (assumed), `RateLimit-*` or `X-RateLimit-*`. */
  rateLimitHeaders: 'none' | 'RateLimit' | 'X-RateLimit';
  /** List Users answers `{ data, <cursor> }` (assumed) or a bare array of users. */
  listUsers: 'object' | 'array';
  /** The OpenAPI document at /api-json: generated from the routes, that with three differences, or none. */
  openapi: 'match' | 'differs' | 'none';
}

export const DEFAULT_VARIANTS: Readonly<Variants> = Object.freeze({
  customPropertyKey: 'propertyId',
  cursor: 'nextPage',
  loginToken: 'object',
  deleteAccess: 'remove',
  retryAfter: true,
  rateLimitHeaders: 'none',
  listUsers: 'object',
  openapi: 'match',
});

/** The allowed values of each variant, also used by the CLI's help. */
export const VARIANT_CHOICES: { readonly [K in keyof Variants]: readonly Variants[K][] } = {
  customPropertyKey: ['propertyId', 'id'],
  cursor: ['nextPage', 'next_page', 'absent'],
  loginToken: ['object', 'string', 'token'],
  deleteAccess: ['remove', 'deactivate'],
  retryAfter: [true, false],
  rateLimitHeaders: ['none', 'RateLimit', 'X-RateLimit'],
  listUsers: ['object', 'array'],
  openapi: ['match', 'differs', 'none'],
};

/** Checks a partial set of variants; throws a TypeError naming the bad one. */
export function validateVariants(value: unknown): Partial<Variants> {
  if (!isRecord(value)) throw new TypeError('variants must be an object, e.g. { "cursor": "next_page" }');
  for (const [name, setting] of Object.entries(value)) {
    const choices = (VARIANT_CHOICES as Record<string, readonly unknown[]>)[name];
    if (!choices) throw new TypeError(`variants.${name} is unknown; known: ${Object.keys(VARIANT_CHOICES).join(', ')}`);
    if (!choices.includes(setting)) throw new TypeError(`variants.${name} must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`);
  }
  return value as Partial<Variants>;
}
