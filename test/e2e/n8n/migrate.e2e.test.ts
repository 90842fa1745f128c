/**
 * memberspot-migrate end to end in the real n8n CLI, per pinned version: the blueprints of test/migrate are
 * converted by the built bin (dist/migrate/cli.js), the written .n8n.json files are imported with
 * `n8n import:workflow` as they are (only the node types renamed to CUSTOM.*, as n8n names a package loaded
 * from a custom folder), a credential named "Memberspot" is created as the report says (its id is not the
 * one in the file: n8n finds it by name), the workflows are activated and `n8n start` runs them; a shop's
 * POST to each converted webhook then acts at the sandbox over real HTTP:
 *
 * - grant after purchase: grants with the mapped email, names, offer and order id and answers what the
 *   blueprint's WebhookRespond asked for (200, "OK <email>", text/plain);
 * - sync order status: a refund reaches only Revoke Order Access, a chargeback only Delete Access, an
 *   unknown event only the (disabled) placeholder of the fallback route;
 * - a failing grant (an offer the school does not have) answers an error status, so that the shop retries.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { freePort, makeHome, ROOT, runCli, startN8n, VERSIONS, waitForWebhook, writeJson, type N8nHome, type RunningN8n } from './helpers';

const API_KEY = 'e2e-migrate-key-3b8d1f60';
// Not the id the converter writes (memberspot-credential): the user creates the credential in the editor.
const CREDENTIAL = { id: 'msE2eMigrate0001', name: 'Memberspot' };
const BLUEPRINTS = ['grant-after-purchase', 'sync-order-status', 'course-bundle', 'error-handlers'];
/** The exit code memberspot-migrate gives each: 0 all converted, 1 with review or manual items. */
const EXIT: Record<string, number> = { 'grant-after-purchase': 0, 'sync-order-status': 1, 'course-bundle': 0, 'error-handlers': 1 };

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

/**
 * The built bin on a blueprint of test/migrate/blueprints (its CRM address pointed at ours); returns the
 * written n8n workflow's text.
 */
function convertWithBin(blueprint: string, out: string, crmUrl: string): { code: number | null; workflow: string } {
  const source = join(out, `${blueprint}.blueprint.json`);
  writeFileSync(source, readFileSync(join(ROOT, 'test', 'migrate', 'blueprints', `${blueprint}.json`), 'utf8').replace('https://crm.example.com', crmUrl));
  const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'migrate', 'cli.js'), source, '--out', out, '--target', 'n8n', '--json'], {
    encoding: 'utf8',
  });
  if (result.status !== 0 && result.status !== 1) throw new Error(`memberspot-migrate failed on ${blueprint} (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  const report = JSON.parse(result.stdout) as { files: string[] };
  return { code: result.status, workflow: readFileSync(report.files[0], 'utf8') };
}

describe.each(VERSIONS)('n8n %s', (version) => {
  let sandbox: Sandbox;
  let home: N8nHome;
  let n8n: RunningN8n | undefined;
  let crm: Awaited<ReturnType<typeof startCrm>>;
  const v1 = () => sandbox.requests.filter((r) => r.path.startsWith('/v1'));
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${n8n!.url}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: API_KEY });
    crm = await startCrm();
    const port = await freePort();
    home = makeHome(port);
    // n8n 2's task broker listens on 5679 unless told otherwise: another n8n on the machine must not stop this one.
    home.env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
    const out = join(home.dir, 'migrated');
    mkdirSync(out);
    const credentials = writeJson(home.dir, 'credentials.json', [{ ...CREDENTIAL, type: 'memberflowMemberspotApi', data: { apiKey: API_KEY, baseUrl: sandbox.url, requestsPerSecond: 4 } }]);
    expect((await runCli(version, ['import:credentials', `--input=${credentials}`], home.env)).code).toBe(0);
    const workflowIds: string[] = [];
    for (const blueprint of BLUEPRINTS) {
      const { code, workflow } = convertWithBin(blueprint, out, crm.url);
      workflowIds.push((JSON.parse(workflow) as { id: string }).id);
      expect({ blueprint, code }).toEqual({ blueprint, code: EXIT[blueprint] });
      expect(workflow).not.toContain(API_KEY);
      const file = join(home.dir, `${blueprint}.json`);
      writeFileSync(file, workflow.replace(/@memberflow\/n8n-nodes-memberspot\./g, 'CUSTOM.'));
      const imported = await runCli(version, ['import:workflow', `--input=${file}`], home.env);
      expect({ blueprint, code: imported.code, log: imported.code === 0 ? '' : `${imported.stdout}\n${imported.stderr}` }).toEqual({ blueprint, code: 0, log: '' });
    }
    // Each file carries its workflow's id (n8n 2.41's import refuses a workflow without one).
    const listed = await runCli(version, ['list:workflow'], home.env);
    const ids = listed.stdout.split('\n').map((line) => /^(\w+)\|/.exec(line.trim())?.[1]).filter((id): id is string => id !== undefined);
    expect(ids.sort()).toEqual(workflowIds.sort());
    for (const id of ids) expect((await runCli(version, ['update:workflow', `--id=${id}`, '--active=true'], home.env)).code).toBe(0);

    n8n = await startN8n(version, home, port);
    // n8n registers the active workflows' webhooks after its editor is up (n8n 2.41: some time after, and
    // without a log line; it answers a CORS preflight before). Each webhook is called until it answers
    // something else than 404 with a request that changes nothing at the sandbox: no email (the grant is
    // refused before anything is sent), an unknown event (the fallback route's placeholder), no courses.
    const harmless: Record<string, unknown> = { 'ds24-kauf': { email: '' }, 'order-status': { event: 'warm-up' }, 'bundle-order': { items: [] }, 'error-handlers': {} };
    for (const [path, body] of Object.entries(harmless)) {
      await waitForWebhook(`${n8n.url}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    }
    expect(sandbox.requests.filter((r) => r.path.startsWith('/v1'))).toEqual([]);
  });

  afterAll(async () => {
    await n8n?.stop();
    await sandbox?.close();
    await crm?.close();
    home?.cleanup();
  });

  beforeEach(() => {
    sandbox.clearLog();
    crm.requests.length = 0;
    crm.status = 200;
  });

  it('grant after purchase: the shop POST grants with the mapped fields and gets the blueprint’s response', async () => {
    const r = await post('ds24-kauf', { email: '  Neu@Example.COM ', first_name: '', 'last name': 'Lovelace', order_id: 77 });
    expect({ status: r.status, text: r.text }).toEqual({ status: 200, text: 'OK neu@example.com' });
    expect(r.type).toContain('text/plain');
    const user = sandbox.state.userByEmail('neu@example.com');
    expect(user).toMatchObject({ email: 'neu@example.com', firstname: 'Kunde', name: 'Lovelace' });
    expect(user?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', orderId: 'DS24-77', active: true })]);
    expect(v1().map((q) => [q.method, q.path, q.auth])).toEqual([['POST', '/v1/users/grant-user-offer-by-mail', 'valid']]);
    expect(n8n!.output()).not.toContain(API_KEY);
  });

  it('sync order status: a refund reaches only Revoke Order Access, a chargeback only Delete Access', async () => {
    const email = 'router.n8n@example.com';
    const purchase = await post('order-status', { event: 'purchase', email, offer: 'off_basic', first_name: 'Ro', last_name: 'Uter', order_id: 'ORD-1' });
    expect(purchase.status).toBe(200);
    expect(sandbox.state.userByEmail(email)?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', orderId: 'ORD-1', active: true })]);
    expect(v1().map((q) => q.path)).toEqual(['/v1/users/grant-user-offer-by-mail']);

    sandbox.clearLog();
    expect((await post('order-status', { event: 'REFUND', email, offer: 'off_basic', order_id: 'ORD-1' })).status).toBe(200);
    expect(v1().map((q) => q.path)).toEqual(['/v1/users/set-order-state']);
    expect(sandbox.state.userByEmail(email)?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', active: false })]);

    sandbox.clearLog();
    expect((await post('order-status', { event: 'chargeback', email, offer: 'off_basic', order_id: 'ORD-1' })).status).toBe(200);
    expect(v1().map((q) => q.path)).toEqual(['/v1/users/set-offer-state']);
    expect(sandbox.state.userByEmail(email)?.offers ?? []).toEqual([]);

    // The fallback route holds only the disabled placeholder of the Google Sheets step: nothing at Memberspot.
    sandbox.clearLog();
    expect((await post('order-status', { event: 'something else', email })).status).toBe(200);
    expect(v1()).toEqual([]);
  });

  it('a failing grant answers an error status, so that the shop sends the notification again', async () => {
    // grant-after-purchase grants the constant off_basic: without an email the grant fails (nothing is sent).
    const r = await post('ds24-kauf', { email: '', order_id: 2 });
    expect(r.status).toBeGreaterThanOrEqual(500);
    expect(r.text).not.toContain('OK');
    expect(v1()).toEqual([]);
    const router = await post('order-status', { event: 'purchase', email: 'fails.router@example.com', offer: 'off_does_not_exist', order_id: 'O' });
    expect(router.status).toBeGreaterThanOrEqual(500);
    expect(sandbox.state.userByEmail('fails.router@example.com')?.offers ?? []).toEqual([]);
  });
  it('course bundle: each course is granted once, the text aggregator and the variable feed the CRM call and the answer', async () => {
    const r = await post('bundle-order', { email: 'Bundle.n8n@Example.com', order_id: 'B-1', items: [{ offer: 'off_basic' }, { offer: 'off_premium' }] });
    expect({ status: r.status, text: r.text }).toEqual({ status: 200, text: 'granted off_basic, off_premium; CRM noted' });
    expect(sandbox.state.userByEmail('bundle.n8n@example.com')?.offers).toEqual([
      expect.objectContaining({ offerId: 'off_basic', orderId: 'B-1-1' }),
      expect.objectContaining({ offerId: 'off_premium', orderId: 'B-1-2' }),
    ]);
    expect(crm.requests).toHaveLength(1);
    expect(crm.requests[0]).toMatchObject({ method: 'POST', url: '/hooks/granted?order=B-1', headers: expect.objectContaining({ 'x-source': 'memberspot-migrate' }) });
    expect(JSON.parse(crm.requests[0].body)).toMatchObject({ email: 'bundle.n8n@example.com', granted: 'off_basic, off_premium', when: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  it('course bundle: a CRM that refuses (503) makes the webhook answer an error status', async () => {
    crm.status = 503;
    const r = await post('bundle-order', { email: 'refused.n8n@example.com', order_id: 'B-2', items: [{ offer: 'off_basic' }] });
    expect(r.status).toBeGreaterThanOrEqual(500);
    expect(crm.requests).toHaveLength(1);
  });

  it('error handlers: Resume continues with the substitute output; Ignore ends the run with 200 Accepted', async () => {
    const resumed = await post('error-handlers', { email: 'anna.schmidt@example.com', offer: 'off_missing', cancel_order: 'DS24-0815' });
    expect({ status: resumed.status, text: resumed.text }).toEqual({ status: 200, text: 'granted none' });
    expect(sandbox.state.userByEmail('anna.schmidt@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'DS24-0815', active: false })]);
    const ignored = await post('error-handlers', { email: 'ignored.n8n@example.com', offer: 'off_basic', cancel_order: 'NO-SUCH-ORDER' });
    expect({ status: ignored.status, text: ignored.text }).toEqual({ status: 200, text: 'Accepted' });
    expect(sandbox.state.userByEmail('ignored.n8n@example.com')?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', active: true })]);
  });
});
