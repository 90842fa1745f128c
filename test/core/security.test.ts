/**
 * Path encoding, the origin check of Make an API Call, and the API key kept out of every error.
 */
import { inspect } from 'node:util';
import {
  actions,
  ApiError,
  AuthenticationError,
  ClientClosedError,
  createClient,
  MemberspotError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  Redactor,
  TimeoutError,
  ValidationError,
} from '../../shared';
import { segment } from '../../shared/actions/define';
import { API_KEY, rejectionOf, useSandbox } from '../helpers/sandbox';

const env = useSandbox();

beforeEach(() => env.sandbox.reset());

/** Every string an error can show: message, stack, hint, JSON, inspect output, cause. */
function everyString(error: unknown): string {
  const e = error as Error & { cause?: unknown; hint?: string };
  return [e.message, e.stack, e.hint, JSON.stringify(e), inspect(e, { depth: 10, showHidden: true }), String(e), e.cause ? everyString(e.cause) : ''].join('\n');
}

describe('path parameters', () => {
  it.each(['a/b@example.com', 'a?b@example.com', 'a#b@example.com', "o'brien+tag@example.com"])('%s travels as one segment', async (email) => {
    const client = env.client();
    await client.execute('grantAccess', { email, accessId: 'off_basic' });
    const user = await client.execute('findUserByEmail', { email });
    expect(user.email).toBe(email);
    const request = env.requests().at(-1)!;
    expect(request.path).toBe(`/v1/users/find-by-mail/${encodeURIComponent(email)}`);
    expect(request.path.split('/')).toHaveLength(5);
  });

  it('encodes dot segments and slashes in every path-building action', () => {
    const target = { baseUrl: 'https://api.memberspot.de' };
    // Built directly, bypassing validation, to show the encoding alone keeps them in one segment.
    expect(actions.findUserByEmail.request({ email: '../../offers' }, target).path).toBe('/v1/users/find-by-mail/..%2F..%2Foffers');
    expect(actions.getLoginToken.request({ uid: 'a/b' }, target).path).toBe('/v1/users/login-token/a%2Fb');
    expect(actions.getCourseProgress.request({ courseId: 'c?x', email: 'e#f' }, target).path).toBe('/v1/users/course-progress/c%3Fx/e%23f');
    expect(actions.getExamResults.request({ examId: 'x/y' }, target).path).toBe('/v1/exams/x%2Fy/results');
    expect(actions.listCourseProgress.request({ email: 'a/b@c.de' }, target).path).toBe('/v1/users/course-progress/list/a%2Fb%40c.de');
  });
});

describe('Make an API Call stays on the base URL', () => {
  it.each([
    'https://evil.example.com/v1/offers',
    'http://127.0.0.1:1/v1/offers',
    '//evil.example.com/v1/offers',
    '\\\\evil.example.com/v1/offers',
    'javascript:alert(1)',
  ])('refuses %s before sending', async (path) => {
    env.sandbox.clearLog();
    const error = await rejectionOf(env.client().execute('apiCall', { path }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('path');
    expect(env.requests()).toEqual([]);
  });

  it('refuses the base URL as a prefix of another host', async () => {
    const error = await rejectionOf(env.client().execute('apiCall', { path: `${env.sandbox.url}.evil.example.com/v1/offers` }));
    expect(error).toBeInstanceOf(ValidationError);
  });
});

describe('the API key never shows', () => {
  it('is redacted from a 401 error, its JSON and inspect output', async () => {
    const error = await rejectionOf(env.client({ apiKey: `${API_KEY}-wrong` }).execute('listOffers'));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(/401/);
    expect(everyString(error)).not.toContain(API_KEY);
  });

  it('is redacted when it ends up in a path, a query or a message', async () => {
    const client = env.client();
    const notFound = await rejectionOf(client.execute('apiCall', { path: `/v1/nothing/${API_KEY}`, query: { k: API_KEY } }));
    expect(notFound).toBeInstanceOf(NotFoundError);
    const validation = await rejectionOf(client.execute('grantAccess', { email: `${API_KEY}`, accessId: API_KEY }));
    expect(validation).toBeInstanceOf(ValidationError);
    const invalidBase = (() => {
      try {
        env.client({ baseUrl: `not a url ${API_KEY}` });
      } catch (error) {
        return error;
      }
    })();
    for (const error of [notFound, validation, invalidBase]) {
      expect(error).toBeInstanceOf(MemberspotError);
      expect(everyString(error)).not.toContain(API_KEY);
    }
    expect(env.sandbox.requests.every((r) => !JSON.stringify(r).includes(API_KEY))).toBe(true);
  });

  it('is scrubbed from the message, hint, issues and cause of every error type', () => {
    const redactor = new Redactor([API_KEY]);
    const cause = Object.assign(new Error(`socket hang up, header x-api-key: ${API_KEY}`), {
      code: 'ECONNRESET',
      options: { headers: { 'X-API-KEY': API_KEY } },
    });
    const text = `key ${API_KEY} and ${encodeURIComponent(API_KEY)}`;
    const errors: MemberspotError[] = [
      new ValidationError([{ field: 'path', message: text }]),
      new AuthenticationError(text, { hint: text, cause }),
      new NotFoundError(text, { cause }),
      new RateLimitError(text, { hint: text }),
      new ApiError(text, { apiMessage: text, cause }),
      new NetworkError(text, { cause }),
      new TimeoutError(text, { cause }),
      new ClientClosedError({ hint: text }),
      new MemberspotError('API_ERROR', text, { cause: text }),
    ];
    for (const error of errors) {
      expect(everyString(error)).toContain(API_KEY);
      expect(everyString(redactor.error(error))).not.toContain(API_KEY);
      expect(everyString(error)).toContain('[redacted]');
    }
    // The cause keeps its message and code, but not the request options that held the header.
    const redactedCause = (errors[1] as { cause?: unknown }).cause as Error & Record<string, unknown>;
    expect(redactedCause.code).toBe('ECONNRESET');
    expect(redactedCause.options).toBeUndefined();
  });

  it('does not show in an inspected client or transport', () => {
    const client = env.client();
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(API_KEY);
  });
});

describe('encoded dot segments never leave the base path (10.2)', () => {
  it.each([
    '/%2e%2e/%2E%2E/other-service/x',
    '/v1/%2e%2e/%2e%2e/other-service/x',
    '/v1/.%2E/.%2e/other-service/x',
    '/v1/%2E./x',
    '/v1/..%2f..%2fother-service',
    '/v1/..%5c..%5cother-service',
    '/v1/%252e%252e/%252e%252e/other-service',
    '/v1/%25252e%25252e/x',
    '%2e%2e/other-service/x',
  ])('refuses %s with a base URL that has a path', async (path) => {
    env.sandbox.clearLog();
    const client = env.client({ baseUrl: `${env.sandbox.url}/api/memberspot` });
    const error = await rejectionOf(client.execute('apiCall', { path }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as unknown as ValidationError).fields).toEqual(['path']);
    expect(env.sandbox.requests).toEqual([]);
  });

  it('still sends encoded characters that are no dot segment', async () => {
    env.sandbox.clearLog();
    await rejectionOf(env.client().execute('apiCall', { path: '/v1/users/find-by-mail/a%2Eb%40example.com' }));
    expect(env.requests().map((r) => r.path)).toEqual(['/v1/users/find-by-mail/a%2Eb%40example.com']);
  });

  it.each(['%2e%2e', '%2E.', '%252e%252e', 'a%2fb', 'a%5Cb'])('refuses the id %s, which decodes to a dot segment or a slash', async (uid) => {
    env.sandbox.clearLog();
    const error = await rejectionOf(env.client().execute('getLoginToken', { uid }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as unknown as ValidationError).fields).toEqual(['uid']);
    expect(env.sandbox.requests).toEqual([]);
  });

  it('segment() refuses a dot segment itself, whatever validation let through', () => {
    expect(() => segment('..')).toThrow(ValidationError);
    expect(() => segment('.')).toThrow(ValidationError);
    expect(() => segment('')).toThrow(ValidationError);
    expect(segment('a.b')).toBe('a.b');
    expect(segment('%2e%2e')).toBe('%252e%252e');
  });
});

describe('http:// only for loopback (10.3)', () => {
  it.each(['http://api.memberspot.de', 'http://proxy.example/api/memberspot', 'http://localhost.evil.example', 'http://127.0.0.1.nip.io', 'http://10.0.0.5:8080', 'http://[::2]'])(
    'refuses %s',
    (baseUrl) => {
      const error = (() => {
        try {
          createClient({ apiKey: API_KEY, baseUrl });
        } catch (e) {
          return e as ValidationError;
        }
        throw new Error('accepted');
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.fields).toEqual(['baseUrl']);
      expect(error.message).toMatch(/https:\/\//);
      expect(error.message).toMatch(/127\.0\.0\.1|localhost/);
    },
  );

  it.each(['http://127.0.0.1:4010', 'http://127.8.9.10', 'http://localhost:4010/api', 'http://[::1]:4010', 'HTTP://LOCALHOST', 'https://proxy.example/api/memberspot'])('accepts %s', async (baseUrl) => {
    const client = createClient({ apiKey: API_KEY, baseUrl });
    await client.close();
    expect(client.baseUrl.toLowerCase()).toBe(baseUrl.toLowerCase().replace(/\/$/, ''));
  });
});
