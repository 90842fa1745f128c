/**
 * Converted Node-RED flows in the real Node-RED runtime (node-red-node-test-helper with the core nodes and
 * our built nodes), against the sandbox over real HTTP: a shop's POST to the converted webhook grants with
 * the mapped email, names, offer and order id and gets the scenario's response; the router of the
 * sync-order-status blueprint sends a refund only to Revoke Order Access and a chargeback only to Delete Access.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBlueprint } from '../../migrate/blueprint';
import { convert, type NodeRedNode } from '../../migrate/convert';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { actionNode, configNode, helper, nodeRedRequire, useNodeRed } from '../node-red/helpers';

const core = [
  nodeRedRequire('@node-red/nodes/core/network/21-httpin.js'),
  nodeRedRequire('@node-red/nodes/core/function/15-change.js'),
  nodeRedRequire('@node-red/nodes/core/function/10-switch.js'),
  nodeRedRequire('@node-red/nodes/core/function/10-function.js'),
  nodeRedRequire('@node-red/nodes/core/common/90-comment.js'),
  nodeRedRequire('@node-red/nodes/core/sequence/17-split.js'),
];

const env = useSandbox();
useNodeRed();
beforeEach(() => {
  env.sandbox.reset();
  env.sandbox.clearLog();
});

let nodeApp: ((req: unknown, res: unknown, next: () => void) => void) | undefined;
const serveHttpNode = (RED: { httpNode: typeof nodeApp }) => {
  nodeApp = RED.httpNode;
};

async function loadConverted(blueprint: string, edit: (text: string) => string = (t) => t): Promise<NodeRedNode[]> {
  const flow = convert(parseBlueprint(edit(readFileSync(join(__dirname, 'blueprints', `${blueprint}.json`), 'utf8')))).nodeRed.map((n) =>
    n.type === 'memberspot-config' ? { ...n, baseUrl: env.sandbox.url } : n,
  );
  const account = flow.find((n) => n.type === 'memberspot-config') as NodeRedNode;
  nodeApp = undefined;
  helper._app.use((req: unknown, res: unknown, next: () => void) => (nodeApp ? nodeApp(req, res, next) : next()));
  // The test helper loads its own catch module once per catch node of the flow, and the second load fails
  // ("catch already registered"): a converted flow with error handlers has several. Load it once per flow.
  const modules = helper._nodeModules as Record<string, (red: unknown) => unknown>;
  const original = modules.catch;
  let loaded = false;
  modules.catch = (red) => (loaded ? undefined : ((loaded = true), original(red)));
  try {
    await helper.load([serveHttpNode, ...core, configNode, actionNode], flow, { [account.id]: { apiKey: API_KEY } });
  } finally {
    modules.catch = original;
  }
  return flow;
}

async function post(path: string, body: unknown) {
  const response = await fetch(`${helper.url()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

const user = (email: string) => env.sandbox.state.userByEmail(email);

it('grant after purchase: the shop POST grants with the mapped fields and gets the scenario’s response', async () => {
  await loadConverted('grant-after-purchase');
  const r = await post('/ds24-kauf', { email: '  Neu@Example.COM ', first_name: '', 'last name': 'Lovelace', order_id: 77 });
  expect(r).toEqual({ status: 200, text: 'OK neu@example.com' });
  const created = user('neu@example.com');
  expect(created).toMatchObject({ email: 'neu@example.com', firstname: 'Kunde', name: 'Lovelace' });
  expect(created?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', orderId: 'DS24-77', active: true })]);
});

it('sync order status: each event reaches only its own route', async () => {
  await loadConverted('sync-order-status');
  const email = 'router@example.com';
  expect(await post('/order-status', { event: 'purchase', email, offer: 'off_basic', first_name: 'Ro', last_name: 'Uter', order_id: 'ORD-1' })).toEqual({ status: 200, text: 'OK' });
  expect(user(email)?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', orderId: 'ORD-1', active: true })]);
  env.sandbox.clearLog();

  expect(await post('/order-status', { event: 'REFUND', email, offer: 'off_basic', order_id: 'ORD-1' })).toEqual({ status: 200, text: 'OK' });
  expect(env.sandbox.requests.filter((q) => q.path.startsWith('/v1')).map((q) => q.path)).toEqual(['/v1/users/set-order-state']);
  expect(user(email)?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', active: false })]);
  env.sandbox.clearLog();

  expect(await post('/order-status', { event: 'chargeback', email, offer: 'off_basic', order_id: 'ORD-1' })).toEqual({ status: 200, text: 'OK' });
  const paths = env.sandbox.requests.filter((q) => q.path.startsWith('/v1')).map((q) => q.path);
  expect(paths).toEqual(['/v1/users/set-offer-state']);
  expect(user(email)?.offers ?? []).toEqual([]);
});

it('answers 500 when a Memberspot step fails, so that the shop retries', async () => {
  await loadConverted('sync-order-status');
  const r = await post('/order-status', { event: 'purchase', email: 'x@example.com', offer: 'off_does_not_exist', order_id: 'O' });
  expect(r.status).toBe(500);
  expect(user('x@example.com')?.offers ?? []).toEqual([]);
});

it('CRM data to the profile: the properties are set from the mapped CRM fields', async () => {
  await loadConverted('crm-data-to-profile');
  const r = await post('/crm-update', { contact: { email: 'anna.schmidt@example.com', phone: '+49 170 555', company: 'Acme' } });
  expect(r).toEqual({ status: 200, text: 'OK' });
  expect(user('anna.schmidt@example.com')?.customProperties).toMatchObject({ cp_phone: '+49170555', cp_company: 'ACME', cp_source: 'CRM' });
});

it('GDPR deletion: a confirmed request deletes the user and gets the scenario’s response', async () => {
  await loadConverted('gdpr-deletion');
  expect(user('tom.weber@example.com')).toBeDefined();
  const r = await post('/dsgvo-loschung', { email: 'Tom.Weber@example.com', confirmed: true });
  expect(r).toEqual({ status: 200, text: 'deleted' });
  expect(user('tom.weber@example.com')).toBeUndefined();
});

it('GDPR deletion: a request the filter stops is answered "Accepted" and deletes nothing', async () => {
  await loadConverted('gdpr-deletion');
  const r = await post('/dsgvo-loschung', { email: 'tom.weber@example.com', confirmed: false });
  expect(r).toEqual({ status: 200, text: 'Accepted' });
  expect(user('tom.weber@example.com')).toBeDefined();
  expect(env.sandbox.requests.filter((q) => q.path.startsWith('/v1'))).toEqual([]);
});

it('a router without a fallback route answers "Accepted" when no route matched', async () => {
  // The sync-order-status blueprint without its fallback route (the last one).
  await loadConverted('sync-order-status', (text) => {
    const json = JSON.parse(text);
    json.response.blueprint.flow[1].routes.pop();
    return JSON.stringify(json);
  });
  const r = await post('/order-status', { event: 'something else', email: 'nobody@example.com' });
  expect(r).toEqual({ status: 200, text: 'Accepted' });
  expect(env.sandbox.requests.filter((q) => q.path.startsWith('/v1'))).toEqual([]);
});

describe('error handlers', () => {
  it('Resume: a failing grant continues with the substitute output, and the next step runs', async () => {
    await loadConverted('error-handlers');
    const r = await post('/error-handlers', { email: 'anna.schmidt@example.com', offer: 'off_missing', cancel_order: 'DS24-0815' });
    expect(r).toEqual({ status: 200, text: 'granted none' });
    expect(user('anna.schmidt@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'DS24-0815', active: false })]);
  });

  it('Ignore: a failing step ends the run without an error; the shop hears 200 Accepted', async () => {
    await loadConverted('error-handlers');
    const r = await post('/error-handlers', { email: 'ignored@example.com', offer: 'off_basic', cancel_order: 'NO-SUCH-ORDER' });
    expect(r).toEqual({ status: 200, text: 'Accepted' });
    expect(user('ignored@example.com')?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', active: true })]);
  });

  it('without a handler a failing step still answers 500 once', async () => {
    await loadConverted('grant-after-purchase');
    const r = await post('/ds24-kauf', { email: '', order_id: 1 });
    expect(r).toEqual({ status: 500, text: 'Error' });
  });
});
