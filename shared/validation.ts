/**
 * zod building blocks shared by the actions, and the translation of zod issues into field errors.
 * Messages are written for workflow authors: they say what is wrong and what a good value looks like.
 */
import { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_TEXT = 1000;

/** RFC 5322 atext (plus any Unicode letter, RFC 6531); dots only between atoms. */
const ATOM = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?';
const EMAIL = new RegExp(`^${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+\\p{L}{2,63}$`, 'u');

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  return typeof input === 'object' ? 'an object' : typeof input;
}

function preview(value: string): string {
  const short = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(short);
}

/** Accepts text, and whole numbers as text (order ids from shops often arrive as numbers). */
function textInput(what: string) {
  return z.preprocess(
    (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v),
    z.string({
      error: (issue) =>
        issue.input === undefined || issue.input === null
          ? `is required: ${what}`
          : `must be text, not ${describe(issue.input)}`,
    }),
  );
}

/** Single-line text: trimmed, not empty, no control characters, bounded length. */
export function text(what: string, max = MAX_TEXT) {
  return textInput(what).pipe(
    z
      .string()
      .trim()
      .min(1, { error: `must not be empty: ${what}` })
      .max(max, { error: `is too long (at most ${max} characters)` })
      .refine((s) => !CONTROL_CHARS.test(s), { error: 'must not contain control characters or line breaks' }),
  );
}

/**
 * Percent-decodes until nothing changes (so twice-encoded `%252e` counts too), byte by byte and without
 * throwing on malformed escapes. Only for checks: what is sent stays as given.
 */
export function fullyDecoded(value: string): string {
  let current = value;
  for (let round = 0; round < 8; round += 1) {
    const next = current.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === current) break;
    current = next;
  }
  return current;
}

/** Whether a path has a `.` or `..` segment once decoded; `%2f` and `%5c` (and `\`) count as slashes. */
export function hasDotSegment(path: string): boolean {
  return fullyDecoded(path)
    .split(/[/\\]/)
    .some((part) => part === '.' || part === '..');
}

/**
 * The last check before a request leaves: resolved as a URL parser would (WHATWG, as n8n and fetch do), the
 * path must stay on the base URL's origin and below its path, and have no dot segment even when decoded.
 * Returns what is wrong, or undefined.
 */
export function outsideBase(baseUrl: string, path: string): string | undefined {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  let target: URL;
  try {
    target = new URL(`${base.origin}${basePath}${path}`);
  } catch {
    return 'is not a valid URL path';
  }
  const below = target.pathname === basePath || target.pathname.startsWith(`${basePath}/`);
  if (target.origin !== base.origin || !below || !path.startsWith('/') || hasDotSegment(path)) {
    return `must stay below the base URL ${base.origin}${basePath} (no "." or ".." segments, also not percent-encoded)`;
  }
  return undefined;
}

/**
 * An identifier that may end up in a URL path: on top of {@link text}, no slashes, no whitespace and no
 * `.`/`..` segments, also once percent-decoded, so that it can never point the request at another endpoint.
 */
export function id(what: string) {
  return text(what, 200).refine(
    (s) => {
      const decoded = fullyDecoded(s);
      return !/[\s/\\]/.test(decoded) && decoded !== '.' && decoded !== '..';
    },
    { error: 'must be a single ID without spaces, slashes or dot segments (also not percent-encoded)' },
  );
}

export function email() {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined || issue.input === null
          ? "is required: the user's email address"
          : `must be an email address as text, not ${describe(issue.input)}`,
    })
    .trim()
    .min(1, { error: "is required: the user's email address" })
    .max(254, { error: 'is too long for an email address (at most 254 characters)' })
    .refine((s) => !CONTROL_CHARS.test(s), { error: 'must not contain control characters or line breaks' })
    .refine((s) => EMAIL.test(s) && s.split('@')[0].length <= 64, {
      error: (issue) => `must be a valid email address such as name@example.com, not ${preview(String(issue.input))}`,
    });
}

/** A list of emails: an array, or text separated by commas, semicolons or line breaks. */
export function emailList() {
  return z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(/[,;\r\n]+/)
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : v,
    z
      .array(email(), {
        error: (issue) =>
          issue.input === undefined || issue.input === null
            ? 'is required: a list of email addresses'
            : `must be a list of email addresses, not ${describe(issue.input)}`,
      })
      .min(1, { error: 'must contain at least one email address' })
      .max(1000, { error: 'is too long (at most 1000 addresses per call)' }),
  );
}

/** A boolean, also accepting the text "true"/"false" (Node-RED environment variables are text). */
export function flag() {
  return z.preprocess(
    (v) => (v === 'true' ? true : v === 'false' ? false : v),
    z.boolean({
      error: (issue) =>
        issue.input === undefined || issue.input === null ? 'is required: true or false' : `must be true or false, not ${describe(issue.input)}`,
    }),
  );
}

/** A point in time: an ISO 8601 date or date-time text, or a Date; sent as ISO 8601 UTC. */
export function dateTime() {
  return z
    .union([z.date(), z.string().trim()], {
      error: (issue) =>
        issue.input === undefined || issue.input === null
          ? 'is required: a date such as 2027-01-31 or 2027-01-31T23:59:59Z'
          : `must be a date, not ${describe(issue.input)}`,
    })
    .transform((v, ctx) => {
      const valid = v instanceof Date || /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v);
      const date = v instanceof Date ? v : new Date(v);
      if (!valid || Number.isNaN(date.getTime())) {
        ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date such as 2027-01-31 or 2027-01-31T23:59:59Z' });
        return z.NEVER;
      }
      return date.toISOString();
    });
}

/** Whole number within bounds. */
export function integer(min: number, max: number) {
  return z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
}

/** Turns a zod error into field issues; field names are the input's own. */
export function toIssues(error: z.ZodError): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ field: field ? `${field}.${key}` : key, message: 'is not a field of this action; check its spelling' });
      }
      continue;
    }
    if (issue.code === 'invalid_type' && issue.expected === 'object' && field === '') {
      issues.push({ field: '', message: 'the input must be an object of fields' });
      continue;
    }
    issues.push({ field, message: issue.message });
  }
  return issues;
}

function blank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * For a destructive action, an optional field that is present in the input but empty (`""`, blanks, `null`,
 * `undefined`: a missing msg leaf, an unset environment variable, an expression on an item without the
 * property) is an error, never "not given": leaving it out can change what is removed (Delete Order Access
 * without Active removes the access and its progress). Only a field that is absent is not given.
 */
export function blankGivenIssues(input: unknown, optionalFields: readonly string[]): FieldIssue[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [];
  const issues: FieldIssue[] = [];
  for (const name of optionalFields) {
    if (!Object.prototype.hasOwnProperty.call(input, name)) continue;
    const value = (input as Record<string, unknown>)[name];
    if (!blank(value)) continue;
    const got = value === undefined ? 'undefined' : value === null ? 'null' : JSON.stringify(value);
    issues.push({
      field: name,
      message:
        `is set but empty (${got}); this action deletes data, so an empty value is not taken as "not given". ` +
        'Give it a value, or remove the field from the node (or the input) to leave it out',
    });
  }
  return issues;
}

/** Parses input with a schema, or throws a ValidationError that names every bad field. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, actionId: string, actionLabel: string): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new ValidationError(toIssues(result.error), { actionId, actionLabel });
}
