/**
 * The Memberspot node in the real n8n engine (n8n-core's WorkflowExecute, our classes loaded from dist/),
 * against the sandbox over real HTTP.
 */
import type { IDataObject } from 'n8n-workflow';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { memberspotWorkflow, runWorkflow, type CredentialData, type RunResult } from './helpers/engine';

const env = useSandbox({ seed: { users: 25 } });

beforeEach(() => {
  env.sandbox.reset();
  env.sandbox.clearLog();
});

function credential(overrides: Partial<CredentialData> = {}): CredentialData {
  return { apiKey: API_KEY, baseUrl: env.sandbox.url, ...overrides };
}

function run(parameters: IDataObject, items: IDataObject[] = [{}], settings = {}): Promise<RunResult> {
  return runWorkflow(memberspotWorkflow(parameters, items, settings), credential());
}

async function ok(parameters: IDataObject, items: IDataObject[] = [{}]): Promise<IDataObject[]> {
  const result = await run(parameters, items);
  if (result.error) throw result.error;
  const output = result.output('Memberspot');
  for (const item of output) expect(item.pairedItem).toEqual({ item: expect.any(Number) });
  return output.map((i) => i.json);
}

const offer = (value: string) => ({ __rl: true, mode: 'list', value });
const user = (email: string) => env.sandbox.state.userByEmail(email);

describe('every operation, through the engine', () => {
  it('Access → Grant Access creates the user and grants the offer picked from the list', async () => {
    const [out] = await ok({
      resource: 'access', operation: 'grant', email: 'neu@example.com', accessId: offer('off_basic'),
      firstName: 'Nina', lastName: 'Neu', orderId: 'DS24-4711',
    });
    expect(out).toMatchObject({ success: true, email: 'neu@example.com', accessId: 'off_basic', orderId: 'DS24-4711' });
    expect(typeof out.uid).toBe('string');
    const created = user('neu@example.com');
    expect(created).toMatchObject({ firstname: 'Nina', name: 'Neu' });
    expect(created?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', active: true, orderId: 'DS24-4711' })]);
  });

  it('Access → Grant Access takes the offer in ID mode and from expressions', async () => {
    await ok(
      { resource: 'access', operation: 'grant', email: '={{ $json.mail }}', accessId: { __rl: true, mode: 'id', value: '={{ $json.offer }}' } },
      [{ mail: 'expr@example.com', offer: 'off_coaching' }],
    );
    expect(user('expr@example.com')?.offers.map((o) => o.offerId)).toEqual(['off_coaching']);
  });

  it('Access → Revoke Access deactivates and keeps progress', async () => {
    await ok({ resource: 'access', operation: 'revoke', email: 'anna.schmidt@example.com', accessId: offer('off_premium') });
    const anna = user('anna.schmidt@example.com');
    expect(anna?.offers).toEqual([expect.objectContaining({ offerId: 'off_premium', active: false })]);
    expect(Object.keys(anna?.progress ?? {})).toContain('crs_yoga');
  });

  it('Access → Delete Access removes the offer', async () => {
    await ok({ resource: 'access', operation: 'delete', email: 'anna.schmidt@example.com', accessId: offer('off_premium') });
    expect(user('anna.schmidt@example.com')?.offers).toEqual([]);
  });

  it('Access → Set Offer Expiration', async () => {
    await ok({
      resource: 'access', operation: 'setExpiration', email: 'julia.becker@example.com', accessId: offer('off_premium'),
      expiresAt: '2027-01-31T00:00:00.000Z',
    });
    expect(user('julia.becker@example.com')?.offers[0].expiresAt).toBe('2027-01-31T00:00:00.000Z');
  });

  it('Order Access → Revoke Order Access', async () => {
    await ok({ resource: 'order', operation: 'revoke', email: 'anna.schmidt@example.com', orderId: 'DS24-0815' });
    expect(user('anna.schmidt@example.com')?.offers[0].active).toBe(false);
  });

  it('Order Access → Delete Order Access', async () => {
    await ok({ resource: 'order', operation: 'delete', orderId: 'DS24-1001' });
    expect(user('lena.fischer@example.com')?.offers).toEqual([]);
  });

  it('Order Access → Delete Order Access with an Active expression that resolves empty is refused, nothing sent', async () => {
    const params = { resource: 'order', operation: 'delete', orderId: 'DS24-1001', additionalFields: { active: '={{ $json.active }}' } };
    const result = await run(params, [{}, { active: '' }, { active: null }], { continueOnFail: true });
    expect(result.error).toBeUndefined();
    const out = result.output('Memberspot');
    expect(out).toHaveLength(3);
    for (const item of out) {
      expect(item.json).toMatchObject({ code: 'VALIDATION', issues: [expect.objectContaining({ field: 'active', message: expect.stringMatching(/is set but empty/) })] });
    }
    expect(env.requests()).toHaveLength(0);
    expect(user('lena.fischer@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'DS24-1001' })]);
  });

  it('Order Access → Delete Order Access with Active false sets the state', async () => {
    const [out] = await ok({ resource: 'order', operation: 'delete', orderId: 'DS24-1001', additionalFields: { active: '={{ $json.active }}' } }, [{ active: false }]);
    expect(out).toMatchObject({ success: true, orderId: 'DS24-1001', active: false });
    expect(user('lena.fischer@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'DS24-1001', active: false })]);
  });

  it('Order Access → Set Order State with Active from an expression; empty is refused', async () => {
    const params = { resource: 'order', operation: 'setState', orderId: 'DS24-1001', active: '={{ $json.active }}' };
    const result = await run(params, [{ active: false }, {}], { continueOnFail: true });
    const out = result.output('Memberspot');
    expect(out[0].json).toMatchObject({ success: true, orderId: 'DS24-1001', active: false });
    expect(out[1].json).toMatchObject({ code: 'VALIDATION', issues: [expect.objectContaining({ field: 'active' })] });
    expect(env.requests()).toHaveLength(1);
    expect(user('lena.fischer@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'DS24-1001', active: false })]);
  });

  it('User → Find User by Email', async () => {
    const [out] = await ok({ resource: 'user', operation: 'findByEmail', email: 'max.mueller@example.com' });
    expect(out).toMatchObject({ email: 'max.mueller@example.com', uid: user('max.mueller@example.com')?.uid });
  });

  it('User → Get Login Token', async () => {
    const uid = user('anna.schmidt@example.com')?.uid as string;
    const [out] = await ok({ resource: 'user', operation: 'getLoginToken', uid });
    expect(out).toMatchObject({ uid });
    expect(typeof out.token).toBe('string');
  });

  it('User → Delete Users (comma-separated emails)', async () => {
    const [out] = await ok({ resource: 'user', operation: 'delete', emails: 'tom.weber@example.com, julia.becker@example.com' });
    expect(out).toMatchObject({ success: true, deleted: 2, emails: ['tom.weber@example.com', 'julia.becker@example.com'] });
    expect(user('tom.weber@example.com')).toBeUndefined();
    expect(user('julia.becker@example.com')).toBeUndefined();
    expect(user('anna.schmidt@example.com')).toBeDefined();
  });

  it('User → Delete Users reports what Memberspot said, and Max Addresses refuses a longer list', async () => {
    const [lookalike] = await ok({ resource: 'user', operation: 'delete', emails: '\u0430nna.schmidt@example.com' });
    expect(lookalike).toMatchObject({ success: false, deleted: 0 });
    expect(user('anna.schmidt@example.com')).toBeDefined();
    env.sandbox.clearLog();
    const params = { resource: 'user', operation: 'delete', emails: '={{ $json.emails }}', additionalFields: { maxEmails: 1 } };
    const result = await run(params, [{ emails: 'anna.schmidt@example.com, max.mueller@example.com' }, { emails: 'tom.weber@example.com' }], { continueOnFail: true });
    const out = result.output('Memberspot');
    expect(out[0].json).toMatchObject({ code: 'VALIDATION', issues: [expect.objectContaining({ field: 'emails', message: expect.stringMatching(/more than the maximum of 1/) })] });
    expect(out[1].json).toMatchObject({ success: true, deleted: 1 });
    expect(env.requests()).toHaveLength(1);
    expect(user('anna.schmidt@example.com')).toBeDefined();
    expect(user('max.mueller@example.com')).toBeDefined();
  });

  it('Custom Property → Set Custom Property Values (picked property + value pairs)', async () => {
    await ok({
      resource: 'customProperty', operation: 'set', email: 'anna.schmidt@example.com',
      properties: { property: [{ propertyId: 'cp_company', value: 'ACME GmbH' }, { propertyId: 'cp_phone', value: '+49 40 999' }] },
    });
    expect(user('anna.schmidt@example.com')?.customProperties).toMatchObject({ cp_company: 'ACME GmbH', cp_phone: '+49 40 999', cp_source: 'Instagram' });
  });

  it('Custom Property → List Custom Properties fans out one item per property', async () => {
    const out = await ok({ resource: 'customProperty', operation: 'list' });
    expect(out.map((p) => p.id).sort()).toEqual(['cp_company', 'cp_phone', 'cp_source']);
  });

  it('Offer → List Offers fans out one item per offer', async () => {
    const out = await ok({ resource: 'offer', operation: 'list' });
    expect(out.map((o) => o.name)).toEqual(expect.arrayContaining(['Online-Kurs Basis', 'Premium-Mitgliedschaft', 'Coaching-Paket']));
    expect(out).toHaveLength(env.sandbox.state.offers.length);
  });

  it('Course Progress → List Course Progress', async () => {
    const out = await ok({ resource: 'courseProgress', operation: 'list', email: 'anna.schmidt@example.com' });
    expect(out.length).toBe(2);
  });

  it('Course Progress → Get Course Progress', async () => {
    const [out] = await ok({ resource: 'courseProgress', operation: 'get', courseId: 'crs_yoga', email: 'anna.schmidt@example.com' });
    expect(out).toMatchObject({ percent: 50 });
  });

  it('Chapter → Enable Chapter Access', async () => {
    await ok({ resource: 'chapter', operation: 'enableAccess', email: 'anna.schmidt@example.com', courseId: 'crs_yoga', chapterId: 'ch_yoga_2' });
    expect(user('anna.schmidt@example.com')?.chapterAccess).toContainEqual({ courseId: 'crs_yoga', chapterId: 'ch_yoga_2' });
  });

  it('Exam → Get Exam Results fans out one item per result', async () => {
    const out = await ok({ resource: 'exam', operation: 'getResults', examId: 'exam_yoga_final' });
    expect(out.map((r) => r.email).sort()).toEqual(['anna.schmidt@example.com', 'max.mueller@example.com', 'tom.weber@example.com']);
  });

  it('API Call → Make an API Call with query parameters and the key added by n8n', async () => {
    const [out] = await ok({
      resource: 'apiCall', operation: 'call', method: 'GET', path: '/v1/users/list',
      query: { parameter: [{ name: 'pageLength', value: '2' }] },
    });
    expect(out.statusCode).toBe(200);
    expect((out.body as { data: unknown[] }).data).toHaveLength(2);
    const [request] = env.requests();
    expect(request).toMatchObject({ method: 'GET', path: '/v1/users/list', query: { pageLength: '2' }, auth: 'valid' });
  });

  it('API Call → a POST with a JSON body', async () => {
    const [out] = await ok({
      resource: 'apiCall', operation: 'call', method: 'POST', path: '/v1/users/set-offer-state',
      body: JSON.stringify({ email: 'max.mueller@example.com', offerId: 'off_basic', active: false }),
    });
    expect(out.statusCode).toBeGreaterThanOrEqual(200);
    expect(user('max.mueller@example.com')?.offers[0].active).toBe(false);
  });
});

describe('List Users', () => {
  const total = () => env.sandbox.state.users.length;

  it('Return All follows the cursor across several pages', async () => {
    const out = await ok({ resource: 'user', operation: 'list', returnAll: true, additionalFields: { pageLength: 7 } });
    expect(out).toHaveLength(total());
    expect(new Set(out.map((u) => u.uid)).size).toBe(total());
    const pages = env.requests().filter((r) => r.path === '/v1/users/list');
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(total() / 7));
    expect(pages[1].query.lastLoadedId).toBeTruthy();
  });

  it('Limit stops after that many users', async () => {
    const out = await ok({ resource: 'user', operation: 'list', returnAll: false, limit: 12, additionalFields: { pageLength: 5 } });
    expect(out).toHaveLength(12);
    expect(env.requests().filter((r) => r.path === '/v1/users/list')).toHaveLength(3);
  });

  it('filters by offer and active state', async () => {
    const out = await ok({ resource: 'user', operation: 'list', returnAll: true, accessId: offer('off_basic'), additionalFields: { active: false } });
    expect(out.map((u) => u.email)).toContain('tom.weber@example.com');
    const [first] = env.requests();
    expect(first.query).toMatchObject({ offerId: 'off_basic', active: 'false' });
  });
});

describe('items, errors and Continue On Fail', () => {
  const grant = { resource: 'access', operation: 'grant', email: '={{ $json.email }}', accessId: offer('off_basic') };
  const items = [{ email: 'first@example.com' }, { email: 'not-an-email' }];

  it('runs items in order, each output paired with its input', async () => {
    const out = (await run(grant, [{ email: 'a1@example.com' }, { email: 'a2@example.com' }, { email: 'a3@example.com' }])).output('Memberspot');
    expect(out.map((i) => [i.json.email, i.pairedItem])).toEqual([
      ['a1@example.com', { item: 0 }],
      ['a2@example.com', { item: 1 }],
      ['a3@example.com', { item: 2 }],
    ]);
    expect(env.requests().map((r) => (r.body as { email: string }).email)).toEqual(['a1@example.com', 'a2@example.com', 'a3@example.com']);
  });

  it('with Continue On Fail: one success, one error item, both paired', async () => {
    const result = await run(grant, items, { continueOnFail: true });
    expect(result.error).toBeUndefined();
    const out = result.output('Memberspot');
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ json: { success: true, email: 'first@example.com' }, pairedItem: { item: 0 } });
    expect(out[1].pairedItem).toEqual({ item: 1 });
    expect(out[1].json).toMatchObject({ code: 'VALIDATION', hint: expect.stringContaining('Nothing was sent') });
    expect(out[1].json.error).toMatch(/email/);
    expect(out[1].json.issues).toEqual([expect.objectContaining({ field: 'email' })]);
    // Nothing was sent for the invalid item.
    expect(env.requests()).toHaveLength(1);
  });

  it('with the error output: the failed item goes to the second output', async () => {
    const result = await run(grant, items, { onError: 'continueErrorOutput' });
    expect(result.error).toBeUndefined();
    const outputs = result.run.data.resultData.runData.Memberspot[0].data?.main ?? [];
    expect(outputs[0]?.map((i) => i.json.email)).toEqual(['first@example.com']);
    expect(outputs[1]).toHaveLength(1);
    // n8n keeps only the error message on the error output, so it carries the hint.
    expect(outputs[1]?.[0].json).toMatchObject({ error: expect.stringMatching(/email.*Nothing was sent/) });
    expect(outputs[1]?.[0].pairedItem).toEqual({ item: 1 });
  });

  it('without it: a NodeOperationError naming item 1, with a description that says what to do', async () => {
    const result = await run(grant, items);
    // The engine keeps the error as a plain copy of the NodeOperationError the node threw.
    const error = result.error as unknown as { name: string; message: string; description: string; context: { itemIndex: number } };
    expect(error.name).toBe('NodeOperationError');
    expect(error.message).toMatch(/email/);
    expect(error.description).toMatch(/Correct the field/);
    expect(error.context.itemIndex).toBe(1);
    expect(user('first@example.com')).toBeDefined();
  });

  it('an API error is a NodeApiError with the status, the item and the hint', async () => {
    const result = await run({ resource: 'user', operation: 'findByEmail', email: '={{ $json.email }}' }, [
      { email: 'max.mueller@example.com' },
      { email: 'nobody@example.com' },
    ]);
    const error = result.error as unknown as { name: string; httpCode: string; message: string; description: string; context: { itemIndex: number } };
    expect(error.name).toBe('NodeApiError');
    expect(error.httpCode).toBe('404');
    expect(error.message).toMatch(/no user with the email nobody@example.com/);
    expect(error.description).toMatch(/Check the email/);
    expect(error.context.itemIndex).toBe(1);
  });

  it('a credential without a key fails before anything is sent, saying what to do', async () => {
    const result = await runWorkflow(memberspotWorkflow({ resource: 'offer', operation: 'list' }), credential({ apiKey: '' }));
    expect(result.error).toMatchObject({ name: 'NodeOperationError', message: expect.stringMatching(/apiKey: is required/) });
    expect(env.requests()).toHaveLength(0);
  });

  it('a 429 is retried by the core through n8n’s request helper', async () => {
    env.sandbox.script({ status: 429, retryAfter: '0' });
    const [out] = await ok({ resource: 'user', operation: 'findByEmail', email: 'anna.schmidt@example.com' });
    expect(out.email).toBe('anna.schmidt@example.com');
    expect(env.requests().map((r) => r.status)).toEqual([429, 200]);
  });

  it('the API key never appears in outputs or errors, whatever fails', async () => {
    const key = 'sk-live-VERY-SECRET-0123456789';
    const wrong = await runWorkflow(memberspotWorkflow({ resource: 'offer', operation: 'list' }), credential({ apiKey: key }));
    expect(wrong.error).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
    expect(wrong.error?.message).toMatch(/rejected the API key/);
    const soft = await runWorkflow(
      memberspotWorkflow({ resource: 'apiCall', operation: 'call', method: 'GET', path: `/v1/${key}?k=${key}` }, [{}], { continueOnFail: true }),
      credential({ apiKey: key }),
    );
    const good = await run({ resource: 'apiCall', operation: 'call', method: 'GET', path: `/v1/echo/${API_KEY}` }, [{}], { continueOnFail: true });
    for (const [result, secret] of [[wrong, key], [soft, key], [good, API_KEY]] as const) {
      const error = result.error as (Error & { description?: string; stack?: string }) | undefined;
      const everything = JSON.stringify(result.run.data) + String(error?.message) + String(error?.description) + String(error?.stack) + JSON.stringify(error ?? {});
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(encodeURIComponent(secret));
    }
    expect(soft.output('Memberspot')[0].json.error).toBeDefined();
  });
});

describe('Redis', () => {
  it('an unreachable Redis URL: the item still succeeds and n8n logs one warning, without the password', async () => {
    // n8n-core's contexts log through the Logger in its DI container.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { Container } = require('@n8n/di');
    const { Logger } = require('@n8n/backend-common');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const warn = jest.spyOn(Container.get(Logger), 'warn').mockImplementation(() => undefined);
    try {
      const result = await runWorkflow(
        memberspotWorkflow({ resource: 'user', operation: 'findByEmail', email: 'anna.schmidt@example.com' }),
        credential({ redisUrl: 'redis://:n8n-redis-pass@127.0.0.1:9' }),
      );
      expect(result.error).toBeUndefined();
      expect(result.output('Memberspot')[0].json).toMatchObject({ email: 'anna.schmidt@example.com' });
      const messages = warn.mock.calls.map((call) => String(call[0]));
      expect(messages.filter((m) => m.includes('cannot be reached'))).toHaveLength(1);
      expect(messages.join('\n')).not.toContain('n8n-redis-pass');
    } finally {
      warn.mockRestore();
    }
  });
});
