/**
 * The editor's offer and custom property lists: admin endpoints that use the deployed account's key on the
 * server. They answer the lists, say when the account is not deployed, never pass the key on, and refuse
 * users without the memberspot.read permission (with Node-RED's real adminAuth).
 */
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { configFor, configNode, credentials, helper, load, useNodeRed } from './helpers';

const env = useSandbox();
useNodeRed();

const flow = () => [configFor(env.sandbox.url)];

it('lists the sandbox offers by name, with their ids, and the custom properties', async () => {
  await load(flow(), credentials, [configNode]);
  const offers = await helper.request().get('/memberspot/cfg/offers').expect(200);
  expect(offers.body).toEqual(
    expect.arrayContaining([
      { name: 'Online-Kurs Basis', value: 'off_basic' },
      { name: 'Premium-Mitgliedschaft', value: 'off_premium' },
      { name: 'Coaching-Paket', value: 'off_coaching' },
    ]),
  );
  const names = offers.body.map((o: { name: string }) => o.name);
  expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b)));
  const properties = await helper.request().get('/memberspot/cfg/custom-properties').expect(200);
  expect(properties.body).toEqual(expect.arrayContaining([{ name: 'Telefon', value: 'cp_phone' }]));
  expect(JSON.stringify([offers.headers, offers.body, properties.body])).not.toContain(API_KEY);
});

it('says when the account is not deployed', async () => {
  await load(flow(), credentials, [configNode]);
  const response = await helper.request().get('/memberspot/not-deployed/offers').expect(404);
  expect(response.body).toMatchObject({ error: 'not-deployed', message: expect.stringMatching(/Deploy/) });
});

it('passes Memberspot errors on with what to do, without the key', async () => {
  await load(flow(), { cfg: { apiKey: `${API_KEY}-wrong` } }, [configNode]);
  const response = await helper.request().get('/memberspot/cfg/offers').expect(502);
  expect(response.body).toMatchObject({ error: 'AUTHENTICATION', hint: expect.stringMatching(/API key/) });
  expect(JSON.stringify(response.body)).not.toContain(API_KEY);
});

describe('a slow list request', () => {
  afterEach(() => env.sandbox.setFaults(null));

  /** The picker's answer, or 'no answer' when none came within `ms` (a hang, not a measurement). */
  function answerWithin(request: PromiseLike<{ status: number; body: unknown }>, ms: number) {
    return Promise.race([
      Promise.resolve(request).then((r) => ({ status: r.status, body: r.body as Record<string, unknown> })),
      new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms).unref()),
    ]);
  }

  it('is cancelled when the account closes (a redeploy does not wait for it); the editor gets an error', async () => {
    await load(flow(), credentials, [configNode]);
    env.sandbox.setFaults({ latencyMs: 12_000 });
    const request = helper.request().get('/memberspot/cfg/offers').then((r: { status: number; body: unknown }) => r);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The redeploy (closing the account) and the editor's answer both finish, long before the 12 s answer.
    const closed = helper.clearFlows().then(() => request);
    const answer = await answerWithin(closed, 8_000);
    expect(answer).toMatchObject({ status: 502, body: { error: expect.stringMatching(/CLIENT_CLOSED|ABORTED|CANCELLED/) } });
  });

  it("gives up after the account's timeout, without retrying for minutes", async () => {
    await load([configFor(env.sandbox.url, { timeout: 1 })], credentials, [configNode]);
    env.sandbox.setFaults({ latencyMs: 4_000 });
    const answer = await answerWithin(helper.request().get('/memberspot/cfg/offers'), 8_000);
    expect(answer).toMatchObject({ status: 502, body: { error: 'TIMEOUT', message: expect.any(String) } });
  });
});

describe('with adminAuth', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const auth = require('@node-red/editor-api/lib/auth');
  const users: Record<string, { username: string; permissions: string | string[] }> = {
    'token-reader': { username: 'reader', permissions: 'read' },
    'token-admin': { username: 'admin', permissions: '*' },
    'token-flows': { username: 'flows', permissions: ['flows.read'] },
  };
  // After the helper's RED.init (in beforeEach), which initialises auth without adminAuth.
  beforeEach(() => {
    auth.init(
      {
        adminAuth: {
          type: 'credentials',
          users: [],
          tokens: (token: string) => Promise.resolve(users[token] ?? null),
          tokenHeader: 'x-test-token',
        },
      },
      { getSessions: () => Promise.resolve({}), saveSessions: () => Promise.resolve() },
    );
  });

  /** The config node module as Node-RED loads it when adminAuth is on: RED.auth is the real editor-api auth. */
  function withRealAuth(RED: { auth: unknown }) {
    RED.auth = auth;
    return configNode(RED);
  }

  it('refuses anonymous requests and users without memberspot.read; allows read and admin users', async () => {
    await load(flow(), credentials, [withRealAuth]);
    env.sandbox.clearLog();
    await helper.request().get('/memberspot/cfg/offers').expect(401);
    await helper.request().get('/memberspot/cfg/offers').set('x-test-token', 'token-flows').expect(401);
    await helper.request().get('/memberspot/cfg/offers').set('x-test-token', 'wrong').expect(401);
    await helper.request().get('/memberspot/cfg/custom-properties').expect(401);
    // Refused requests never reached Memberspot.
    expect(env.requests()).toHaveLength(0);
    const read = await helper.request().get('/memberspot/cfg/offers').set('x-test-token', 'token-reader').expect(200);
    expect(read.body.length).toBeGreaterThanOrEqual(3);
    await helper.request().get('/memberspot/cfg/offers').set('x-test-token', 'token-admin').expect(200);
  });
});
