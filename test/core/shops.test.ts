/**
 * The shop webhook core (shared/shops/): each shop's verification against published vectors, and refusals
 * for a tampered byte, a missing header or field, an empty secret and (Stripe, Paddle) an expired timestamp.
 *
 * Vector sources:
 * - Digistore24: the 9 vectors of digistore24/ds24-skills `skills/ds24-ipn/scripts/vectors.json` (Digistore24
 *   Inc, MIT; the same set as digistore24/ds24-appkit `lib/digistore/ipn-vectors.json`), copied unchanged
 *   into test/fixtures/shops/ds24-vectors.json.
 * - Stripe: typeclasses/stripe `stripe-signature/test/test.hs` (secret `secret`, t `123`, payload `hello`).
 * - Paddle: PaddleHQ/paddle-node-sdk `src/__tests__/notifications/webhooks-validator.test.ts` (secret
 *   `VALID_SECRET`, ts 1698796800).
 * - CopeCart publishes no vector: the expected signature is computed here by `openssl dgst -sha256 -hmac`.
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { digistoreSignature, handleShopWebhook, shopSecretProblem, SHOPS, type Shop, type ShopRequest } from '../../shared/shops';
import vectorFile from '../fixtures/shops/ds24-vectors.json';

const vectors = vectorFile as unknown as { passphrase: string; vectors: Array<{ name: string; uppercaseKeys: boolean; params: Record<string, string>; expected: string }> };

const NOW = 1_700_000_000_000;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('Digistore24 sha_sign', () => {
  it.each(vectors.vectors.map((v) => [v.name, v] as const))('reproduces the published vector %s', (_name, vector) => {
    expect(digistoreSignature(vector.params, vectors.passphrase, vector.uppercaseKeys)).toBe(vector.expected);
  });

  it('has all 9 published vectors', () => expect(vectors.vectors).toHaveLength(9));

  it('accepts a notification signed with the original or the upper-case keys, as form bytes or parsed fields', () => {
    const params = { ...vectors.vectors[7].params };
    const original = { ...params, sha_sign: digistoreSignature(params, vectors.passphrase) };
    const upper = { ...params, sha_sign: digistoreSignature(params, vectors.passphrase, true) };
    for (const fields of [original, upper]) {
      expect(handleShopWebhook({ rawBody: form(fields) }, { shop: 'digistore24', secret: vectors.passphrase, now: NOW })).toMatchObject({ kind: 'event' });
      expect(handleShopWebhook({ body: fields }, { shop: 'digistore24', secret: vectors.passphrase, now: NOW })).toMatchObject({ kind: 'event' });
    }
    // A lower-case sha_sign is the same signature.
    const lower = { ...params, sha_sign: original.sha_sign.toLowerCase() };
    expect(handleShopWebhook({ body: lower }, { shop: 'digistore24', secret: vectors.passphrase, now: NOW }).kind).toBe('event');
  });

  it('verifies the captured 173-field notification sent as form bytes (+ and %-encoding, 0 values kept)', () => {
    const params = { ...vectors.vectors[8].params };
    params.sha_sign = vectors.vectors[8].expected;
    const decision = handleShopWebhook({ rawBody: form(params) }, { shop: 'digistore24', secret: vectors.passphrase, now: NOW });
    expect(decision).toMatchObject({
      kind: 'event',
      event: {
        shop: 'digistore24', event: 'purchase', email: 'kaeufer@example.de', firstName: 'Test', lastName: 'Kauf', orderId: 'A1B2C3D4',
        productId: '512345', transactionId: '3999938', amount: 49, currency: 'EUR', test: true, duplicate: false,
      },
    });
    if (decision.kind === 'event') expect(decision.event.raw).not.toHaveProperty('sha_sign');
  });
});

describe('Stripe-Signature', () => {
  it('reproduces the typeclasses/stripe vector', () => {
    expect(createHmac('sha256', 'secret').update('123.hello').digest('hex')).toBe('f89c0a0e96fa6304a7ebd5ecaf13bc1beb859577cd7cafb7bdbc43c3bc2f6afa');
    const request = { rawBody: 'hello', headers: { 'Stripe-Signature': 't=123,v1=f89c0a0e96fa6304a7ebd5ecaf13bc1beb859577cd7cafb7bdbc43c3bc2f6afa' } };
    // Signature right, but the body is not an event object: refused after the check, never accepted.
    expect(handleShopWebhook(request, { shop: 'stripe', secret: 'secret', now: 123_000 })).toMatchObject({ kind: 'unauthorized', message: 'The body is not JSON' });
    // Tolerance: 123 s is far in the past at NOW.
    expect(handleShopWebhook(request, { shop: 'stripe', secret: 'secret', now: NOW })).toMatchObject({ kind: 'unauthorized', message: expect.stringMatching(/tolerance/) });
  });

  it('tries every v1 and ignores v0', () => {
    const body = JSON.stringify({ id: 'evt_1', type: 'invoice.paid', livemode: true, data: { object: { id: 'in_1', amount_paid: 4700, currency: 'eur', customer_email: 'a@example.com' } } });
    const t = NOW / 1000;
    const good = createHmac('sha256', 'whsec_test').update(`${t}.${body}`).digest('hex');
    const headers = { 'stripe-signature': `t=${t},v1=${'0'.repeat(64)},v1=${good},v0=${'1'.repeat(64)}` };
    expect(handleShopWebhook({ rawBody: body, headers }, { shop: 'stripe', secret: 'whsec_test', now: NOW })).toMatchObject({
      kind: 'event', event: { event: 'purchase', amount: 47, currency: 'EUR', email: 'a@example.com', test: false },
    });
    const onlyV0 = { 'stripe-signature': `t=${t},v0=${good}` };
    expect(handleShopWebhook({ rawBody: body, headers: onlyV0 }, { shop: 'stripe', secret: 'whsec_test', now: NOW }).kind).toBe('unauthorized');
  });
});

describe('Paddle-Signature', () => {
  const ts = 1698796800;
  it.each([
    ['{"data": ["1", "2"]}', 'a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9'],
    ['{"data": "value"}', '28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261'],
  ])('reproduces the paddle-node-sdk vector for %s', (body, h1) => {
    const headers = { 'paddle-signature': `ts=${ts};h1=${h1}` };
    expect(handleShopWebhook({ rawBody: body, headers }, { shop: 'paddle', secret: 'VALID_SECRET', now: ts * 1000 }).kind).toBe('event');
    // The SDK's own negative case: added whitespace fails.
    expect(handleShopWebhook({ rawBody: `${body} `, headers }, { shop: 'paddle', secret: 'VALID_SECRET', now: ts * 1000 }).kind).toBe('unauthorized');
  });
});

describe('CopeCart X-Copecart-Signature', () => {
  const body = '{"event_type":"payment.made","order_id":"M6B5zL7i","test_payment":true}';
  it('matches openssl dgst -sha256 -hmac (and the facts file\'s self-computed vector)', () => {
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-hmac', 'test-secret', '-binary'], { input: body });
    const expected = openssl.toString('base64');
    expect(expected).toBe('Or0b8YIdUVsJi6ZreJkNPo0n5jNKsI3VBBj2K+LF1E0=');
    const decision = handleShopWebhook({ rawBody: Buffer.from(body), headers: { 'X-Copecart-Signature': ` ${expected} ` } }, { shop: 'copecart', secret: 'test-secret', now: NOW });
    expect(decision).toMatchObject({ kind: 'event', event: { shop: 'copecart', event: 'purchase', orderId: 'M6B5zL7i', test: true } });
  });
});

/** A correctly signed/secured request per shop, made from the request's body text. */
const SECRET = 'a-long-shop-secret-for-the-tests-0123';
function signed(shop: Shop, nowMs = NOW): ShopRequest {
  const t = Math.floor(nowMs / 1000);
  switch (shop) {
    case 'digistore24': {
      const params = { event: 'on_payment', order_id: 'O-1', transaction_id: 'T-1', email: 'a@example.com', api_mode: 'live', amount: '47.00' };
      return { rawBody: form({ ...params, sha_sign: digistoreSignature(params, SECRET) }) };
    }
    case 'copecart': {
      const body = JSON.stringify({ event_type: 'payment.made', order_id: 'O-1', transaction_id: 'T-1', buyer_email: 'a@example.com', transaction_amount: 47.5 });
      return { rawBody: body, headers: { 'x-copecart-signature': createHmac('sha256', SECRET).update(body).digest('base64') } };
    }
    case 'thrivecart':
      return { rawBody: form({ event: 'order.success', order_id: 'O-1', event_id: 'E-1', 'customer[email]': 'a@example.com', 'order[total]': '4700', thrivecart_secret: SECRET }) };
    case 'stripe': {
      const body = JSON.stringify({ id: 'evt_1', type: 'checkout.session.completed', livemode: false, data: { object: { id: 'cs_1', payment_intent: 'pi_1', payment_status: 'paid', amount_total: 4700, currency: 'eur', customer_details: { email: 'a@example.com', name: 'Anna Maria Schmidt' } } } });
      return { rawBody: body, headers: { 'stripe-signature': `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')}` } };
    }
    case 'paddle': {
      const body = JSON.stringify({ event_id: 'evt_1', event_type: 'transaction.completed', data: { id: 'txn_1', currency_code: 'EUR', items: [{ price: { product_id: 'pro_1' } }], details: { totals: { grand_total: '4700' } } } });
      return { rawBody: body, headers: { 'paddle-signature': `ts=${t};h1=${createHmac('sha256', SECRET).update(`${t}:${body}`).digest('hex')}` } };
    }
    case 'elopage':
      return { rawBody: form({ event: 'payment.successful', order_id: 'O-1', id: 'P-1', 'payer[email]': 'a@example.com', revenue: '47.0' }), query: { token: SECRET } };
  }
}

/**
 * Flips one byte of what proves the notification: the signed body (Digistore24, CopeCart, Stripe, Paddle), the
 * secret word in the body (ThriveCart) or the URL token (elopage): these two sign nothing else.
 */
function tampered(shop: Shop, request: ShopRequest): ShopRequest {
  if (shop === 'elopage') return { ...request, query: { token: `${SECRET.slice(0, -1)}4` } };
  if (shop === 'thrivecart') return { ...request, rawBody: (request.rawBody as string).replace(SECRET, `${SECRET.slice(0, -1)}4`) };
  const bytes = Buffer.from(request.rawBody as string);
  const found = bytes.indexOf('example');
  const index = found >= 0 ? found : bytes.indexOf('txn_1');
  if (index < 0) throw new Error('nothing to tamper with');
  bytes[index] = 'b'.charCodeAt(0);
  return { ...request, rawBody: bytes };
}

function withoutProof(shop: Shop, request: ShopRequest): ShopRequest {
  if (shop === 'digistore24' || shop === 'thrivecart') {
    const fields = Object.fromEntries(new URLSearchParams(request.rawBody as string));
    delete fields.sha_sign;
    delete fields.thrivecart_secret;
    return { rawBody: form(fields) };
  }
  if (shop === 'elopage') return { ...request, query: {} };
  return { ...request, headers: {} };
}

describe.each(SHOPS)('%s', (shop) => {
  const options = { shop, secret: SECRET, now: NOW };

  it('accepts a correctly signed notification and normalises it', () => {
    const decision = handleShopWebhook(signed(shop), options);
    expect(decision).toMatchObject({ kind: 'event', successBody: 'OK', event: { shop, event: 'purchase', orderId: expect.any(String), duplicate: false } });
    if (decision.kind === 'event') {
      expect(JSON.stringify(decision.event)).not.toContain(SECRET);
      if (shop !== 'paddle') expect(decision.event.email).toBe('a@example.com');
      expect(decision.event.amount).toBe(shop === 'copecart' ? 47.5 : 47);
    }
  });

  it('refuses a tampered byte', () => {
    expect(handleShopWebhook(tampered(shop, signed(shop)), options)).toMatchObject({ kind: 'unauthorized', status: 401 });
  });

  if (shop === 'thrivecart' || shop === 'elopage') {
    it('cannot tell a changed body while the secret is right (no signature: weaker, the README says so)', () => {
      const request = signed(shop);
      const changed = { ...request, rawBody: (request.rawBody as string).replace('a%40example', 'b%40example') };
      expect(handleShopWebhook(changed, options)).toMatchObject({ kind: 'event', event: { email: 'b@example.com' } });
    });
  }

  it('refuses a missing signature header or field, and a wrong secret', () => {
    expect(handleShopWebhook(withoutProof(shop, signed(shop)), options)).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(handleShopWebhook(signed(shop), { ...options, secret: `${SECRET}x` })).toMatchObject({ kind: 'unauthorized', status: 401 });
  });

  it('fails closed without a secret (503), whatever the request carries', () => {
    for (const secret of ['', '   ', undefined]) {
      expect(handleShopWebhook(signed(shop), { ...options, secret })).toMatchObject({ kind: 'unconfigured', status: 503 });
    }
    expect(shopSecretProblem(shop, '')).toMatch(/No .+ is set/);
  });

  it('keeps nothing of the body in a refusal', () => {
    const decision = handleShopWebhook(tampered(shop, signed(shop)), options);
    expect(decision.kind).toBe('unauthorized');
    expect(JSON.stringify(decision)).not.toMatch(/example|O-1/);
  });

  if (shop === 'stripe' || shop === 'paddle') {
    it('refuses a timestamp more than 300 s away (a replay 10 minutes later), accepts 4 minutes', () => {
      const request = signed(shop, NOW);
      expect(handleShopWebhook(request, { ...options, now: NOW + 10 * 60_000 })).toMatchObject({ kind: 'unauthorized', message: expect.stringMatching(/tolerance/) });
      expect(handleShopWebhook(request, { ...options, now: NOW - 10 * 60_000 }).kind).toBe('unauthorized');
      expect(handleShopWebhook(request, { ...options, now: NOW + 4 * 60_000 }).kind).toBe('event');
    });
  }
});

describe('replays and repeats', () => {
  function ds24(event: string, transactionId: string, orderId = 'O-9'): ShopRequest {
    const params = { event, order_id: orderId, transaction_id: transactionId, email: 'a@example.com', api_mode: 'live' };
    return { body: { ...params, sha_sign: digistoreSignature(params, SECRET) } };
  }

  it('marks a repeat duplicate but still emits it (the shop retries after a failed grant)', () => {
    const memory = {};
    const first = handleShopWebhook(ds24('on_payment', 'T-1'), { shop: 'digistore24', secret: SECRET, memory, now: NOW });
    const again = handleShopWebhook(ds24('on_payment', 'T-1'), { shop: 'digistore24', secret: SECRET, memory, now: NOW + 180_000 });
    expect(first).toMatchObject({ kind: 'event', event: { duplicate: false } });
    expect(again).toMatchObject({ kind: 'event', event: { duplicate: true } });
  });

  it('a purchase for an order refunded or charged back in the last 30 days is answered OK and emits nothing', () => {
    for (const ending of ['on_refund', 'on_chargeback']) {
      const memory = {};
      const run = (request: ShopRequest, now: number) => handleShopWebhook(request, { shop: 'digistore24', secret: SECRET, memory, now });
      expect(run(ds24('on_payment', 'T-1'), NOW).kind).toBe('event');
      expect(run(ds24(ending, 'T-2'), NOW + 1000)).toMatchObject({ kind: 'event', event: { event: ending === 'on_refund' ? 'refund' : 'chargeback' } });
      expect(run(ds24('on_payment', 'T-1'), NOW + 2000)).toEqual({ kind: 'answer', status: 200, body: 'OK', reason: 'replay' });
      // Another order is not affected; after 30 days the order is forgotten.
      expect(run(ds24('on_payment', 'T-3', 'O-10'), NOW + 3000).kind).toBe('event');
      expect(run(ds24('on_payment', 'T-1'), NOW + 31 * 24 * 3600_000).kind).toBe('event');
      // Compact: hashes only, no order id or e-mail address.
      expect(JSON.stringify(memory)).not.toMatch(/O-9|example/);
    }
  });

  it('remembers nothing from a refused notification', () => {
    const memory = {};
    const forged = ds24('on_refund', 'T-2');
    (forged.body as Record<string, string>).sha_sign = 'A'.repeat(128);
    expect(handleShopWebhook(forged, { shop: 'digistore24', secret: SECRET, memory, now: NOW }).kind).toBe('unauthorized');
    expect(memory).toEqual({});
    expect(handleShopWebhook(ds24('on_payment', 'T-1'), { shop: 'digistore24', secret: SECRET, memory, now: NOW }).kind).toBe('event');
  });

  it("answers Digistore24's signed connection_test with OK and emits nothing; unsigned it is refused", () => {
    expect(handleShopWebhook(ds24('connection_test', ''), { shop: 'digistore24', secret: SECRET, now: NOW })).toEqual({ kind: 'answer', status: 200, body: 'OK', reason: 'test' });
    expect(handleShopWebhook({ body: { event: 'connection_test' } }, { shop: 'digistore24', secret: SECRET, now: NOW }).kind).toBe('unauthorized');
  });
});

describe('event mapping (shop-webhooks.md §10)', () => {
  const ds24Event = (event: string) => {
    const params = { event, order_id: 'O', api_mode: 'live' };
    const d = handleShopWebhook({ body: { ...params, sha_sign: digistoreSignature(params, SECRET) } }, { shop: 'digistore24', secret: SECRET, now: NOW });
    return d.kind === 'event' ? d.event.event : d.kind;
  };
  it.each([
    ['on_payment', 'purchase'], ['on_refund', 'refund'], ['on_chargeback', 'chargeback'], ['on_rebill_cancelled', 'subscriptionCancelled'],
    ['last_paid_day', 'accessEnded'], ['on_payment_missed', 'paymentMissed'], ['on_rebill_resumed', 'subscriptionResumed'], ['payment_denial', 'other'],
  ])('Digistore24 %s is %s', (event, expected) => expect(ds24Event(event)).toBe(expected));

  it('reads ThriveCart customer fields flat (n8n) and nested (Node-RED), without the secret', () => {
    const nested = { event: 'order.refund', order_id: 'O', customer: { email: 'n@example.com', first_name: 'Nina', last_name: 'Nest' }, refund: { amount: '1250' }, mode: 'test', thrivecart_secret: SECRET };
    const decision = handleShopWebhook({ body: nested }, { shop: 'thrivecart', secret: SECRET, now: NOW });
    expect(decision).toMatchObject({ kind: 'event', event: { event: 'refund', email: 'n@example.com', firstName: 'Nina', lastName: 'Nest', amount: 12.5, test: true } });
    if (decision.kind === 'event') expect(decision.event.raw).not.toHaveProperty('thrivecart_secret');
  });

  it('passes CopeCart is_cancelled_for on as accessEndsAt', () => {
    const body = JSON.stringify({ event_type: 'payment.recurring.cancelled', order_id: 'O', is_cancelled_for: '2026-12-31' });
    const headers = { 'x-copecart-signature': createHmac('sha256', SECRET).update(body).digest('base64') };
    expect(handleShopWebhook({ rawBody: body, headers }, { shop: 'copecart', secret: SECRET, now: NOW })).toMatchObject({ kind: 'event', event: { event: 'subscriptionCancelled', accessEndsAt: '2026-12-31' } });
  });

  it('maps Stripe refunds and disputes to the payment intent of the checkout session', () => {
    const t = NOW / 1000;
    const send = (type: string, object: Record<string, unknown>) => {
      const body = JSON.stringify({ id: `evt_${type}`, type, livemode: true, data: { object } });
      const headers = { 'stripe-signature': `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')}` };
      const d = handleShopWebhook({ rawBody: body, headers }, { shop: 'stripe', secret: SECRET, now: NOW });
      return d.kind === 'event' ? d.event : null;
    };
    expect(send('charge.refunded', { id: 'ch_1', payment_intent: 'pi_1', amount_refunded: 4700, currency: 'eur' })).toMatchObject({ event: 'refund', orderId: 'pi_1', amount: 47 });
    expect(send('charge.dispute.created', { id: 'dp_1', payment_intent: 'pi_1', amount: 4700, currency: 'eur' })).toMatchObject({ event: 'chargeback', orderId: 'pi_1' });
    expect(send('customer.subscription.deleted', { id: 'sub_1' })).toMatchObject({ event: 'accessEnded', orderId: 'sub_1' });
    // A subscription's invoice and the end of that subscription name the same order.
    expect(send('invoice.paid', { id: 'in_1', subscription: 'sub_1', payment_intent: 'pi_9', amount_paid: 1900, currency: 'eur' })).toMatchObject({ event: 'purchase', orderId: 'sub_1', amount: 19 });
    expect(send('customer.subscription.updated', { id: 'sub_1', cancel_at_period_end: true, cancel_at: 1767225600 })).toMatchObject({ event: 'subscriptionCancelled', accessEndsAt: '2026-01-01T00:00:00.000Z' });
    expect(send('checkout.session.completed', { id: 'cs_1', payment_status: 'unpaid' })).toMatchObject({ event: 'other' });
  });

  it('maps Paddle adjustments to refund/chargeback of the transaction', () => {
    const t = NOW / 1000;
    const body = JSON.stringify({ event_id: 'evt_2', event_type: 'adjustment.created', data: { id: 'adj_1', action: 'refund', status: 'approved', transaction_id: 'txn_1', currency_code: 'EUR', totals: { total: '4700' } } });
    const headers = { 'paddle-signature': `ts=${t};h1=${createHmac('sha256', SECRET).update(`${t}:${body}`).digest('hex')}` };
    expect(handleShopWebhook({ rawBody: body, headers }, { shop: 'paddle', secret: SECRET, now: NOW })).toMatchObject({ kind: 'event', event: { event: 'refund', orderId: 'txn_1', amount: 47 } });
  });

  it('refuses an elopage token that is too short to be a secret', () => {
    expect(handleShopWebhook({ body: {}, query: { token: 'short' } }, { shop: 'elopage', secret: 'short', now: NOW })).toMatchObject({ kind: 'unconfigured' });
  });
});
