/**
 * memberspot-migrate end to end in a real Node-RED process: the blueprints of test/migrate are converted by
 * the built bin (dist/migrate/cli.js), and each written .node-red.json goes into one running Node-RED through
 * the admin API's `POST /flow` (as nodeRedFlowApi() shapes it: the tab's label, its nodes, the config node),
 * with the key and the sandbox's URL in the Memberspot account node as the user sets them in the editor.
 * A shop's POST to each converted webhook then acts at the sandbox over real HTTP:
 *
 * - grant after purchase: grants with the mapped email, names, offer and order id and answers what the
 *   blueprint's WebhookRespond asked for (200, "OK <email>", text/plain); a failing grant answers 500;
 * - sync order status: a refund reaches only Revoke Order Access, a chargeback only Delete Access; a failing
 *   grant answers 500; an unknown event reaches the placeholder of the fallback route, which stops it with
 *   "rebuild this step" and an answer of 500 (once), never a request left waiting.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { startNodeRed, type NodeRed } from './nodered';

const ROOT = join(__dirname, '..', '..', '..');
const API_KEY = 'e2e-migrate-key-5e1a7c22';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nodeRedFlowApi } = require(join(ROOT, 'dist', 'migrate')) as { nodeRedFlowApi(nodes: unknown[]): { label: string; nodes: Node[]; configs: Node[] } };

type Node = Record<string, unknown> & { id: string; type: string };

/** A CRM of our own on 127.0.0.1 that records what the converted HTTP module sends. */
async function startCrm(): Promise<{ url: string; requests: { method: string; url: string; headers: Record<string, unknown>; body: string }[]; status: number; close(): Promise<void> }> {
  const state = {
    url: '',
    status: 200,
    requests: [] as { method: string; url: string; headers: Record<string, unknown>; body: string }[],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(state.status, { 'content-type': 'application/json', 'x-crm': 'yes' });
      res.end(JSON.stringify({ result: state.status < 400 ? 'noted' : 'refused' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return state;
}

const EXIT: Record<string, number> = { 'grant-after-purchase': 0, 'sync-order-status': 1, 'course-bundle': 0, 'error-handlers': 1 };

/** The built bin on a blueprint of test/migrate/blueprints (its CRM pointed at ours); returns the written Node-RED flow. */
function convertWithBin(blueprint: string, out: string, crmUrl: string): { code: number | null; flow: Node[] } {
  const source = join(out, `${blueprint}.blueprint.json`);
  writeFileSync(source, readFileSync(join(ROOT, 'test', 'migrate', 'blueprints', `${blueprint}.json`), 'utf8').replace('https://crm.example.com', crmUrl));
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'dist', 'migrate', 'cli.js'), source, '--out', out, '--target', 'node-red', '--json'],
    { encoding: 'utf8' },
  );
  if (result.status !== 0 && result.status !== 1) throw new Error(`memberspot-migrate failed on ${blueprint} (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  const report = JSON.parse(result.stdout) as { files: string[] };
  return { code: result.status, flow: JSON.parse(readFileSync(report.files[0], 'utf8')) as Node[] };
}

/**
 * POST /flow as the admin. Node-RED answers once the new flow has started (addFlow resolves after setFlows
 * started it; it logs "Adding flow: <label>" then, and no "Started flows").
 */
async function addFlow(red: NodeRed, body: { label: string }): Promise<void> {
  const response = await red.admin('/flow', {
    method: 'POST',
    token: await red.token('admin'),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`POST /flow: ${response.status} ${await response.text()}`);
  expect(red.output()).toContain(`Adding flow: ${body.label}`);
}

describe('memberspot-migrate into a real Node-RED', () => {
  let sandbox: Sandbox;
  let red: NodeRed;
  let out: string;
  let crm: Awaited<ReturnType<typeof startCrm>>;
  const v1 = () => sandbox.requests.filter((r) => r.path.startsWith('/v1'));
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${red.url}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: API_KEY });
    crm = await startCrm();
    red = await startNodeRed();
    out = mkdtempSync(join(tmpdir(), 'memberspot-migrate-e2e-'));
    for (const blueprint of Object.keys(EXIT)) {
      const { code, flow } = convertWithBin(blueprint, out, crm.url);
      expect({ blueprint, code }).toEqual({ blueprint, code: EXIT[blueprint] });
      expect(JSON.stringify(flow)).not.toContain(API_KEY);
      const body = nodeRedFlowApi(flow);
      // What the user does in the editor: the key (and here the sandbox's URL) in the Memberspot account node.
      body.configs = body.configs.map((n) => (n.type === 'memberspot-config' ? { ...n, baseUrl: sandbox.url, credentials: { apiKey: API_KEY } } : n));
      await addFlow(red, body);
    }
  });

  afterAll(async () => {
    await red?.stop();
    await sandbox?.close();
    await crm?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  beforeEach(() => {
    sandbox.clearLog();
    crm.requests.length = 0;
    crm.status = 200;
  });

  it('the four converted flows run side by side in one Node-RED (their ids do not collide)', async () => {
    const flows = (await (await red.admin('/flows', { token: await red.token('admin') })).json()) as Node[];
    expect(flows.filter((n) => n.type === 'tab').map((n) => n.label)).toEqual([
      'Grant after purchase (Digistore24 → Memberspot)',
      'Sync order status',
      'Course bundle (iterator, aggregator, variable, HTTP)',
      'Error handlers (Resume, Ignore)',
    ]);
    expect(flows.filter((n) => n.type === 'http in').map((n) => n.url)).toEqual(['/ds24-kauf', '/order-status', '/bundle-order', '/error-handlers']);
    expect(flows.filter((n) => n.type === 'memberspot-config')).toHaveLength(4);
  });

  it('grant after purchase: the shop POST grants with the mapped fields and gets the blueprint’s response', async () => {
    const r = await post('ds24-kauf', { email: '  Neu@Example.COM ', first_name: '', 'last name': 'Lovelace', order_id: 77 });
    expect({ status: r.status, text: r.text }).toEqual({ status: 200, text: 'OK neu@example.com' });
    expect(r.type).toContain('text/plain');
    const user = sandbox.state.userByEmail('neu@example.com');
    expect(user).toMatchObject({ email: 'neu@example.com', firstname: 'Kunde', name: 'Lovelace' });
    expect(user?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', orderId: 'DS24-77', active: true })]);
    expect(v1().map((q) => [q.method, q.path, q.auth])).toEqual([['POST', '/v1/users/grant-user-offer-by-mail', 'valid']]);
    expect(red.output()).not.toContain(API_KEY);
  });

  it('grant after purchase: a failing grant answers 500 and grants nothing', async () => {
    const r = await post('ds24-kauf', { email: '', order_id: 2 });
    expect(r.status).toBe(500);
    expect(v1()).toEqual([]);
  });

  it('sync order status: a refund reaches only Revoke Order Access, a chargeback only Delete Access', async () => {
    const email = 'router.red@example.com';
    expect(await post('order-status', { event: 'purchase', email, offer: 'off_basic', first_name: 'Ro', last_name: 'Uter', order_id: 'ORD-1' })).toMatchObject({ status: 200, text: 'OK' });
    expect(v1().map((q) => q.path)).toEqual(['/v1/users/grant-user-offer-by-mail']);
    expect(sandbox.state.userByEmail(email)?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', orderId: 'ORD-1', active: true })]);

    sandbox.clearLog();
    expect(await post('order-status', { event: 'REFUND', email, offer: 'off_basic', order_id: 'ORD-1' })).toMatchObject({ status: 200, text: 'OK' });
    expect(v1().map((q) => q.path)).toEqual(['/v1/users/set-order-state']);
    expect(sandbox.state.userByEmail(email)?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', active: false })]);

    sandbox.clearLog();
    expect(await post('order-status', { event: 'chargeback', email, offer: 'off_basic', order_id: 'ORD-1' })).toMatchObject({ status: 200, text: 'OK' });
    expect(v1().map((q) => q.path)).toEqual(['/v1/users/set-offer-state']);
    expect(sandbox.state.userByEmail(email)?.offers ?? []).toEqual([]);
  });

  it('sync order status: a failing grant answers 500', async () => {
    const r = await post('order-status', { event: 'purchase', email: 'fails.red@example.com', offer: 'off_does_not_exist', order_id: 'O' });
    expect(r.status).toBe(500);
    expect(sandbox.state.userByEmail('fails.red@example.com')?.offers ?? []).toEqual([]);
  });

  it('sync order status: the placeholder of the fallback route stops an unknown event with 500, answered once', async () => {
    const r = await post('order-status', { event: 'something else', email: 'nobody@example.com' });
    // The flow's catch answered (a fixed body, as the shop examples answer).
    expect(r).toEqual({ status: 500, type: expect.any(String), text: 'Error' });
    expect(v1()).toEqual([]);
    // A second answer to the same request would make Node-RED log that the headers were already sent.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(red.output()).not.toMatch(/headers after they are sent|ERR_HTTP_HEADERS_SENT/);
  });

  it('course bundle: each course is granted once, the text aggregator and the variable feed the CRM call and the answer', async () => {
    const r = await post('bundle-order', { email: 'Bundle.red@Example.com', order_id: 'B-1', items: [{ offer: 'off_basic' }, { offer: 'off_premium' }] });
    expect({ status: r.status, text: r.text }).toEqual({ status: 200, text: 'granted off_basic, off_premium; CRM noted' });
    expect(sandbox.state.userByEmail('bundle.red@example.com')?.offers).toEqual([
      expect.objectContaining({ offerId: 'off_basic', orderId: 'B-1-1' }),
      expect.objectContaining({ offerId: 'off_premium', orderId: 'B-1-2' }),
    ]);
    expect(crm.requests).toHaveLength(1);
    expect(crm.requests[0]).toMatchObject({ method: 'POST', url: '/hooks/granted?order=B-1', headers: expect.objectContaining({ 'x-source': 'memberspot-migrate' }) });
    expect(JSON.parse(crm.requests[0].body)).toMatchObject({ email: 'bundle.red@example.com', granted: 'off_basic, off_premium', when: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  it('course bundle: a CRM that refuses (503) answers 500', async () => {
    crm.status = 503;
    const r = await post('bundle-order', { email: 'refused.red@example.com', order_id: 'B-2', items: [{ offer: 'off_basic' }] });
    expect({ status: r.status, text: r.text }).toEqual({ status: 500, text: 'Error' });
    expect(crm.requests).toHaveLength(1);
  });

  it('error handlers: Resume continues with the substitute output; Ignore ends the run with 200 Accepted', async () => {
    const resumed = await post('error-handlers', { email: 'anna.schmidt@example.com', offer: 'off_missing', cancel_order: 'DS24-0815' });
    expect({ status: resumed.status, text: resumed.text }).toEqual({ status: 200, text: 'granted none' });
    expect(sandbox.state.userByEmail('anna.schmidt@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'DS24-0815', active: false })]);
    const ignored = await post('error-handlers', { email: 'ignored.red@example.com', offer: 'off_basic', cancel_order: 'NO-SUCH-ORDER' });
    expect({ status: ignored.status, text: ignored.text }).toEqual({ status: 200, text: 'Accepted' });
    expect(sandbox.state.userByEmail('ignored.red@example.com')?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', active: true })]);
  });
});
