/**
 * The core's Transport on n8n's request helper (httpRequestWithAuthentication in n8n-core's ExecuteContext):
 * every HTTP status reaches the core, "no answer" becomes a TransportError, the key goes as X-API-KEY and
 * never into an error.
 */
import { TransportError } from '../../shared';
import { n8nTransport, toTransportError } from '../../nodes/Memberspot/transport';
import { subtitle } from '../../nodes/Memberspot/description';
import { API_KEY, rejectionOf, useSandbox } from '../helpers/sandbox';
import { headerValues, startServer, type TestServer } from '../helpers/httpServer';
import { makeWorkflow, memberspotExecuteContext, memberspotWorkflow, runWorkflow } from './helpers/engine';

const env = useSandbox();
beforeEach(() => {
  env.sandbox.reset();
  env.sandbox.clearLog();
});

const request = { method: 'GET' as const, path: '/v1/offers', headers: {}, timeoutMs: 5000 };

function transport(baseUrl = env.sandbox.url, apiKey = API_KEY) {
  return n8nTransport(memberspotExecuteContext({ apiKey, baseUrl }), () => baseUrl);
}

it('hands 2xx answers over with lower-case headers and the parsed body, the key sent by n8n', async () => {
  const response = await transport().request(request);
  expect(response.status).toBe(200);
  expect(Array.isArray(response.body)).toBe(true);
  expect(response.headers['content-type']).toMatch(/json/);
  expect(env.requests()).toEqual([expect.objectContaining({ auth: 'valid' })]);
});

it('hands every error status over instead of throwing (the core retries and words the error)', async () => {
  env.sandbox.script({ status: 503 }, { status: 429, retryAfter: '1' });
  expect((await transport().request(request)).status).toBe(503);
  const limited = await transport().request(request);
  expect(limited.status).toBe(429);
  expect(limited.headers['retry-after']).toBe('1');
  expect((await transport(env.sandbox.url, 'wrong-key-123456').request(request)).status).toBe(401);
});

it('sends JSON bodies (also with DELETE)', async () => {
  const response = await transport().request({ ...request, method: 'DELETE', path: '/v1/users/delete-users', body: { emails: ['tom.weber@example.com'] } });
  expect(response.status).toBeLessThan(300);
  expect(env.requests()[0]).toMatchObject({ method: 'DELETE', body: { emails: ['tom.weber@example.com'] } });
  expect(env.sandbox.state.userByEmail('tom.weber@example.com')).toBeUndefined();
});

it('turns a refused connection into a network TransportError without the key', async () => {
  const error = await rejectionOf(transport('http://127.0.0.1:9').request(request));
  expect(error).toBeInstanceOf(TransportError);
  expect(error).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
  expect(JSON.stringify(error) + error.message + String(error.stack)).not.toContain(API_KEY);
});

it('turns no answer in time into a timeout TransportError', async () => {
  env.sandbox.script({ delayMs: 2000 });
  const error = await rejectionOf(transport().request({ ...request, timeoutMs: 200 }));
  expect(error).toBeInstanceOf(TransportError);
  expect(error).toMatchObject({ kind: 'timeout' });
});

it('recognises network errors wrapped the way n8n wraps them, and nothing else', () => {
  const wrapped = Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' }) });
  expect(toTransportError(wrapped)).toMatchObject({ kind: 'network', code: 'ECONNRESET' });
  expect(toTransportError(Object.assign(new Error('timeout of 200ms exceeded'), { code: 'ECONNABORTED' }))).toMatchObject({ kind: 'timeout' });
  expect(toTransportError(new Error('Node does not have any credentials set'))).toBeUndefined();
});

it('shows the action label as the node subtitle', () => {
  const { workflow } = makeWorkflow(memberspotWorkflow({ resource: 'access', operation: 'grant' }));
  const node = workflow.getNode('Memberspot');
  expect(workflow.expression.getSimpleParameterValue(node!, subtitle, 'internal', {})).toBe('Grant Access');
});

it('gives up on an answer after the credential’s Timeout (s) and retries the call, through the engine', async () => {
  // The first answer would take a minute: longer than the core's 30 s default and than this test's
  // time-out, so the item only succeeds in time if 0.25 s from the credential reaches every request.
  env.sandbox.script({ delayMs: 60_000 });
  const workflow = memberspotWorkflow({ resource: 'user', operation: 'findByEmail', email: 'anna.schmidt@example.com' });
  const result = await runWorkflow(workflow, { apiKey: API_KEY, baseUrl: env.sandbox.url, timeout: 0.25 });
  expect(result.error).toBeUndefined();
  expect(result.output('Memberspot').map((i) => i.json)).toEqual([expect.objectContaining({ email: 'anna.schmidt@example.com' })]);
  // Only the retry has been answered; the first request is still waiting at the sandbox.
  expect(env.requests()).toEqual([expect.objectContaining({ path: '/v1/users/find-by-mail/anna.schmidt%40example.com', status: 200 })]);
});

describe('headers a caller sets (Make an API Call)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  afterAll(() => server.close());

  it('a Content-Type or Accept in any case replaces ours instead of adding a second one', async () => {
    const t = n8nTransport(memberspotExecuteContext({ apiKey: API_KEY, baseUrl: server.url }), () => server.url);
    await t.request({ ...request, method: 'POST', body: { a: 1 }, headers: { 'content-type': 'application/json; charset=utf-8', accept: 'text/plain' } });
    const seen = server.requests.at(-1)!;
    expect(headerValues(seen.rawHeaders, 'content-type')).toEqual(['application/json; charset=utf-8']);
    expect(headerValues(seen.rawHeaders, 'accept')).toEqual(['text/plain']);
  });
});

it('treats the errors Node.js raises for characters it cannot send as permanent, not as network trouble', () => {
  for (const code of ['ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN', 'ERR_UNESCAPED_CHARACTERS', 'UND_ERR_INVALID_ARG']) {
    expect(toTransportError(Object.assign(new Error('bad'), { code }))).toMatchObject({ kind: 'invalid', code });
  }
  expect(toTransportError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toMatchObject({ kind: 'network' });
});
