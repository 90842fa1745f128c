import { z } from 'zod';
import { ValidationError } from '../errors';
import type { HttpMethod } from '../types';
import { hasDotSegment } from '../validation';
import { defineAction } from './define';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const IDEMPOTENT = new Set<HttpMethod>(['GET', 'PUT', 'DELETE']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
/** Headers the client sets itself; letting a caller set them would break the request or leak the key. */
const RESERVED_HEADERS = new Set(['x-api-key', 'host', 'content-length', 'cookie']);
/** Connection-level headers: the HTTP client manages them and refuses (or mis-sends) a request that sets them. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'te', 'trailer', 'proxy-connection']);
/** A lone UTF-16 surrogate: no character, so it cannot be encoded into a URL. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;
/** HTTP header values carry Latin-1 at most. */
const BEYOND_LATIN1 = /[\u0100-\uffff]/;

const method = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
  z.enum(METHODS, { error: `must be one of ${METHODS.join(', ')}` }),
);

const path = z
  .string({ error: (i) => (i.input === undefined ? 'is required: a path such as /v1/offers' : 'must be text, e.g. /v1/offers') })
  .trim()
  .min(1, { error: 'is required: a path such as /v1/offers' })
  .max(2000, { error: 'is too long (at most 2000 characters)' })
  .refine((s) => !CONTROL_CHARS.test(s) && !/\s/.test(s), { error: 'must not contain spaces, line breaks or control characters' })
  .refine((s) => !LONE_SURROGATE.test(s), { error: 'contains a broken character (a lone UTF-16 surrogate); retype the path' })
  // Percent-decoded (twice-encoded too) before the check: URL parsers turn %2e%2e into "..".
  .refine((s) => !hasDotSegment(s.split(/[?#]/)[0]), {
    error: 'must not contain "." or ".." segments, also not percent-encoded (%2e%2e): it must stay below the base URL',
  });

const queryValue = z.union([z.string(), z.number(), z.boolean()]);
const query = z.record(z.string().min(1), z.union([queryValue, z.array(queryValue)]), {
  error: 'must be an object of query parameter names to values',
});

const headers = z
  .record(
    z.string().regex(TOKEN, { error: 'is not a valid header name' }),
    z
      .string({ error: 'must be text' })
      .refine((v) => !CONTROL_CHARS.test(v), { error: 'must not contain line breaks or control characters' })
      .refine((v) => !BEYOND_LATIN1.test(v), { error: 'must contain only Latin-1 characters (HTTP headers cannot carry others); leave out or percent-encode the rest' }),
    { error: 'must be an object of header names to text values' },
  )
  .superRefine((record, ctx) => {
    const seen = new Set<string>();
    for (const name of Object.keys(record)) {
      const lower = name.toLowerCase();
      if (RESERVED_HEADERS.has(lower)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is set by the node itself and cannot be given here (the API key comes from the credentials)' });
      } else if (CONNECTION_HEADERS.has(lower)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is a connection header that the HTTP client manages itself; leave it out' });
      } else if (seen.has(lower)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is given twice (header names ignore upper and lower case); keep one' });
      }
      seen.add(lower);
    }
  });

/** A JSON value, or text holding JSON. */
const body = z.unknown().transform((v, ctx) => {
  if (typeof v !== 'string') return v;
  if (v.trim() === '') return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `must be valid JSON (${(error as Error).message})` });
    return z.NEVER;
  }
});

export const apiCall = defineAction({
  id: 'apiCall',
  position: 18,
  resource: 'apiCall',
  operation: 'call',
  label: 'Make an API Call',
  makeModule: 'Make an API Call',
  description:
    "Calls any endpoint of the Memberspot API with the credentials' key, e.g. one this node has no operation for yet. " +
    'Only paths on the configured base URL are allowed, so the key never leaves for another host.',
  translations: {
    de: {
      label: 'API-Aufruf ausführen',
      description:
        'Sendet eine beliebige Anfrage an die Memberspot-API unter der Basis-URL; der API-Schlüssel wird automatisch ergänzt und verlässt nie den Memberspot-Host.',
      fields: {
        method: { label: 'Methode', help: 'Die HTTP-Methode' },
        path: { label: 'Pfad', help: 'Pfad relativ zur Basis-URL, z. B. /v1/offers' },
        query: { label: 'Query-Parameter', help: 'Query-Parameter, die an die URL angehängt werden' },
        headers: { label: 'Header', help: 'Zusätzliche Header (der API-Schlüssel wird automatisch ergänzt)' },
        body: { label: 'Body', help: 'JSON-Body (nicht bei GET)' },
      },
    },
  },
  fields: [
    { name: 'method', label: 'Method', type: 'options', required: true, default: 'GET', description: 'The HTTP method', options: METHODS.map((m) => ({ name: m, value: m })) },
    { name: 'path', label: 'Path', type: 'string', required: true, description: 'Path relative to the base URL, e.g. /v1/offers', placeholder: '/v1/offers' },
    { name: 'query', label: 'Query Parameters', type: 'keyValue', required: false, description: 'Query parameters to add to the URL' },
    { name: 'headers', label: 'Headers', type: 'keyValue', required: false, description: 'Extra request headers (the API key is added automatically)', advanced: true },
    { name: 'body', label: 'Body', type: 'json', required: false, description: 'JSON body (not for GET)' },
  ],
  schema: z
    .strictObject({ method: method.default('GET'), path, query: query.optional(), headers: headers.optional(), body: body.optional() })
    .superRefine((input, ctx) => {
      if (input.method === 'GET' && input.body !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['body'], message: 'cannot be sent with GET; choose POST, PUT, PATCH or DELETE, or leave the body empty' });
      }
    }),
  request: (input, target) => {
    let relative = input.path;
    if (/^[a-z][a-z0-9+.-]*:/i.test(relative) || relative.startsWith('//') || relative.startsWith('/\\') || relative.startsWith('\\')) {
      // An absolute URL is only accepted on the configured base URL; anything else would send the key away.
      const base = target.baseUrl.replace(/\/+$/, '');
      if (!relative.toLowerCase().startsWith(`${base.toLowerCase()}/`)) {
        throw new ValidationError(
          [{ field: 'path', message: `points outside the configured base URL ${base}; give a path such as /v1/offers (the API key is only ever sent to ${base})` }],
          { actionId: 'apiCall', actionLabel: 'Make an API Call' },
        );
      }
      relative = relative.slice(base.length);
    }
    if (!relative.startsWith('/')) relative = `/${relative}`;
    const [pathname, search = ''] = relative.split('#')[0].split('?');
    const fromPath = Object.fromEntries(new URLSearchParams(search));
    return {
      method: input.method,
      // Characters beyond ASCII go out percent-encoded as UTF-8, as URL parsers (and so n8n) send them.
      path: pathname.replace(/[^\u0020-\u007e]+/gu, (chars) => encodeURIComponent(chars)),
      query: { ...fromPath, ...input.query },
      headers: input.headers,
      body: input.body,
    };
  },
  normalize: (responseBody, _input, context) => ({ statusCode: context.status, headers: context.headers, body: responseBody }),
  destructive: false,
  // [D] The path is arbitrary and may be one of the limited endpoints, so every call takes the limited lane.
  rateLimited: true,
  // 429 is always retried (the request was refused); 5xx and network errors only for idempotent methods.
  safeToRetry: (input) => IDEMPOTENT.has(input.method),
});
