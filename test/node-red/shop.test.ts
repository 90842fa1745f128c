/**
 * memberspot-shop in the real Node-RED runtime, over real HTTP: the example flow (examples/shop-to-memberspot.json)
 * pointed at the sandbox, with the shop's secret as the config node's credential. A signed Digistore24
 * notification grants and is answered OK; a wrong or missing sha_sign, or no passphrase, grants nothing (401 /
 * 503); a failing grant is answered 500 and the shop's retry then grants; a purchase replayed after the refund
 * grants nothing; Stripe over the raw bytes, and one 10 minutes old refused.
 */
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { digistoreSignature } from '../../shared/shops';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { actionNode, catchNode, configNode, helper, nodeRedRequire, recordLog, useNodeRed, type FlowNode } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const shopNode = require(path.resolve(__dirname, '..', '..', 'dist', 'node-red', 'memberspot-shop.js'));
const core = [
  nodeRedRequire('@node-red/nodes/core/network/21-httpin.js'),
  nodeRedRequire('@node-red/nodes/core/function/15-change.js'),
  nodeRedRequire('@node-red/nodes/core/function/10-switch.js'),
  nodeRedRequire('@node-red/nodes/core/common/21-debug.js'),
  nodeRedRequire('@node-red/nodes/core/common/90-comment.js'),
];

const env = useSandbox();
useNodeRed();
const logs = recordLog();
afterAll(() => logs.stop());
beforeEach(() => {
  env.sandbox.reset();
  env.sandbox.clearLog();
});

const PASSPHRASE = 'node-red-ds24-passphrase';
const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'shop-to-memberspot.json');

let nodeApp: ((req: unknown, res: unknown, next: () => void) => void) | undefined;
const serveHttpNode = (RED: { httpNode: typeof nodeApp }) => {
  nodeApp = RED.httpNode;
};

/** Loads the example flow for `shop` with `secret` (undefined: none) in its config node's credentials. */
async function loadExample(shop: string, secret: string | undefined) {
  nodeApp = undefined;
  helper._app.use((req: unknown, res: unknown, next: () => void) => (nodeApp ? nodeApp(req, res, next) : next()));
  const nodes = (JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as FlowNode[]).map((n) => {
    if (n.type === 'memberspot-config') return { ...n, baseUrl: env.sandbox.url };
    if (n.type === 'memberspot-shop-config') return { ...n, shop };
    return { ...n, z: 'f1' };
  });
  const account = nodes.find((n) => n.type === 'memberspot-config') as FlowNode;
  const shopConfig = nodes.find((n) => n.type === 'memberspot-shop-config') as FlowNode;
  await helper.load(
    [serveHttpNode, ...core, catchNode, configNode, actionNode, shopNode],
    [{ id: 'f1', type: 'tab', label: 'shop' }, ...nodes],
    { [account.id]: { apiKey: API_KEY }, ...(secret === undefined ? {} : { [shopConfig.id]: { secret } }) },
  );
}

async function send(body: string, headers: Record<string, string> = {}, url = '/shop', method = 'POST') {
  const response = await fetch(`${helper.url()}${url}`, { method, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: method === 'POST' ? body : undefined });
  return { status: response.status, text: await response.text() };
}

function ds24(fields: Record<string, string>, passphrase = PASSPHRASE): string {
  return new URLSearchParams({ ...fields, sha_sign: digistoreSignature(fields, passphrase) }).toString();
}

const purchase = { event: 'on_payment', order_id: 'DS24-NR-1', transaction_id: '5001', email: 'kaeufer@example.com', address_first_name: 'Kim', address_last_name: 'Käufer', product_id: '512345', amount: '47.00', currency: 'EUR', api_mode: 'live' };
const offers = () => env.sandbox.state.userByEmail('kaeufer@example.com')?.offers ?? [];

it('a signed Digistore24 notification grants the access and is answered OK', async () => {
  await loadExample('digistore24', PASSPHRASE);
  expect(await send(ds24(purchase))).toEqual({ status: 200, text: 'OK' });
  expect(env.sandbox.state.userByEmail('kaeufer@example.com')).toMatchObject({ firstname: 'Kim', name: 'Käufer' });
  expect(offers()[0]).toMatchObject({ offerId: 'off_basic', orderId: 'DS24-NR-1', active: true });
});

it('a wrong or missing sha_sign grants nothing and is answered 401; nothing of the body is logged', async () => {
  await loadExample('digistore24', PASSPHRASE);
  expect((await send(ds24(purchase, 'wrong-passphrase'))).status).toBe(401);
  expect((await send(new URLSearchParams(purchase).toString())).status).toBe(401);
  expect(env.sandbox.state.userByEmail('kaeufer@example.com')).toBeUndefined();
  expect(logs.text()).not.toMatch(/kaeufer|DS24-NR-1|node-red-ds24-passphrase/);
});

it('without a passphrase the node shows an error and answers 503', async () => {
  await loadExample('digistore24', undefined);
  expect(await send(ds24(purchase))).toMatchObject({ status: 503 });
  expect(env.sandbox.state.userByEmail('kaeufer@example.com')).toBeUndefined();
  expect(logs.text()).toMatch(/No IPN passphrase is set/);
});

it('answers GET and HEAD with 200', async () => {
  await loadExample('thrivecart', 'word-for-thrivecart');
  expect((await send('', {}, '/shop', 'GET')).status).toBe(200);
  expect((await send('', {}, '/shop', 'HEAD')).status).toBe(200);
});

it("answers Digistore24's signed connection_test with OK, without a message", async () => {
  await loadExample('digistore24', PASSPHRASE);
  expect(await send(ds24({ event: 'connection_test' }))).toEqual({ status: 200, text: 'OK' });
  expect(env.sandbox.requests.filter((r) => r.path.startsWith('/v1'))).toEqual([]);
});

it('a failing grant is answered 500, and the shop\'s retry of the same notification then grants', async () => {
  await loadExample('digistore24', PASSPHRASE);
  env.sandbox.script({ status: 400 });
  const failed = await send(ds24(purchase));
  // A fixed body: nothing of Memberspot's answer goes back to the shop.
  expect(failed).toEqual({ status: 500, text: 'Error' });
  expect(offers()).toEqual([]);
  expect(await send(ds24(purchase))).toEqual({ status: 200, text: 'OK' });
  expect(offers()[0]).toMatchObject({ orderId: 'DS24-NR-1', active: true });
});

it('purchase, refund, then the purchase sent again: no access after the refund, and OK', async () => {
  await loadExample('digistore24', PASSPHRASE);
  expect((await send(ds24(purchase))).text).toBe('OK');
  expect((await send(ds24({ ...purchase, event: 'on_refund', transaction_id: '5002' }))).text).toBe('OK');
  expect(offers()[0]).toMatchObject({ active: false });
  env.sandbox.clearLog();
  expect(await send(ds24(purchase))).toEqual({ status: 200, text: 'OK' });
  expect(offers()[0]).toMatchObject({ active: false });
  expect(env.sandbox.requests.filter((r) => r.path.startsWith('/v1'))).toEqual([]);
});

it('a cancelled subscription changes nothing; access ended revokes; a chargeback deletes', async () => {
  await loadExample('digistore24', PASSPHRASE);
  await send(ds24(purchase));
  expect(await send(ds24({ ...purchase, event: 'on_rebill_cancelled', transaction_id: '5003' }))).toEqual({ status: 200, text: 'OK' });
  expect(offers()[0]).toMatchObject({ active: true });
  expect((await send(ds24({ ...purchase, event: 'last_paid_day', transaction_id: '5004' }))).text).toBe('OK');
  expect(offers()[0]).toMatchObject({ active: false });
  expect((await send(ds24({ ...purchase, event: 'on_chargeback', transaction_id: '5005' }))).text).toBe('OK');
  expect(offers()).toEqual([]);
});

it('a signed Stripe checkout.session.completed grants; one 10 minutes old is refused', async () => {
  const secret = 'whsec_node_red_test';
  await loadExample('stripe', secret);
  const signedAt = (ageSeconds: number, id: string, email: string) => {
    const t = Math.floor(Date.now() / 1000) - ageSeconds;
    const body = JSON.stringify({ id, type: 'checkout.session.completed', livemode: false, data: { object: { id: `cs_${id}`, payment_intent: `pi_${id}`, payment_status: 'paid', amount_total: 4700, currency: 'eur', customer_details: { email, name: 'Anna Schmidt' } } } });
    return { body, headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}` } };
  };
  const fresh = signedAt(0, 'evt_1', 'anna@example.com');
  expect((await send(fresh.body, fresh.headers)).status).toBe(200);
  expect(env.sandbox.state.userByEmail('anna@example.com')?.offers[0]).toMatchObject({ orderId: 'pi_evt_1', active: true });
  const old = signedAt(600, 'evt_2', 'old@example.com');
  expect((await send(old.body, old.headers)).status).toBe(401);
  expect(env.sandbox.state.userByEmail('old@example.com')).toBeUndefined();
});

it('exports no secret: the config node keeps it as a credential', async () => {
  const text = fs.readFileSync(EXAMPLE, 'utf8');
  expect(text).not.toMatch(/secret"|passphrase"|credentials/);
  await loadExample('digistore24', PASSPHRASE);
  const config = helper.getNode('sh0pc0nf00000001');
  expect(config.credentials).toEqual({ secret: PASSPHRASE });
});

describe('a body that a middleware in front already read (no raw bytes left)', () => {
  /** Reads the body itself and leaves it parsed as qs (Node-RED's urlencoded parser) would: `customer[email]` nested. */
  function parsingMiddleware(req: NodeJS.ReadableStream & { body?: unknown; headers: Record<string, string> }, _res: unknown, next: () => void) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (req.headers['content-type']?.startsWith('application/json')) req.body = JSON.parse(text);
      else {
        const body: Record<string, unknown> = {};
        for (const [key, value] of new URLSearchParams(text)) {
          const [head, ...rest] = key.replace(/\]/g, '').split('[');
          if (rest.length === 0) body[head] = value;
          else body[head] = { ...((body[head] as object) ?? {}), [rest.join('.')]: value };
        }
        req.body = body;
      }
      next();
    });
  }
  afterEach(() => helper.settings({ httpNodeMiddleware: undefined }));

  it('ThriveCart (nested customer fields) still verifies; Stripe, which signs the bytes, is refused with 401', async () => {
    helper.settings({ httpNodeMiddleware: parsingMiddleware });
    await loadExample('thrivecart', 'thrive-secret-word');
    const fields = { event: 'order.success', order_id: 'TC-1', event_id: 'E-1', 'customer[email]': 'tc@example.com', 'customer[first_name]': 'Tina', thrivecart_secret: 'thrive-secret-word' };
    expect(await send(new URLSearchParams(fields).toString())).toEqual({ status: 200, text: 'OK' });
    expect(env.sandbox.state.userByEmail('tc@example.com')).toMatchObject({ firstname: 'Tina' });
    expect((await send(new URLSearchParams({ ...fields, thrivecart_secret: 'wrong' }).toString())).status).toBe(401);
    await helper.unload();

    await loadExample('stripe', 'whsec_parsed_in_front');
    const t = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ id: 'evt_p', type: 'invoice.paid', livemode: false, data: { object: { id: 'in_1', customer_email: 'p@example.com', amount_paid: 100, currency: 'eur' } } });
    const signature = createHmac('sha256', 'whsec_parsed_in_front').update(`${t}.${body}`).digest('hex');
    const refused = await send(body, { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${signature}` });
    expect(refused).toEqual({ status: 401, text: 'The raw body is not available, so the signature cannot be checked' });
  });
});
