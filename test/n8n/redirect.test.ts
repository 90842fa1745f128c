/**
 * The API key never follows a redirect (issue 10.1): n8n's request helper follows 3xx answers and keeps
 * custom headers such as X-API-KEY on a host change. The credential's base URL here is a real server that
 * redirects to another real server (another origin) which records what it receives: it must receive
 * nothing, and the node must fail saying it was redirected. Through the real engine (n8n-core's
 * WorkflowExecute and its httpRequestWithAuthentication), also for the credential's Test button.
 */
import type { IDataObject } from 'n8n-workflow';
import { n8nTransport } from '../../nodes/Memberspot/transport';
import { API_KEY } from '../helpers/sandbox';
import { memberspotExecuteContext, memberspotWorkflow, runWorkflow, testCredential, type RunResult } from './helpers/engine';
import { startRedirectServers, type RedirectServers } from './helpers/redirect';

let servers: RedirectServers;
beforeAll(async () => {
  servers = await startRedirectServers();
});
afterAll(() => servers?.close());
beforeEach(() => {
  servers.received.length = 0;
  servers.front.length = 0;
});

function run(status: number, parameters: IDataObject): Promise<RunResult> {
  servers.status = status;
  return runWorkflow(memberspotWorkflow(parameters), { apiKey: API_KEY, baseUrl: servers.frontUrl });
}

/** The run failed with an error that speaks of the redirect, and nothing in the run holds the key. */
function expectRedirectFailure(result: RunResult, status: number) {
  expect(result.error).toBeDefined();
  const error = result.error as Error & { description?: string };
  expect(`${error.message} ${error.description ?? ''}`).toMatch(new RegExp(`${status}|redirect`, 'i'));
  expect(JSON.stringify(result.run)).not.toContain(API_KEY);
}

describe('the transport hands a 3xx to the core as an answer', () => {
  const request = { method: 'POST' as const, path: '/v1/users/delete-users', headers: {}, body: { emails: ['a@example.com'] }, timeoutMs: 5000 };

  it("through n8n's httpRequestWithAuthentication (the nodes): status and location, nothing sent to the target", async () => {
    servers.status = 307;
    const transport = n8nTransport(memberspotExecuteContext({ apiKey: API_KEY, baseUrl: servers.frontUrl }), () => servers.frontUrl);
    const response = await transport.request(request);
    expect(response).toMatchObject({ status: 307, headers: { location: `${servers.otherUrl}/v1/users/delete-users` } });
    expect(servers.front).toEqual([expect.objectContaining({ method: 'POST', headers: expect.objectContaining({ 'x-api-key': API_KEY }) })]);
    expect(servers.received).toEqual([]);
  });
});

describe('a redirect from the base URL to another host', () => {
  it.each([301, 302, 303, 307, 308])('Make an API Call GET answered %i: the node fails and the other host receives nothing', async (status) => {
    const result = await run(status, { resource: 'apiCall', operation: 'call', method: 'GET', path: '/v1/offers' });
    expectRedirectFailure(result, status);
    expect(servers.front).toEqual([expect.objectContaining({ method: 'GET', path: '/v1/offers' })]);
    expect(servers.received).toEqual([]);
  });

  it('Make an API Call POST answered 307: the body and the key are not re-sent to the other host', async () => {
    const result = await run(307, { resource: 'apiCall', operation: 'call', method: 'POST', path: '/v1/users/delete-users', body: '{"emails":["tom.weber@example.com"]}' });
    expectRedirectFailure(result, 307);
    expect(servers.front).toEqual([expect.objectContaining({ method: 'POST', body: '{"emails":["tom.weber@example.com"]}' })]);
    expect(servers.received).toEqual([]);
  });

  it('an ordinary action (Exam → Get Exam Results) answered 302: the node fails and the other host receives nothing', async () => {
    const result = await run(302, { resource: 'exam', operation: 'getResults', examId: 'exam_1' });
    expectRedirectFailure(result, 302);
    expect(servers.front).toEqual([expect.objectContaining({ method: 'GET', path: '/v1/exams/exam_1/results' })]);
    expect(servers.received).toEqual([]);
  });

  it("the credential's Test button does not follow it either, and says so", async () => {
    servers.status = 302;
    const result = await testCredential({ apiKey: API_KEY, baseUrl: servers.frontUrl });
    expect(result.status).toBe('Error');
    expect(result.message).toMatch(/302|redirect/i);
    expect(result.message).not.toContain(API_KEY);
    expect(servers.front).toHaveLength(1);
    expect(servers.received).toEqual([]);
  });
});
