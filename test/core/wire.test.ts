/**
 * What reaches the wire (10.13, 13.7): input undici would refuse is refused or encoded up front and never
 * retried, the caller's Content-Type replaces ours, bad client options name the option and leak nothing,
 * and the messages and page sizes that reach Memberspot are the intended ones.
 */
import { inspect } from 'node:util';
import {
  AuthenticationError,
  createClient,
  NotFoundError,
  TransportError,
  UndiciTransport,
  ValidationError,
  type ClientOptions,
  type MemberspotClient,
  type TransportRequest,
} from '../../shared';
import { eventually, headerValues, startServer, type TestServer } from '../helpers/httpServer';
import { API_KEY, rejectionOf, useSandbox } from '../helpers/sandbox';

const env = useSandbox();
let server: TestServer;
const clients: MemberspotClient[] = [];

beforeAll(async () => {
  server = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
afterAll(() => server.close());
beforeEach(() => {
  env.sandbox.reset();
  server.requests.length = 0;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function serverClient(overrides: Partial<ClientOptions> = {}): MemberspotClient {
  const client = createClient({ apiKey: API_KEY, baseUrl: server.url, baseDelayMs: 1, maxDelayMs: 5, ...overrides });
  clients.push(client);
  return client;
}

function constructionError(options: Partial<ClientOptions>): unknown {
  try {
    serverClient(options);
  } catch (error) {
    return error;
  }
  throw new Error(`createClient accepted ${inspect(options)}`);
}

describe('characters undici cannot send (10.13)', () => {
  it('sends a path with characters beyond ASCII percent-encoded as UTF-8, once', async () => {
    const error = await rejectionOf(env.client().execute('apiCall', { path: '/v1/users/find-by-mail/jürgen€@example.de' }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(env.requests().map((r) => r.path)).toEqual(['/v1/users/find-by-mail/j%C3%BCrgen%E2%82%AC@example.de']);
  });

  it.each([
    ['a line break', `${API_KEY}\nX-Evil: 1`],
    ['a control character', `${API_KEY}\u0007`],
    ['a space inside', `${API_KEY.slice(0, 8)} ${API_KEY.slice(8)}`],
    ['a character beyond Latin-1', `${API_KEY}€`],
  ])('refuses an API key with %s, naming apiKey and never showing it', (_name, apiKey) => {
    const error = constructionError({ apiKey }) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fields).toEqual(['apiKey']);
    expect([error.message, error.hint, JSON.stringify(error)].join('\n')).not.toContain(API_KEY.slice(0, 8));
  });

  it('treats an argument undici refuses as permanent: not retried, a clear error, nothing sent', async () => {
    const undici = new UndiciTransport({ baseUrl: server.url, apiKey: API_KEY });
    try {
      const bad: TransportRequest = { method: 'GET', path: '/v1/offers', headers: { 'x-note': 'a\u0100b' }, timeoutMs: 5000 };
      const direct = await rejectionOf(undici.request(bad));
      expect(direct).toBeInstanceOf(TransportError);
      expect(direct.kind).toBe('invalid');

      const retries: unknown[] = [];
      // The real undici transport, handed a header that no validation would let through.
      const transport = { request: (r: TransportRequest) => undici.request({ ...r, headers: { ...r.headers, 'x-note': 'a\u0100b' } }) };
      const error = await rejectionOf(serverClient({ transport, onRetry: (e) => retries.push(e) }).execute('listOffers'));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/could not be sent/);
      expect(error.message).not.toMatch(/Could not reach/);
      expect(retries).toEqual([]);
      expect(server.requests).toEqual([]);
    } finally {
      await undici.close();
    }
  });
});

describe('headers on the wire', () => {
  it("sends the caller's Content-Type instead of ours, once, whatever its case", async () => {
    const client = serverClient();
    await client.execute('apiCall', { method: 'PATCH', path: '/v1/x', headers: { 'content-TYPE': 'application/merge-patch+json' }, body: { a: 1 } });
    await client.execute('apiCall', { method: 'POST', path: '/v1/x', body: { a: 1 } });
    await client.execute('apiCall', { path: '/v1/x', headers: { Accept: 'text/csv' } });
    const [patch, post, get] = server.requests;
    expect(headerValues(patch.rawHeaders, 'content-type')).toEqual(['application/merge-patch+json']);
    expect(headerValues(post.rawHeaders, 'content-type')).toEqual(['application/json']);
    expect(headerValues(get.rawHeaders, 'accept')).toEqual(['text/csv']);
    for (const request of server.requests) expect(headerValues(request.rawHeaders, 'x-api-key')).toEqual([API_KEY]);
  });
});

describe('client options (10.13)', () => {
  it.each([
    ['timeoutMs', -1],
    ['timeoutMs', Number.NaN],
    ['timeoutMs', '30000'],
    ['connectTimeoutMs', 0],
    ['maxRetries', -1],
    ['baseDelayMs', Infinity],
    ['maxDelayMs', -5],
    ['maxRetryAfterMs', 'soon'],
    ['requestsPerSecond', 0],
    ['requestsPerSecond', 5000],
    ['redisUrl', 'http://127.0.0.1:6379'],
  ])('refuses %s = %p with a ValidationError naming it', (option, value) => {
    const error = constructionError({ [option]: value }) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fields).toEqual([option]);
    expect(error.hint).toMatch(/Nothing was sent/);
  });

  it('leaves no connection pool behind when a construction fails', async () => {
    for (let i = 0; i < 25; i += 1) {
      constructionError({ redisUrl: 'http://not-redis' });
      constructionError({ requestsPerSecond: -1 });
      constructionError({ timeoutMs: -1 });
    }
    const client = serverClient();
    await client.execute('listOffers');
    expect(server.openConnections()).toBe(1);
    await client.close();
    // The pool is shared per origin; it closes (and its keep-alive connection with it) only when no
    // transport uses it any more, which needs the failed constructions to have released theirs.
    expect(await eventually(() => server.openConnections() === 0)).toBe(true);
  });
});

describe('messages and page sizes (13.7)', () => {
  it("does not repeat the status text when NestJS's message is just that", async () => {
    env.sandbox.script({ status: 401, body: { statusCode: 401, message: 'Unauthorized' } });
    const error = await rejectionOf(env.client().execute('listOffers'));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain('401 Unauthorized');
    expect(error.message).not.toMatch(/Unauthorized: Unauthorized/i);

    env.sandbox.script({ status: 401, body: { statusCode: 401, message: 'Invalid API key' } });
    const said = await rejectionOf(env.client().execute('listOffers'));
    expect(said.message).toContain('401 Unauthorized: Invalid API key');
  });

  it('asks for pages of min(limit, page size) in listAll', async () => {
    const first = [];
    for await (const user of env.client().listAll({}, { limit: 5 })) first.push(user);
    expect(first).toHaveLength(5);
    expect(env.requests().map((r) => r.query.pageLength)).toEqual(['5']);

    env.sandbox.clearLog();
    const second = [];
    for await (const user of env.client().listAll({ pageLength: 2 }, { limit: 3 })) second.push(user);
    expect(second).toHaveLength(3);
    expect(env.requests().map((r) => r.query.pageLength)).toEqual(['2', '1']);
  });
});
