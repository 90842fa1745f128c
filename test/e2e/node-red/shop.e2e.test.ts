/**
 * memberspot-shop in a real Node-RED process, with the shipped example flow (examples/shop-to-memberspot.json)
 * pointed at the sandbox: a signed Digistore24 form notification grants and is answered OK; a wrong sha_sign,
 * none, and no passphrase configured grant nothing (401 / 503); a failing grant is answered 5xx and the
 * shop's retry of the same notification then grants; purchase, refund, the purchase again: no grant after the
 * refund, and OK; a signed Stripe checkout.session.completed grants, one 10 minutes old is refused.
 */
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { digistoreSignature } from '../../../shared/shops';
import { deploy, startNodeRed, type NodeRed } from './nodered';

const API_KEY = 'e2e-shop-key-3c9d1f0a';
const PASSPHRASE = 'e2e-ds24-passphrase-6b1e';
const STRIPE_SECRET = 'whsec_e2e_stripe_secret_0a7c';
const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'shop-to-memberspot.json');

/** The example flow for `shop`, with its secret (or none) and the key as credentials, in its own tab. */
function exampleFlow(sandbox: Sandbox, shop: string, secret: string | undefined, shopPath: string): unknown[] {
  const nodes = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as Array<Record<string, unknown>>;
  const suffix = shop;
  const idOf = (id: unknown) => `${String(id)}-${suffix}`;
  return [
    { id: `tab-${suffix}`, type: 'tab', label: `shop ${shop}` },
    ...nodes.map((n) => {
      const copy: Record<string, unknown> = { ...n, id: idOf(n.id) };
      if (Array.isArray(n.wires)) copy.wires = (n.wires as string[][]).map((out) => out.map(idOf));
      if (n.type === 'memberspot') copy.account = idOf(n.account);
      if (n.type === 'catch') copy.scope = (n.scope as string[]).map(idOf);
      if (n.type === 'memberspot-shop') Object.assign(copy, { config: idOf(n.config), path: shopPath });
      if (n.type === 'memberspot-config') return { ...copy, baseUrl: sandbox.url, credentials: { apiKey: API_KEY } };
      if (n.type === 'memberspot-shop-config') return { ...copy, shop, ...(secret === undefined ? {} : { credentials: { secret } }) };
      return { ...copy, z: `tab-${suffix}` };
    }),
  ];
}

function ds24(fields: Record<string, string>, passphrase = PASSPHRASE): string {
  return new URLSearchParams({ ...fields, sha_sign: digistoreSignature(fields, passphrase) }).toString();
}

const purchase = { event: 'on_payment', order_id: 'E2E-DS24-1', transaction_id: '7001', email: 'e2e.kaeufer@example.com', address_first_name: 'Erika', address_last_name: 'Kauf', api_mode: 'live' };

describe('memberspot shop in Node-RED', () => {
  let sandbox: Sandbox;
  let red: NodeRed;

  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: API_KEY });
    red = await startNodeRed();
    await deploy(red, [
      ...exampleFlow(sandbox, 'digistore24', PASSPHRASE, '/shop/ds24'),
      ...exampleFlow(sandbox, 'stripe', STRIPE_SECRET, '/shop/stripe'),
      ...exampleFlow(sandbox, 'copecart', undefined, '/shop/unconfigured'),
    ]);
  });
  afterAll(async () => {
    await red?.stop();
    await sandbox?.close();
  });
  beforeEach(() => sandbox.reset());

  async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }) {
    const response = await fetch(`${red.url}${url}`, { method: 'POST', headers, body });
    return { status: response.status, text: await response.text() };
  }
  const offers = () => sandbox.state.userByEmail('e2e.kaeufer@example.com')?.offers ?? [];

  it('a signed Digistore24 notification grants the access and is answered OK; GET and HEAD 200', async () => {
    expect(await post('/shop/ds24', ds24(purchase))).toEqual({ status: 200, text: 'OK' });
    expect(offers()).toEqual([expect.objectContaining({ offerId: 'off_basic', orderId: 'E2E-DS24-1', active: true })]);
    expect((await fetch(`${red.url}/shop/ds24`)).status).toBe(200);
    expect((await fetch(`${red.url}/shop/ds24`, { method: 'HEAD' })).status).toBe(200);
  });

  it('a wrong sha_sign, none, and no passphrase configured grant nothing: 401, 401, 503', async () => {
    expect((await post('/shop/ds24', ds24(purchase, 'not-the-passphrase'))).status).toBe(401);
    expect((await post('/shop/ds24', new URLSearchParams(purchase).toString())).status).toBe(401);
    expect((await post('/shop/unconfigured', '{}', { 'content-type': 'application/json' })).status).toBe(503);
    expect(sandbox.state.userByEmail('e2e.kaeufer@example.com')).toBeUndefined();
    expect(red.output()).not.toMatch(/e2e\.kaeufer|E2E-DS24-1|e2e-ds24-passphrase/);
  });

  it("a failing grant is answered 5xx, and the shop's retry of the same notification then grants", async () => {
    sandbox.script({ status: 400 });
    const failed = await post('/shop/ds24', ds24(purchase));
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(offers()).toEqual([]);
    expect(await post('/shop/ds24', ds24(purchase))).toEqual({ status: 200, text: 'OK' });
    expect(offers()).toEqual([expect.objectContaining({ orderId: 'E2E-DS24-1', active: true })]);
  });

  it('purchase, refund, then the purchase sent again: no access after the refund, and OK', async () => {
    const order = { ...purchase, order_id: 'E2E-DS24-2', transaction_id: '7101' };
    expect((await post('/shop/ds24', ds24(order))).text).toBe('OK');
    expect((await post('/shop/ds24', ds24({ ...order, event: 'on_refund', transaction_id: '7102' }))).text).toBe('OK');
    expect(await post('/shop/ds24', ds24(order))).toEqual({ status: 200, text: 'OK' });
    expect(offers()).toEqual([expect.objectContaining({ orderId: 'E2E-DS24-2', active: false })]);
  });

  it('a signed Stripe checkout.session.completed grants; one 10 minutes old is refused', async () => {
    const signed = (ageSeconds: number, id: string, email: string) => {
      const t = Math.floor(Date.now() / 1000) - ageSeconds;
      const body = JSON.stringify({ id, type: 'checkout.session.completed', livemode: false, data: { object: { id: `cs_${id}`, payment_intent: `pi_${id}`, payment_status: 'paid', amount_total: 4700, currency: 'eur', customer_details: { email, name: 'Erika Stripe' } } } });
      return { body, headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${createHmac('sha256', STRIPE_SECRET).update(`${t}.${body}`).digest('hex')}` } };
    };
    const fresh = signed(0, 'evt_e2e_1', 'e2e.stripe@example.com');
    expect((await post('/shop/stripe', fresh.body, fresh.headers)).status).toBe(200);
    expect(sandbox.state.userByEmail('e2e.stripe@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'pi_evt_e2e_1', active: true })]);
    const old = signed(600, 'evt_e2e_2', 'e2e.old@example.com');
    expect((await post('/shop/stripe', old.body, old.headers)).status).toBe(401);
    expect(sandbox.state.userByEmail('e2e.old@example.com')).toBeUndefined();
  });

  it('keeps the secrets out of the flows it exports', async () => {
    const response = await red.admin('/flows', { token: await red.token('admin') });
    const text = await response.text();
    expect(text).toContain('memberspot-shop-config');
    expect(text).not.toContain(PASSPHRASE);
    expect(text).not.toContain(STRIPE_SECRET);
  });
});
