/**
 * The Shop Webhook Trigger in the real n8n CLI, per pinned version, with the shipped example workflow
 * (n8n-examples/shop-to-memberspot.json, its real Switch and Edit Fields nodes) activated against the sandbox:
 * a signed Digistore24 form notification grants and is answered OK; a wrong sha_sign and none are 401 and
 * grant nothing; with no passphrase the workflow does not activate and grants nothing; a failing grant is
 * answered 5xx and the shop's retry of the same notification then grants; purchase, refund, the purchase
 * again: no grant after the refund, and OK; a signed Stripe checkout.session.completed grants, one 10
 * minutes old is refused; GET and HEAD answer 200; the exported workflow holds no secret.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { digistoreSignature } from '../../../shared/shops';
import { freePort, makeHome, ROOT, runCli, startN8n, VERSIONS, waitForOutput, waitForWebhook, writeJson, type N8nHome, type RunningN8n } from './helpers';

const API_KEY = 'e2e-shop-key-9a4c2e71';
const PASSPHRASE = 'e2e-ds24-passphrase-n8n-5d2a';
const STRIPE_SECRET = 'whsec_e2e_n8n_stripe_8f3b';
const MEMBERSPOT_CREDENTIAL = { id: 'msE2eShopApi0001', name: 'Memberspot Sandbox' };
const SECRETS = {
  digistore24: { id: 'msE2eShopDs24001', name: 'Digistore24 passphrase', secret: PASSPHRASE },
  stripe: { id: 'msE2eShopStripe1', name: 'Stripe signing secret', secret: STRIPE_SECRET },
  unconfigured: { id: 'msE2eShopEmpty01', name: 'Empty passphrase', secret: '' },
};
const WORKFLOWS = {
  digistore24: { id: 'msE2eShopFlowDs1', hook: 'memberspot-e2e-shop-ds24', shop: 'digistore24', secret: SECRETS.digistore24 },
  stripe: { id: 'msE2eShopFlowSt1', hook: 'memberspot-e2e-shop-stripe', shop: 'stripe', secret: SECRETS.stripe },
  unconfigured: { id: 'msE2eShopFlowNo1', hook: 'memberspot-e2e-shop-none', shop: 'digistore24', secret: SECRETS.unconfigured },
};

/** The example workflow as n8n loads it from a custom folder (CUSTOM.*), for one shop and credential. */
function exampleWorkflow(flow: (typeof WORKFLOWS)[keyof typeof WORKFLOWS]) {
  const text = readFileSync(join(ROOT, 'n8n-examples', 'shop-to-memberspot.json'), 'utf8').replace(/@memberflow\/n8n-nodes-memberspot\./g, 'CUSTOM.');
  const workflow = JSON.parse(text) as { nodes: Array<Record<string, unknown>>; [key: string]: unknown };
  for (const node of workflow.nodes) {
    if (node.type === 'CUSTOM.memberspotShopTrigger') {
      node.webhookId = flow.hook;
      node.parameters = { ...(node.parameters as object), shop: flow.shop };
      node.credentials = { memberflowShopWebhookSecretApi: { id: flow.secret.id, name: flow.secret.name } };
    } else if (node.type === 'CUSTOM.memberspot') {
      node.credentials = { memberflowMemberspotApi: MEMBERSPOT_CREDENTIAL };
    }
  }
  return { ...workflow, id: flow.id, name: `${workflow.name as string} (${flow.id})`, active: false };
}

function ds24(fields: Record<string, string>, passphrase = PASSPHRASE): string {
  return new URLSearchParams({ ...fields, sha_sign: digistoreSignature(fields, passphrase) }).toString();
}

const purchase = { event: 'on_payment', order_id: 'E2E-N8N-1', transaction_id: '8001', email: 'e2e.n8n@example.com', address_first_name: 'Erika', address_last_name: 'Kauf', api_mode: 'live' };

describe.each(VERSIONS)('n8n %s: Shop Webhook Trigger', (version) => {
  let sandbox: Sandbox;
  let home: N8nHome;
  let n8n: RunningN8n;

  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: API_KEY });
    const port = await freePort();
    home = makeHome(port);
    const credentials = writeJson(home.dir, 'shop-credentials.json', [
      { ...MEMBERSPOT_CREDENTIAL, type: 'memberflowMemberspotApi', data: { apiKey: API_KEY, baseUrl: sandbox.url, requestsPerSecond: 4 } },
      ...Object.values(SECRETS).map(({ id, name, secret }) => ({ id, name, type: 'memberflowShopWebhookSecretApi', data: { secret } })),
    ]);
    expect((await runCli(version, ['import:credentials', `--input=${credentials}`], home.env)).code).toBe(0);
    const workflows = writeJson(home.dir, 'shop-workflows.json', Object.values(WORKFLOWS).map(exampleWorkflow));
    expect((await runCli(version, ['import:workflow', `--input=${workflows}`], home.env)).code).toBe(0);
    for (const flow of Object.values(WORKFLOWS)) {
      expect((await runCli(version, ['update:workflow', `--id=${flow.id}`, '--active=true'], home.env)).code).toBe(0);
    }
    n8n = await startN8n(version, home, port);
    // n8n activates saved workflows after its editor is up: wait for the two that must be active (their GET
    // setup webhooks answer 200 once registered) and for the refused activation of the one without a passphrase.
    await waitForWebhook(`${n8n.url}/webhook/${WORKFLOWS.digistore24.hook}/shop`);
    await waitForWebhook(`${n8n.url}/webhook/${WORKFLOWS.stripe.hook}/shop`);
    await waitForOutput(n8n, /No IPN passphrase is set/);
  }, 600_000);

  afterAll(async () => {
    await n8n?.stop();
    await sandbox?.close();
    home?.cleanup();
  });
  beforeEach(() => sandbox.reset());

  const url = (flow: keyof typeof WORKFLOWS) => `${n8n.url}/webhook/${WORKFLOWS[flow].hook}/shop`;
  async function post(flow: keyof typeof WORKFLOWS, body: string, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }) {
    const response = await fetch(url(flow), { method: 'POST', headers, body });
    return { status: response.status, text: await response.text() };
  }
  const offers = () => sandbox.state.userByEmail('e2e.n8n@example.com')?.offers ?? [];

  it('a signed Digistore24 notification grants the access and is answered OK; GET and HEAD 200', async () => {
    expect(await post('digistore24', ds24(purchase))).toEqual({ status: 200, text: 'OK' });
    expect(offers()).toEqual([expect.objectContaining({ offerId: 'off_basic', orderId: 'E2E-N8N-1', active: true })]);
    expect((await fetch(url('digistore24'))).status).toBe(200);
    expect((await fetch(url('digistore24'), { method: 'HEAD' })).status).toBe(200);
  });

  it('a wrong sha_sign and none are 401; without a passphrase the workflow did not activate; nothing granted', async () => {
    expect((await post('digistore24', ds24(purchase, 'not-the-passphrase'))).status).toBe(401);
    expect((await post('digistore24', new URLSearchParams(purchase).toString())).status).toBe(401);
    const unconfigured = await post('unconfigured', ds24(purchase, ''));
    // Not activated (n8n: webhook not registered, 404); were it active, the trigger would answer 503.
    expect([404, 503]).toContain(unconfigured.status);
    expect(n8n.output()).toMatch(/No IPN passphrase is set/);
    expect(sandbox.state.userByEmail('e2e.n8n@example.com')).toBeUndefined();
    expect(n8n.output()).not.toMatch(/e2e\.n8n@example|E2E-N8N-1|e2e-ds24-passphrase-n8n/);
  });

  it("a failing grant is answered 5xx, and the shop's retry of the same notification then grants", async () => {
    sandbox.script({ status: 400 });
    const failed = await post('digistore24', ds24(purchase));
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(offers()).toEqual([]);
    expect(await post('digistore24', ds24(purchase))).toEqual({ status: 200, text: 'OK' });
    expect(offers()).toEqual([expect.objectContaining({ orderId: 'E2E-N8N-1', active: true })]);
  });

  it('purchase, refund, then the purchase sent again: no access after the refund, and OK', async () => {
    const order = { ...purchase, order_id: 'E2E-N8N-2', transaction_id: '8101' };
    expect((await post('digistore24', ds24(order))).text).toBe('OK');
    expect((await post('digistore24', ds24({ ...order, event: 'on_refund', transaction_id: '8102' }))).text).toBe('OK');
    expect(await post('digistore24', ds24(order))).toEqual({ status: 200, text: 'OK' });
    expect(offers()).toEqual([expect.objectContaining({ orderId: 'E2E-N8N-2', active: false })]);
  });

  it('a signed Stripe checkout.session.completed grants; one 10 minutes old is refused', async () => {
    const signed = (ageSeconds: number, id: string, email: string) => {
      const t = Math.floor(Date.now() / 1000) - ageSeconds;
      const body = JSON.stringify({ id, type: 'checkout.session.completed', livemode: false, data: { object: { id: `cs_${id}`, payment_intent: `pi_${id}`, payment_status: 'paid', amount_total: 4700, currency: 'eur', customer_details: { email, name: 'Erika Stripe' } } } });
      return { body, headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${createHmac('sha256', STRIPE_SECRET).update(`${t}.${body}`).digest('hex')}` } };
    };
    const fresh = signed(0, 'evt_n8n_1', 'e2e.stripe.n8n@example.com');
    expect((await post('stripe', fresh.body, fresh.headers)).status).toBe(200);
    expect(sandbox.state.userByEmail('e2e.stripe.n8n@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'pi_evt_n8n_1', active: true })]);
    const old = signed(600, 'evt_n8n_2', 'e2e.old.n8n@example.com');
    expect((await post('stripe', old.body, old.headers)).status).toBe(401);
    expect(sandbox.state.userByEmail('e2e.old.n8n@example.com')).toBeUndefined();
  });

  it('the exported workflow names the credential but holds no secret', async () => {
    const file = join(home.dir, 'exported-shop.json');
    expect((await runCli(version, ['export:workflow', `--id=${WORKFLOWS.digistore24.id}`, `--output=${file}`], home.env)).code).toBe(0);
    const exported = readFileSync(file, 'utf8');
    expect(exported).toContain('memberflowShopWebhookSecretApi');
    expect(exported).not.toContain(PASSPHRASE);
    expect(exported).not.toContain(API_KEY);
  });
});
