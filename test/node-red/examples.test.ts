/**
 * The example flows in examples/: each is a JSON array with a Comment node, uses only core nodes and ours,
 * loads into the real runtime, and does what its comment says against the sandbox.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { actionNode, catchNode, configNode, helper, nodeRedRequire, useNodeRed, webhookNode, type FlowNode } from './helpers';

const core = [
  nodeRedRequire('@node-red/nodes/core/network/21-httpin.js'),
  nodeRedRequire('@node-red/nodes/core/function/15-change.js'),
  nodeRedRequire('@node-red/nodes/core/function/10-switch.js'),
  nodeRedRequire('@node-red/nodes/core/common/20-inject.js'),
  nodeRedRequire('@node-red/nodes/core/common/21-debug.js'),
  nodeRedRequire('@node-red/nodes/core/common/90-comment.js'),
];

const env = useSandbox();
useNodeRed();
beforeEach(() => env.sandbox.reset());

const DIR = path.resolve(__dirname, '..', '..', 'examples');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));
const CORE_TYPES = new Set(['comment', 'http in', 'http response', 'change', 'inject', 'debug', 'catch', 'switch', 'function']);
const OUR_TYPES = new Set(['memberspot', 'memberspot-config', 'memberspot-webhook', 'memberspot-shop', 'memberspot-shop-config', 'memberspot-poll']);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pollNode = require(path.resolve(__dirname, '..', '..', 'dist', 'node-red', 'memberspot-poll.js'));

function example(file: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
}

let nodeApp: ((req: unknown, res: unknown, next: () => void) => void) | undefined;
const serveHttpNode = (RED: { httpNode: typeof nodeApp }) => {
  nodeApp = RED.httpNode;
};

/** Loads an example into a tab, pointed at the sandbox, with the key as a credential; serves RED.httpNode. */
async function loadExample(file: string, change: (n: FlowNode) => FlowNode = (n) => n) {
  nodeApp = undefined;
  helper._app.use((req: unknown, res: unknown, next: () => void) => (nodeApp ? nodeApp(req, res, next) : next()));
  const nodes = example(file)
    .map(change)
    .map((n) => (n.type === 'memberspot-config' ? { ...n, baseUrl: env.sandbox.url } : { ...n, z: 'f1' }));
  const config = nodes.find((n) => n.type === 'memberspot-config') as FlowNode;
  await helper.load(
    [serveHttpNode, ...core, catchNode, configNode, actionNode, webhookNode, pollNode],
    [{ id: 'f1', type: 'tab', label: file }, ...nodes],
    { [config.id]: { apiKey: API_KEY } },
  );
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${helper.url()}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

it('has the popular automations: shop notifications to access, CRM data, GDPR deletion, a webhook flow and a poll flow', () => {
  // The shop flow (tested in shop.test.ts) replaced the plain-webhook grant, revoke, delete and order-status flows.
  expect(files.sort()).toEqual(['crm-data-to-profile.json', 'gdpr-deletion.json', 'poll-new-members.json', 'shop-to-memberspot.json', 'webhook-new-member.json']);
});

it.each(files)('%s is an array with a Comment node, only core and Memberspot nodes, and no key', (file) => {
  const nodes = example(file);
  expect(Array.isArray(nodes)).toBe(true);
  expect(nodes.filter((n) => n.type === 'comment')).toHaveLength(1);
  for (const n of nodes) expect(CORE_TYPES.has(n.type) || OUR_TYPES.has(n.type)).toBe(true);
  expect(nodes.some((n) => n.type === 'memberspot' || n.type === 'memberspot-webhook' || n.type === 'memberspot-poll')).toBe(true);
  const text = JSON.stringify(nodes);
  expect(text).not.toMatch(/apiKey|credentials/);
});

describe('CRM data to profile: only a caller with the secret header, answered with a fixed body', () => {
  const SECRET = 'crm-test-secret-3b9f';
  const contact = { email: 'anna.schmidt@example.com', phone: '+49 30 5555', company: 'Yoga GmbH' };
  const saved = process.env.CRM_WEBHOOK_SECRET;
  beforeEach(() => {
    process.env.CRM_WEBHOOK_SECRET = SECRET;
    env.sandbox.clearLog();
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.CRM_WEBHOOK_SECRET;
    else process.env.CRM_WEBHOOK_SECRET = saved;
  });

  it('the flow holds no secret', () => {
    expect(JSON.stringify(example('crm-data-to-profile.json'))).not.toContain(SECRET);
  });

  it('with the right X-CRM-Secret it sets the custom properties and answers OK, not Memberspot\'s answer', async () => {
    await loadExample('crm-data-to-profile.json');
    const response = await post('/crm/contact', contact, { 'X-CRM-Secret': SECRET });
    expect(response).toEqual({ status: 200, text: 'OK' });
    expect(env.sandbox.state.userByEmail('anna.schmidt@example.com')?.customProperties).toMatchObject({
      cp_phone: '+49 30 5555',
      cp_company: 'Yoga GmbH',
      cp_source: 'CRM',
    });
  });

  it.each([
    ['no header', {}],
    ['a wrong header', { 'X-CRM-Secret': 'guessed' }],
    ['an empty header', { 'X-CRM-Secret': '' }],
    ['the secret in another header', { 'X-Secret': SECRET }],
  ])('with %s it answers 401 and calls nothing', async (_what, headers) => {
    await loadExample('crm-data-to-profile.json');
    const before = structuredClone(env.sandbox.state.userByEmail('anna.schmidt@example.com')?.customProperties);
    expect(await post('/crm/contact', contact, headers)).toEqual({ status: 401, text: 'Unauthorized' });
    expect(env.requests()).toEqual([]);
    expect(env.sandbox.state.userByEmail('anna.schmidt@example.com')?.customProperties).toEqual(before);
  });

  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['blank', '  '],
  ])('with CRM_WEBHOOK_SECRET %s it refuses every caller with 401', async (_what, value) => {
    if (value === undefined) delete process.env.CRM_WEBHOOK_SECRET;
    else process.env.CRM_WEBHOOK_SECRET = value;
    await loadExample('crm-data-to-profile.json');
    for (const header of ['', '  ', SECRET, 'undefined']) {
      expect(await post('/crm/contact', contact, { 'X-CRM-Secret': header })).toEqual({ status: 401, text: 'Unauthorized' });
    }
    expect(await post('/crm/contact', contact)).toEqual({ status: 401, text: 'Unauthorized' });
    expect(env.requests()).toEqual([]);
  });

  it('when Memberspot refuses, the caller gets 500 with a fixed body (so it retries)', async () => {
    await loadExample('crm-data-to-profile.json');
    const response = await post('/crm/contact', { ...contact, email: 'not-an-email' }, { 'X-CRM-Secret': SECRET });
    expect(response).toEqual({ status: 500, text: 'Error' });
  });
});

it('GDPR deletion has no caller to check: it starts only from its inject node (no http in, no webhook node)', () => {
  const types = example('gdpr-deletion.json').map((n) => n.type);
  expect(types).toContain('inject');
  expect(types.filter((t) => t === 'http in' || t.startsWith('memberspot-webhook') || t.startsWith('memberspot-shop'))).toEqual([]);
});

it('GDPR deletion deletes the users from the inject node', async () => {
  const file = 'gdpr-deletion.json';
  // The inject node's list is a placeholder: put in a seeded user, as for a real GDPR request.
  await loadExample(file, (n) => (n.type === 'inject' ? { ...n, props: [{ p: 'emails', v: '["max.mueller@example.com"]', vt: 'json' }] } : n));
  const inject = example(file).find((n) => n.type === 'inject') as FlowNode;
  const debug = example(file).find((n) => n.type === 'debug' && n.name === 'deleted') as FlowNode;
  const done = new Promise((resolve) => helper.getNode(debug.id).on('input', resolve));
  helper.getNode(inject.id).receive({});
  await done;
  expect(env.sandbox.state.userByEmail('max.mueller@example.com')).toBeUndefined();
});

it('the webhook flow looks up the new member', async () => {
  const file = 'webhook-new-member.json';
  await loadExample(file);
  const debug = example(file).find((n) => n.type === 'debug' && n.name === 'member') as FlowNode;
  const arrived = new Promise<Record<string, unknown>>((resolve) => helper.getNode(debug.id).on('input', resolve));
  expect((await post('/memberspot', { event: 'auth_test' })).status).toBe(200);
  expect((await post('/memberspot', { event: 'user.created', email: 'anna.schmidt@example.com' })).status).toBe(200);
  const msg = await arrived;
  expect(msg.payload).toMatchObject({ email: 'anna.schmidt@example.com' });
  expect(msg.topic).toBe('user.created');
});

it('the poll flow: a baseline at deploy, then one message per new member and per ended access when "Poll now" is pressed', async () => {
  const file = 'poll-new-members.json';
  await loadExample(file);
  const nodes = example(file);
  const id = (type: string, name: string) => (nodes.find((n) => n.type === type && n.name === name) as FlowNode).id;
  const newMembers: Array<Record<string, unknown>> = [];
  const ended: Array<Record<string, unknown>> = [];
  helper.getNode(id('debug', 'new member')).on('input', (msg: Record<string, unknown>) => newMembers.push(msg));
  helper.getNode(id('debug', 'access ended')).on('input', (msg: Record<string, unknown>) => ended.push(msg));
  const waitFor = async (check: () => boolean) => {
    for (let i = 0; !check(); i += 1) {
      if (i > 400) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  // The deploy's polls (the baseline) ended when both nodes show green (the helper spies on node.status).
  const polled = (name: string) => (helper.getNode(id('memberspot-poll', name)).status.args as Array<[{ fill?: string }]>).some(([s]) => s.fill === 'green');
  await waitFor(() => polled('New Member') && polled('Access Ended'));
  // Then a new member and a revoked off_basic holder.
  env.sandbox.state.addUser({ email: 'neu@example.com', firstname: 'Neu', name: 'Mitglied' });
  const holder = env.sandbox.state.users.find((u) => u.offers.some((g) => g.offerId === 'off_basic' && g.active));
  if (!holder) throw new Error('the seed has no off_basic holder');
  (holder.offers.find((g) => g.offerId === 'off_basic') as { active: boolean }).active = false;
  helper.getNode(id('inject', 'Poll now')).receive({});
  await waitFor(() => newMembers.length === 1 && ended.length === 1);
  expect(newMembers[0]).toMatchObject({ topic: 'newMember', payload: { email: 'neu@example.com', firstName: 'Neu' } });
  expect(ended[0]).toMatchObject({ topic: 'accessEnded', payload: { email: holder.email, accessId: 'off_basic' } });
});
