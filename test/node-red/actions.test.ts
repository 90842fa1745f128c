/**
 * The action node in the real Node-RED runtime against the sandbox: every action of the registry, typedInput
 * and msg fallback resolution, results on the same msg, Catch nodes, status, bulk arrays, close during
 * queued work, and that the API key never shows up.
 */
import { actionList } from '../../shared';
import { API_KEY, maxInWindow, useSandbox } from '../helpers/sandbox';
import { actionFlow, helper, load, logText, node, recordLog, run, statusKey, statuses, str, typed, until, useNodeRed, type Msg } from './helpers';

const env = useSandbox();
useNodeRed();

beforeEach(() => env.sandbox.reset());

const ANNA = 'anna.schmidt@example.com';
const seen: unknown[] = [];
const logs = recordLog();
afterEach(() => {
  seen.push(logText());
});
afterAll(() => {
  logs.stop();
  // Nothing any test saw (outputs, errors, statuses, logs) contained the key.
  expect(logs.entries.length).toBeGreaterThan(0);
  expect(logs.text()).not.toContain(API_KEY);
  expect(JSON.stringify(seen)).not.toContain(API_KEY);
});

function remember<T>(value: T): T {
  seen.push(value);
  return value;
}

async function runAction(action: string, props: Record<string, unknown>, msg: Msg = {}) {
  await load(actionFlow(env.sandbox.url, action, props));
  const result = remember(await run(msg));
  if (result.caught) throw new Error(`expected success, Catch got: ${JSON.stringify(result.caught.error)}`);
  return result.out as Msg;
}

function user(email: string) {
  return env.sandbox.state.userByEmail(email);
}

describe('every action of the registry', () => {
  const covered = new Set<string>();
  afterAll(() => {
    expect([...covered].sort()).toEqual(actionList.map((a) => a.id).sort());
  });

  it('grantAccess: node settings and msg fallback; the user gets the offer with the order id', async () => {
    covered.add('grantAccess');
    const out = await runAction('grantAccess', { ...str('email', 'neu@example.com'), ...str('accessId', 'off_basic') }, {
      firstName: 'Nora',
      lastName: 'Neumann',
      orderId: 2001,
      req: { marker: 'kept' },
    });
    expect(out.payload).toMatchObject({ success: true, email: 'neu@example.com', accessId: 'off_basic', orderId: '2001' });
    expect(out.req).toEqual({ marker: 'kept' });
    expect(user('neu@example.com')).toMatchObject({ firstname: 'Nora', name: 'Neumann' });
    expect(user('neu@example.com')?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', orderId: '2001', active: true })]);
  });

  it('revokeAccess: active false keeps the progress', async () => {
    covered.add('revokeAccess');
    await runAction('revokeAccess', { ...typed('active', 'bool', 'false') }, { email: ANNA, accessId: 'off_premium' });
    expect(user(ANNA)?.offers.find((o) => o.offerId === 'off_premium')?.active).toBe(false);
    expect(Object.keys(user(ANNA)?.progress ?? {}).length).toBeGreaterThan(0);
  });

  it('deleteAccess removes the offer', async () => {
    covered.add('deleteAccess');
    await runAction('deleteAccess', {}, { email: ANNA, accessId: 'off_premium' });
    expect(user(ANNA)?.offers.some((o) => o.offerId === 'off_premium')).toBe(false);
  });

  it('setOfferExpiration sets the expiry', async () => {
    covered.add('setOfferExpiration');
    await runAction('setOfferExpiration', { ...str('expiresAt', '2027-01-31') }, { email: ANNA, accessId: 'off_premium' });
    expect(user(ANNA)?.offers.find((o) => o.offerId === 'off_premium')?.expiresAt).toBe('2027-01-31T00:00:00.000Z');
  });

  it('revokeOrderAccess and deleteOrderAccess act on the order', async () => {
    covered.add('revokeOrderAccess');
    covered.add('deleteOrderAccess');
    await env.client().execute('grantAccess', { email: 'order@example.com', accessId: 'off_basic', orderId: 'CC-77' });
    await runAction('revokeOrderAccess', {}, { email: 'order@example.com', orderId: 'CC-77' });
    expect(user('order@example.com')?.offers[0]).toMatchObject({ orderId: 'CC-77', active: false });
    await helper.unload();
    await runAction('deleteOrderAccess', { ...str('orderId', 'CC-77') });
    expect(user('order@example.com')?.offers).toEqual([]);
  });

  it.each([
    ['a missing msg leaf', typed('active', 'msg', 'order.active'), { order: {} }],
    ['msg.active empty text', {}, { active: '' }],
    ['msg.active null', {}, { active: null }],
    ['an unset env var', typed('active', 'env', 'MEMBERSPOT_TEST_UNSET_ACTIVE'), {}],
  ])('deleteOrderAccess with an Active that resolves empty (%s) goes to Catch, nothing sent', async (_what, props, msg) => {
    await env.client().execute('grantAccess', { email: 'order@example.com', accessId: 'off_basic', orderId: 'CC-79' });
    const before = env.requests().length;
    await load(actionFlow(env.sandbox.url, 'deleteOrderAccess', { ...str('orderId', 'CC-79'), ...props }));
    const result = remember(await run(msg as Msg));
    expect(result.out).toBeUndefined();
    expect(JSON.stringify(result.caught?.error)).toMatch(/active.*is set but empty/);
    expect(env.requests()).toHaveLength(before);
    expect(user('order@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'CC-79', active: true })]);
  });

  it('setOrderState sets the order state from msg.active, and refuses a message without it', async () => {
    covered.add('setOrderState');
    await env.client().execute('grantAccess', { email: 'order@example.com', accessId: 'off_basic', orderId: 'CC-81' });
    const out = await runAction('setOrderState', {}, { orderId: 'CC-81', active: false });
    expect(out.payload).toMatchObject({ success: true, orderId: 'CC-81', active: false });
    expect(user('order@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'CC-81', active: false })]);
    const before = env.requests().length;
    const refused = remember(await run({ orderId: 'CC-81' }));
    expect(JSON.stringify(refused.caught?.error)).toMatch(/active.*is required/);
    expect(env.requests()).toHaveLength(before);
  });

  it('findUserByEmail, listUsers, getLoginToken read users', async () => {
    covered.add('findUserByEmail');
    covered.add('listUsers');
    covered.add('getLoginToken');
    const found = await runAction('findUserByEmail', {}, { email: ANNA });
    expect(found.payload).toMatchObject({ email: ANNA, uid: user(ANNA)?.uid });
    await helper.unload();
    const listed = await runAction('listUsers', { ...str('accessId', 'off_premium'), ...typed('pageLength', 'num', '100') });
    expect((listed.payload as { users: Array<{ email: string }> }).users.map((u) => u.email)).toContain(ANNA);
    await helper.unload();
    const token = await runAction('getLoginToken', { ...typed('uid', 'msg', 'who.uid') }, { who: { uid: user(ANNA)?.uid } });
    expect(token.payload).toMatchObject({ uid: user(ANNA)?.uid, token: expect.any(String) });
  });

  it('deleteUsers takes a JSON list', async () => {
    covered.add('deleteUsers');
    const out = await runAction('deleteUsers', { ...typed('emails', 'json', '["max.mueller@example.com"]') });
    expect(out.payload).toMatchObject({ success: true, deleted: 1 });
    expect(user('max.mueller@example.com')).toBeUndefined();
  });

  it('deleteUsers reports a look-alike address as deleting nobody, and Max Addresses refuses a longer list', async () => {
    const lookalike = await runAction('deleteUsers', {}, { emails: '\u0430nna.schmidt@example.com' });
    expect(lookalike.payload).toMatchObject({ success: false, deleted: 0 });
    await helper.unload();
    const before = env.requests().length;
    await load(actionFlow(env.sandbox.url, 'deleteUsers', { ...typed('maxEmails', 'num', '1') }));
    const refused = remember(await run({ emails: [ANNA, 'tom.weber@example.com'] }));
    expect(JSON.stringify(refused.caught?.error)).toMatch(/emails.*more than the maximum of 1/);
    expect(env.requests()).toHaveLength(before);
    expect(user(ANNA)).toBeDefined();
  });

  it('setCustomProperties and listCustomProperties', async () => {
    covered.add('setCustomProperties');
    covered.add('listCustomProperties');
    await runAction('setCustomProperties', { ...typed('properties', 'json', '{"cp_phone": "+49 30 1234"}') }, { email: ANNA });
    expect(user(ANNA)?.customProperties.cp_phone).toBe('+49 30 1234');
    await helper.unload();
    const list = await runAction('listCustomProperties', {});
    expect((list.payload as Array<{ id: string }>).map((p) => p.id)).toEqual(expect.arrayContaining(['cp_phone', 'cp_company', 'cp_source']));
  });

  it('listOffers', async () => {
    covered.add('listOffers');
    const out = await runAction('listOffers', {}, { payload: 'ignored' });
    expect((out.payload as Array<{ id: string }>).map((o) => o.id)).toEqual(expect.arrayContaining(['off_basic', 'off_premium', 'off_coaching']));
  });

  it('listCourseProgress and getCourseProgress', async () => {
    covered.add('listCourseProgress');
    covered.add('getCourseProgress');
    const list = await runAction('listCourseProgress', { ...str('email', ANNA) });
    expect(JSON.stringify(list.payload)).toContain('crs_yoga');
    await helper.unload();
    const one = await runAction('getCourseProgress', { ...str('courseId', 'crs_yoga') }, { email: ANNA });
    expect(one.payload).toMatchObject({ completedLessons: expect.anything() });
  });

  it('enableChapterAccess', async () => {
    covered.add('enableChapterAccess');
    await runAction('enableChapterAccess', { ...str('courseId', 'crs_yoga'), ...str('chapterId', 'ch_yoga_2') }, { email: ANNA });
    expect(user(ANNA)?.chapterAccess).toEqual(expect.arrayContaining([{ courseId: 'crs_yoga', chapterId: 'ch_yoga_2' }]));
  });

  it('getExamResults', async () => {
    covered.add('getExamResults');
    const out = await runAction('getExamResults', { ...str('examId', 'exam_yoga_final') });
    expect(JSON.stringify(out.payload)).toContain('@example.com');
  });

  it('apiCall with the Method option and a path', async () => {
    covered.add('apiCall');
    const out = await runAction('apiCall', { ...typed('method', 'option', 'GET'), ...str('path', '/v1/offers') });
    expect(JSON.stringify(out.payload)).toContain('off_basic');
  });
});

describe('typedInput resolution', () => {
  it('resolves msg, flow, global, env and JSONata fields', async () => {
    process.env.MEMBERSPOT_TEST_OFFER = 'off_coaching';
    const flow = actionFlow(env.sandbox.url, 'grantAccess', {
      ...typed('email', 'jsonata', '$lowercase(customer.mail)'),
      ...typed('accessId', 'env', 'MEMBERSPOT_TEST_OFFER'),
      ...typed('firstName', 'flow', 'first'),
      ...typed('lastName', 'global', 'last'),
      ...typed('orderId', 'msg', 'order.number'),
    });
    await load(flow);
    const n1 = node('n1') as unknown as { context(): { flow: { set(k: string, v: unknown): void }; global: { set(k: string, v: unknown): void } } };
    n1.context().flow.set('first', 'Fiona');
    n1.context().global.set('last', 'Global');
    const result = remember(await run({ customer: { mail: 'MIXED.Case@Example.com' }, order: { number: 'ST-9' } }));
    expect(result.out?.payload).toMatchObject({ email: 'mixed.case@example.com', accessId: 'off_coaching', orderId: 'ST-9' });
    expect(user('mixed.case@example.com')).toMatchObject({ firstname: 'Fiona', name: 'Global' });
  });

  it('a blank text field falls back to msg.<field>; a set field wins over msg', async () => {
    await load(actionFlow(env.sandbox.url, 'grantAccess', { ...str('email', ''), ...str('accessId', 'off_basic') }));
    const result = remember(await run({ email: 'fallback@example.com', accessId: 'off_premium' }));
    expect(result.out?.payload).toMatchObject({ email: 'fallback@example.com', accessId: 'off_basic' });
  });

  it('a missing required value is a validation error naming the field; nothing is sent', async () => {
    env.sandbox.clearLog();
    await load(actionFlow(env.sandbox.url, 'grantAccess', {}));
    const result = remember(await run({ email: 'someone@example.com' }));
    expect(result.caught?.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('accessId') });
    expect(env.requests()).toHaveLength(0);
  });
});

describe('errors', () => {
  it('reach a Catch node with what to do; msg.error keeps message, hint and code', async () => {
    await load(actionFlow(env.sandbox.url, 'findUserByEmail', {}));
    const result = remember(await run({ email: 'nobody@example.com', marker: 1 }));
    expect(result.out).toBeUndefined();
    const caught = result.caught as Msg & { error: Record<string, unknown>; _error: Record<string, unknown> };
    expect(caught.error).toMatchObject({ code: 'NOT_FOUND', source: { id: 'n1', type: 'memberspot' } });
    expect(caught.error.message).toMatch(/nobody@example\.com/);
    expect(caught._error).toMatchObject({ code: 'NOT_FOUND', hint: expect.stringMatching(/Check/) });
    expect(caught.marker).toBe(1);
  });

  it('a wrong key says so, and the key is not in the error', async () => {
    const flow = actionFlow(env.sandbox.url, 'listOffers');
    await load(flow, { cfg: { apiKey: `${API_KEY}-wrong` } });
    const result = remember(await run({}));
    expect(result.caught?.error).toMatchObject({ code: 'AUTHENTICATION', message: expect.stringMatching(/API key/) });
    expect(JSON.stringify(result.caught)).not.toContain(`${API_KEY}-wrong`);
    expect(logText()).not.toContain(`${API_KEY}-wrong`);
  });

  it('a missing key or account is a clear error, not a crash', async () => {
    await load(actionFlow(env.sandbox.url, 'listOffers'), {});
    const result = remember(await run({}));
    expect(result.caught?.error).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/apiKey/) });
    await helper.unload();
    await load(actionFlow(env.sandbox.url, 'listOffers', { account: '' }));
    const noAccount = remember(await run({}));
    expect(noAccount.caught?.error).toMatchObject({ code: 'CONFIG' });
  });
});

describe('Redis', () => {
  it('an unreachable Redis URL: the node warns once (password hidden) and the calls still succeed', async () => {
    await load(actionFlow(env.sandbox.url, 'findUserByEmail', str('email', ANNA)), {
      cfg: { apiKey: API_KEY, redisUrl: 'redis://:s3cret-redis-pass@127.0.0.1:9' },
    });
    const first = remember(await run({}));
    const second = remember(await run({}));
    expect(first.out?.payload).toMatchObject({ email: ANNA });
    expect(second.out?.payload).toMatchObject({ email: ANNA });
    const warnings = logs.entries.filter((e) => String(e.msg).includes('cannot be reached'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].msg)).toMatch(/Redis at redis:\/\/127\.0\.0\.1:9 cannot be reached/);
    expect(logs.text()).not.toContain('s3cret-redis-pass');
  });
});

describe('status', () => {
  it('shows working, done; an error; and done again on the next success; no "queued" when nothing waits', async () => {
    await load(actionFlow(env.sandbox.url, 'findUserByEmail', {}));
    const list = statuses();
    const last = () => list[list.length - 1];
    // Each final status arrives (the updates are throttled; the last one is never dropped).
    remember(await run({ email: ANNA }));
    await until(() => statusKey(last()) === 'memberspot.status.done', 'done');
    remember(await run({ email: 'nobody@example.com' }));
    await until(() => last().fill === 'red', 'the error');
    remember(await run({ email: ANNA }));
    await until(() => statusKey(last()) === 'memberspot.status.done', 'done again');
    remember(list);
    const shown = list.map((s) => `${s.fill}/${statusKey(s)}`);
    expect(shown).not.toContain('yellow/memberspot.status.queued');
    expect(shown).toContain('blue/memberspot.status.working');
  });

  it('shows "queued" when messages really wait for a free slot (Parallel requests 1)', async () => {
    // A rate-limited action: the calls also wait for the limiter's spacing, so the waiting is visible.
    const flow = actionFlow(env.sandbox.url, 'findUserByEmail', {});
    flow[1].parallelRequests = 1;
    await load(flow);
    const list = statuses();
    const outs: Msg[] = [];
    node('out').on('input', ((m: Msg) => outs.push(m)) as never);
    for (let i = 0; i < 4; i += 1) node('n1').receive({ email: ANNA });
    await until(() => outs.length === 4, 'four results');
    await until(() => statusKey(list[list.length - 1]) === 'memberspot.status.done', 'the final status');
    expect(list.map(statusKey)).toContain('memberspot.status.queued');
  });

  it('a 40-element bulk sends a few status updates, not one per element, and always the final one', async () => {
    await load(actionFlow(env.sandbox.url, 'grantAccess', { ...str('accessId', 'off_basic') }));
    const list = statuses();
    const started = Date.now();
    const result = remember(await run({ payload: Array.from({ length: 40 }, (_, i) => ({ email: `s${i}@example.com` })) }));
    expect((result.out?.payload as unknown[]).length).toBe(40);
    await until(() => statusKey(list[list.length - 1]) === 'memberspot.status.bulkDone', 'the final status');
    const elapsed = Date.now() - started;
    remember(list);
    // At most one update per throttle interval (250 ms), plus the first and the final one.
    expect(list.length).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 250));
    expect(list.length).toBeLessThan(40);
  });
});

describe('bulk', () => {
  it('runs every element, one result per element; a bad element does not stop the others but sends the message to Catch', async () => {
    await load(actionFlow(env.sandbox.url, 'grantAccess', { ...str('accessId', 'off_basic') }));
    const list = statuses();
    const result = remember(
      await run({
        payload: [{ email: 'b1@example.com' }, { email: 'not-an-email' }, { email: 'b3@example.com', firstName: 'Bea' }],
        topic: 'bulk',
      }),
    );
    // A failed element fails the message (done(err)): a Catch node can answer the shop 500, so it sends again.
    expect(result.out).toBeUndefined();
    expect(result.caught?.error).toMatchObject({ code: 'BULK_FAILED', message: expect.stringMatching(/^1 of 3 elements of msg.payload failed \(first: element 1: .*email/) });
    const payload = result.caught?.payload as Array<Record<string, unknown>>;
    expect(payload).toHaveLength(3);
    expect(payload[0]).toMatchObject({ ok: true, result: { email: 'b1@example.com', accessId: 'off_basic' } });
    expect(payload[1]).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('email') } });
    expect(payload[2]).toMatchObject({ ok: true, result: { email: 'b3@example.com' } });
    expect(result.caught?.topic).toBe('bulk');
    expect(user('b3@example.com')?.firstname).toBe('Bea');
    await until(() => statusKey(list[list.length - 1]) === 'memberspot.status.bulkFailed', 'the final status');
    expect(list[list.length - 1]).toMatchObject({ fill: 'yellow', text: 'memberspot.status.bulkFailed' });
  });

  it('paces rate-limited elements through the shared limiter (no 429 reaches the sandbox)', async () => {
    env.sandbox.clearLog();
    await load(actionFlow(env.sandbox.url, 'findUserByEmail', {}));
    const emails = Array.from({ length: 10 }, () => ({ email: ANNA }));
    const result = remember(await run({ payload: emails }));
    const payload = result.out?.payload as Array<{ ok: boolean }>;
    expect(payload.filter((p) => p.ok)).toHaveLength(10);
    expect(env.requests().filter((r) => r.status === 429)).toHaveLength(0);
  });

  /** Runs a bulk of `count` Grant Access elements with the sandbox answering after `latencyMs`. */
  async function bulkAtLatency(count: number, latencyMs: number, parallelRequests?: unknown) {
    const flow = actionFlow(env.sandbox.url, 'grantAccess', { ...str('accessId', 'off_basic') });
    if (parallelRequests !== undefined) flow[1].parallelRequests = parallelRequests;
    env.sandbox.clearLog();
    env.sandbox.setFaults({ latencyMs });
    try {
      await load(flow);
      const emails = Array.from({ length: count }, (_, i) => `cap${i}@example.com`);
      const result = remember(await run({ payload: emails.map((email) => ({ email })) }, 'n1', 25_000));
      const grants = env.requests().filter((r) => r.method === 'POST');
      return { emails, result, grants, inFlight: maxInWindow(grants.map((r) => r.time), latencyMs) };
    } finally {
      env.sandbox.setFaults(null);
    }
  }

  it('keeps results in element order with at most "Parallel requests" calls in flight at the sandbox', async () => {
    const { emails, result, inFlight } = await bulkAtLatency(8, 300, 2);
    const payload = result.out?.payload as Array<{ ok: boolean; result: { email: string } }>;
    expect(payload.map((p) => p.result.email)).toEqual(emails);
    expect(inFlight).toBe(2);
  });

  it('uses the default of 8 in flight for accounts saved without the setting', async () => {
    const { emails, result, inFlight } = await bulkAtLatency(12, 500);
    const payload = result.out?.payload as Array<{ ok: boolean; result: { email: string } }>;
    expect(payload.map((p) => p.result.email)).toEqual(emails);
    expect(inFlight).toBe(8);
  });

  it('Parallel requests 1: one at a time, strictly in element order', async () => {
    const { emails, grants, inFlight } = await bulkAtLatency(5, 100, 1);
    expect(inFlight).toBe(1);
    expect(grants.map((r) => (r.body as { email: string }).email)).toEqual(emails);
  });

  it('an invalid Parallel requests setting is a clear error on use; nothing is sent', async () => {
    const flow = actionFlow(env.sandbox.url, 'grantAccess', { ...str('accessId', 'off_basic') });
    flow[1].parallelRequests = 'many';
    env.sandbox.clearLog();
    await load(flow);
    const result = remember(await run({ email: 'invalid.cap@example.com' }));
    expect(result.caught?.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('parallelRequests') });
    expect(env.requests()).toHaveLength(0);
  });
});

describe('bulk is a node option ("Run once per element of msg.payload")', () => {
  const ORDERS = ['A-1001', 'A-1002', 'A-1003'];
  async function customerWithOrders() {
    for (const [i, orderId] of ORDERS.entries()) {
      await env.client().execute('grantAccess', { email: 'kunde@example.com', accessId: ['off_basic', 'off_premium', 'off_coaching'][i], orderId });
    }
    env.sandbox.clearLog();
  }
  const orderList = () => ORDERS.map((orderId) => ({ orderId, status: 'paid' }));

  it('off (a new node): an array payload is not split; msg.orderId is the one order deleted', async () => {
    await customerWithOrders();
    const result = remember(await runActionResult('deleteOrderAccess', { bulk: false }, { orderId: 'A-1003', payload: orderList() }));
    expect(result.out?.payload).toMatchObject({ success: true, orderId: 'A-1003', deleted: true });
    expect(env.requests().map((r) => r.body)).toEqual([{ orderId: 'A-1003' }]);
    expect(user('kunde@example.com')?.offers.map((o) => o.orderId).sort()).toEqual(['A-1001', 'A-1002']);
  });

  it.each([
    ['on', { bulk: true }],
    ['saved without the option (0.1.0)', {}],
  ])('%s: a msg.orderId beside an array payload is refused, naming the conflict; nothing is sent', async (_what, props) => {
    await customerWithOrders();
    const result = remember(await runActionResult('deleteOrderAccess', props, { orderId: 'A-1003', payload: orderList() }));
    expect(result.out).toBeUndefined();
    expect(result.caught?.error).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/msg\.orderId.*is set beside an array msg\.payload.*Run once per element/) });
    expect(env.requests()).toEqual([]);
    expect(user('kunde@example.com')?.offers).toHaveLength(3);
  });

  it('on: a msg.email beside a query result in msg.payload is refused (Delete Access would act on other members)', async () => {
    const result = remember(
      await runActionResult('deleteAccess', { bulk: true, ...str('accessId', 'off_premium') }, { email: 'leaver@example.com', payload: [{ email: ANNA }, { email: 'max.mueller@example.com' }] }),
    );
    expect(result.caught?.error).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/msg\.email.*is set beside an array msg\.payload/) });
    expect(env.requests()).toEqual([]);
    expect(user(ANNA)?.offers.some((o) => o.offerId === 'off_premium')).toBe(true);
  });

  it('on: the elements run once each when no msg.<field> conflicts', async () => {
    await customerWithOrders();
    const result = remember(await runActionResult('deleteOrderAccess', { bulk: true }, { payload: orderList().slice(0, 2) }));
    expect((result.out?.payload as Array<{ ok: boolean }>).map((r) => r.ok)).toEqual([true, true]);
    expect(env.requests().map((r) => (r.body as { orderId: string }).orderId).sort()).toEqual(['A-1001', 'A-1002']);
  });
});

describe('writes for the same order keep their order across retries', () => {
  it('two messages for one order, the first answered 503: its retry lands before the second, the last word wins', async () => {
    await env.client().execute('grantAccess', { email: 'order@example.com', accessId: 'off_basic', orderId: 'CC-91' });
    env.sandbox.clearLog();
    env.sandbox.script({ status: 503 });
    await load(actionFlow(env.sandbox.url, 'setOrderState', {}));
    const outs: Msg[] = [];
    node('out').on('input', ((m: Msg) => outs.push(m)) as never);
    node('n1').receive({ orderId: 'CC-91', active: false });
    node('n1').receive({ orderId: 'CC-91', active: true });
    await until(() => outs.length === 2, 'two results');
    expect(sent('/v1/users/set-order-state').map((r) => [r.status, (r.body as { active: boolean }).active])).toEqual([
      [503, false],
      [expect.any(Number), false],
      [expect.any(Number), true],
    ]);
    expect(user('order@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'CC-91', active: true })]);
  });
});

function sent(path: string) {
  return env.requests().filter((r) => r.path === path);
}

async function runActionResult(action: string, props: Record<string, unknown>, msg: Msg) {
  env.sandbox.clearLog();
  await load(actionFlow(env.sandbox.url, action, props));
  return run(msg);
}

describe('input that cannot be read', () => {
  it('a msg path whose parent is missing names the field and the path; nothing is sent', async () => {
    env.sandbox.clearLog();
    await load(actionFlow(env.sandbox.url, 'grantAccess', { ...typed('email', 'msg', 'payload.buyer.email'), ...str('accessId', 'off_basic') }));
    const result = remember(await run({ payload: { order: 1 } }));
    const error = result.caught?.error as { code: string; message: string };
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toContain('email');
    expect(error.message).toContain('msg.payload.buyer.email');
    expect(error.message).toContain('msg.payload.buyer is missing');
    expect(error.message).not.toMatch(/^Cannot read properties/);
    expect(env.requests()).toHaveLength(0);
  });

  it('a bulk payload with a non-object element is refused, naming the element; nothing is sent', async () => {
    env.sandbox.clearLog();
    await load(actionFlow(env.sandbox.url, 'grantAccess', { ...str('accessId', 'off_basic') }));
    const payload = [{ email: 'ok1@example.com' }, null, { email: 'ok3@example.com' }];
    const result = remember(await run({ payload, email: 'single@example.com' }));
    expect(result.out).toBeUndefined();
    const error = result.caught?.error as { code: string; message: string };
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toContain('msg.payload[1]');
    expect(result.caught?.payload).toEqual(payload);
    expect(env.requests()).toHaveLength(0);
  });
});

describe('shutdown', () => {
  it('closing while work is queued neither hangs nor crashes; queued messages end with an error', async () => {
    const flow = actionFlow(env.sandbox.url, 'findUserByEmail', {});
    flow[1].requestsPerSecond = 2;
    await load(flow);
    const before = logs.entries.length;
    const caught: Msg[] = [];
    node('caught').on('input', ((m: Msg) => caught.push(m)) as never);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (let i = 0; i < 6; i += 1) node('n1').receive({ email: ANNA });
      node('n1').receive({ payload: Array.from({ length: 3 }, () => ({ email: ANNA })) });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await helper.unload(); // resolves only when every node's close handler called done()
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    // The messages still waiting for the limiter were cancelled and reported, not dropped silently.
    // Every message ended with done() or done(err); the cancelled ones reached the Catch node.
    const during = logs.entries.slice(before);
    const received = during.filter((e) => e.event === 'node.memberspot.receive').map((e) => e.msgid);
    const ended = during.filter((e) => e.event === 'node.memberspot.done').map((e) => e.msgid);
    expect(received).toHaveLength(7);
    expect(new Set(ended)).toEqual(new Set(received));
    expect(during.filter((e) => e.event === 'node.catch.receive').length).toBeGreaterThan(0);
    remember(caught);
  });

  it('a redeploy closes the old client and the new flow works', async () => {
    await load(actionFlow(env.sandbox.url, 'listOffers'));
    remember(await run({}));
    await helper.setFlows(actionFlow(env.sandbox.url, 'listOffers'), 'full', { cfg: { apiKey: API_KEY } });
    const result = remember(await run({}));
    expect(Array.isArray(result.out?.payload)).toBe(true);
  });
});
