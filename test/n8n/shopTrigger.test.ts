/**
 * The Shop Webhook Trigger in n8n-core's WebhookContext: verification per shop (fail closed, 401 without a
 * valid signature, nothing of the body in the answer), GET/HEAD, replays remembered in the workflow's static
 * data, and the workflow behind it granting at the sandbox.
 */
import { createHmac } from 'node:crypto';
import { NodeHelpers, type INodeType } from 'n8n-workflow';
import { digistoreSignature } from '../../shared/shops';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { CREDENTIAL_REF, credentialTypes, MEMBERSPOT, packageNodeTypes, runFrom, type WorkflowJson } from './helpers/engine';
import { SHOP_SECRET_TYPE, SHOP_TRIGGER, SHOP_TRIGGER_NAME, shopTrigger, shopTriggerNode } from './helpers/shopTrigger';

const env = useSandbox();
const PASSPHRASE = 'ds24-ipn-passphrase-for-tests';

function ds24(fields: Record<string, string>, passphrase = PASSPHRASE) {
  const signedFields = { ...fields, sha_sign: digistoreSignature(fields, passphrase) };
  const rawBody = new URLSearchParams(signedFields).toString();
  // n8n's body parser: querystring.parse, flat keys.
  return { rawBody, body: Object.fromEntries(new URLSearchParams(rawBody)), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

const purchase = { event: 'on_payment', order_id: 'DS24-ORDER-1', transaction_id: '1001', email: 'kaeufer@example.com', address_first_name: 'Kim', address_last_name: 'Käufer', product_id: '512345', amount: '47.00', currency: 'EUR', api_mode: 'live' };

describe('Shop Webhook Trigger', () => {
  it('starts the workflow with the normalised event for a signed Digistore24 notification', async () => {
    const trigger = shopTrigger({ shop: 'digistore24' }, PASSPHRASE);
    const { result, status } = await trigger.call(ds24(purchase));
    expect(status).toBeUndefined();
    expect(result.workflowData).toEqual([[{
      json: expect.objectContaining({
        shop: 'digistore24', event: 'purchase', email: 'kaeufer@example.com', firstName: 'Kim', lastName: 'Käufer', orderId: 'DS24-ORDER-1',
        productId: '512345', transactionId: '1001', amount: 47, currency: 'EUR', test: false, accessEndsAt: null, duplicate: false,
        raw: expect.not.objectContaining({ sha_sign: expect.anything() }),
      }),
    }]]);
  });

  it('answers a wrong or missing sha_sign with 401, starts nothing and sends nothing of the body back', async () => {
    const trigger = shopTrigger({ shop: 'digistore24' }, PASSPHRASE);
    const wrong = ds24(purchase, 'another-passphrase');
    const missing = { rawBody: new URLSearchParams(purchase).toString(), body: purchase };
    for (const request of [wrong, missing]) {
      const { result, status, sent } = await trigger.call(request);
      expect(status).toBe(401);
      expect(result.workflowData).toBeUndefined();
      expect(String(sent)).not.toMatch(/kaeufer|DS24-ORDER-1|passphrase-for-tests/);
    }
    expect(trigger.staticData()).toEqual({ [`node:${SHOP_TRIGGER_NAME}`]: {} });
  });

  it('fails closed without a secret: activation refuses, a call gets 503', async () => {
    const empty = shopTrigger({ shop: 'digistore24' }, '   ');
    await expect(empty.activate()).rejects.toThrow(/No IPN passphrase is set/);
    const answer = await empty.call(ds24(purchase, '   '));
    expect(answer.status).toBe(503);
    expect(answer.result.workflowData).toBeUndefined();
    const none = shopTrigger({ shop: 'digistore24' }, undefined);
    await expect(none.activate()).rejects.toThrow();
    expect((await none.call(ds24(purchase))).status).toBe(503);
    await expect(shopTrigger({ shop: 'digistore24' }, PASSPHRASE).activate()).resolves.toBeUndefined();
  });

  it('answers GET and HEAD with 200 (the shops check the URL so)', async () => {
    const trigger = shopTrigger({ shop: 'thrivecart' }, 'word');
    for (const method of ['GET', 'HEAD'] as const) {
      const { result, status } = await trigger.call({ method });
      expect(status).toBe(200);
      expect(result.workflowData).toBeUndefined();
    }
  });

  it("answers Digistore24's connection_test with OK and starts nothing", async () => {
    const { result, status, sent } = await shopTrigger({ shop: 'digistore24' }, PASSPHRASE).call(ds24({ event: 'connection_test' }));
    expect([status, sent]).toEqual([200, 'OK']);
    expect(result.workflowData).toBeUndefined();
  });

  it('purchase, refund, the purchase sent again: the replay is answered OK and starts nothing; a retry is marked duplicate', async () => {
    const trigger = shopTrigger({ shop: 'digistore24' }, PASSPHRASE);
    expect((await trigger.call(ds24(purchase))).result.workflowData?.[0][0].json).toMatchObject({ duplicate: false });
    // The shop's retry of the same notification (e.g. after a failed grant) still starts the workflow.
    expect((await trigger.call(ds24(purchase))).result.workflowData?.[0][0].json).toMatchObject({ event: 'purchase', duplicate: true });
    const refund = await trigger.call(ds24({ ...purchase, event: 'on_refund', transaction_id: '1002' }));
    expect(refund.result.workflowData?.[0][0].json).toMatchObject({ event: 'refund', orderId: 'DS24-ORDER-1' });
    const replay = await trigger.call(ds24(purchase));
    expect([replay.status, replay.sent]).toEqual([200, 'OK']);
    expect(replay.result.workflowData).toBeUndefined();
    // Kept in the workflow's static data, compact: no order id, no e-mail address.
    const memory = JSON.stringify(trigger.staticData());
    expect(memory).not.toMatch(/DS24-ORDER-1|kaeufer/);
    expect(memory.length).toBeLessThan(300);
    // Marked changed, so that n8n saves it with the workflow after the run.
    expect((trigger.workflow.staticData as Record<string, unknown>).__dataChanged).toBe(true);
  });

  it('answers events outside the filter with OK without starting the workflow', async () => {
    const trigger = shopTrigger({ shop: 'digistore24', events: ['purchase'] }, PASSPHRASE);
    const cancelled = await trigger.call(ds24({ ...purchase, event: 'on_rebill_cancelled', transaction_id: '1003' }));
    expect([cancelled.status, cancelled.sent, cancelled.result.workflowData]).toEqual([200, 'OK', undefined]);
    expect((await trigger.call(ds24(purchase))).result.workflowData).toHaveLength(1);
  });

  it('verifies Stripe over the raw body and refuses one 10 minutes old', async () => {
    const secret = 'whsec_test_secret_for_n8n';
    const trigger = shopTrigger({ shop: 'stripe' }, secret);
    const send = async (ageSeconds: number) => {
      const t = Math.floor(Date.now() / 1000) - ageSeconds;
      const rawBody = JSON.stringify({ id: `evt_${ageSeconds}`, type: 'checkout.session.completed', livemode: false, data: { object: { id: 'cs_1', payment_intent: 'pi_1', payment_status: 'paid', amount_total: 4700, currency: 'eur', customer_details: { email: 'a@example.com', name: 'Anna Schmidt' } } } });
      const signature = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
      return trigger.call({ rawBody, body: JSON.parse(rawBody), headers: { 'stripe-signature': `t=${t},v1=${signature}` } });
    };
    expect((await send(0)).result.workflowData?.[0][0].json).toMatchObject({ shop: 'stripe', event: 'purchase', email: 'a@example.com', firstName: 'Anna', lastName: 'Schmidt', amount: 47, currency: 'EUR', test: true });
    const old = await send(600);
    expect(old.status).toBe(401);
    expect(old.result.workflowData).toBeUndefined();
  });

  it('keeps the ThriveCart secret word out of the event', async () => {
    const trigger = shopTrigger({ shop: 'thrivecart' }, 'my-secret-word');
    const fields = { event: 'order.success', order_id: '77', 'customer[email]': 'a@example.com', 'order[total]': '4700', thrivecart_secret: 'my-secret-word' };
    const rawBody = new URLSearchParams(fields).toString();
    const { result } = await trigger.call({ rawBody, body: fields });
    expect(JSON.stringify(result.workflowData)).not.toContain('my-secret-word');
    expect(result.workflowData?.[0][0].json).toMatchObject({ email: 'a@example.com', amount: 47 });
  });

  it('runs the workflow behind it: a verified purchase grants the access at the sandbox', async () => {
    env.sandbox.reset();
    const trigger = shopTrigger({ shop: 'digistore24' }, PASSPHRASE);
    const { result } = await trigger.call(ds24(purchase));
    const workflow: WorkflowJson = {
      nodes: [
        shopTriggerNode({ shop: 'digistore24' }),
        {
          id: 'g', name: 'Grant Access', type: MEMBERSPOT, typeVersion: 1, position: [200, 0], credentials: CREDENTIAL_REF,
          parameters: { resource: 'access', operation: 'grant', email: '={{ $json.email }}', accessId: 'off_basic', firstName: '={{ $json.firstName }}', lastName: '={{ $json.lastName }}', orderId: '={{ $json.orderId }}' },
        },
      ],
      connections: { [SHOP_TRIGGER_NAME]: { main: [[{ node: 'Grant Access', type: 'main', index: 0 }]] } },
    };
    const run = await runFrom(workflow, { apiKey: API_KEY, baseUrl: env.sandbox.url }, SHOP_TRIGGER_NAME, result.workflowData?.[0] ?? []);
    expect(run.error).toBeUndefined();
    expect(env.sandbox.state.userByEmail('kaeufer@example.com')).toBeDefined();
  });

  it('keeps the secret out of the saved workflow: it is a credential, not a parameter', () => {
    const type = packageNodeTypes.find((t) => t.description.name === 'memberspotShopTrigger') as INodeType;
    expect(type.description.displayName).toBe('Shop Webhook Trigger');
    expect(type.description.credentials).toEqual([{ name: SHOP_SECRET_TYPE, required: true }]);
    expect(credentialTypes.get(SHOP_SECRET_TYPE)?.properties.find((p) => p.name === 'secret')?.typeOptions).toMatchObject({ password: true });
    const node = shopTriggerNode({ shop: 'stripe', secret: 'typed-secret' });
    node.parameters = NodeHelpers.getNodeParameters(type.description.properties, node.parameters, false, false, node, type.description) ?? {};
    expect(JSON.stringify(node)).not.toContain('typed-secret');
    expect(node.type).toBe(SHOP_TRIGGER);
    // Answers once the workflow finished, with the last node's shopAnswer as text.
    expect(type.description.webhooks?.find((w) => w.httpMethod === 'POST')).toMatchObject({ responseMode: 'lastNode', responsePropertyName: 'shopAnswer' });
  });
});
