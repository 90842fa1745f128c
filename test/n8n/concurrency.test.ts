/**
 * The Memberspot node runs its items concurrently (up to "Parallel requests") in the real n8n engine,
 * against the sandbox over real HTTP with latency, and keeps n8n's contract: output in input order with
 * the right pairedItem, one result or error item per input item, the first failing item's error, nothing
 * started after a failure is known, cancellation. No timing assertions: the checks read the sandbox's
 * request log (arrival order, and arrivals closer together than the sandbox's delay, which can only
 * happen when the requests were in flight at the same time).
 */
import type { IDataObject, INode, IRun, Workflow } from 'n8n-workflow';
import { n8nCore } from '../../bench/harness/n8n-engine';
import { API_KEY, maxInWindow, useSandbox } from '../helpers/sandbox';
import { additionalDataFor, makeWorkflow, memberspotWorkflow, runWorkflow, type CredentialData, type RunResult } from './helpers/engine';

const env = useSandbox({ rateLimit: false });

beforeEach(() => {
  env.sandbox.reset();
});

const GRANT_PATH = '/v1/users/grant-user-offer-by-mail';
const GRANT = { resource: 'access', operation: 'grant', email: '={{ $json.email }}', accessId: { __rl: true, mode: 'id', value: '={{ $json.offer }}' } };

function credential(overrides: Partial<CredentialData> = {}): CredentialData {
  return { apiKey: API_KEY, baseUrl: env.sandbox.url, ...overrides };
}

function members(count: number, prefix = 'member'): Array<{ email: string; offer: string }> {
  return Array.from({ length: count }, (_, i) => ({ email: `${prefix}-${i}@example.com`, offer: 'off_basic' }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function run(items: IDataObject[], settings: Partial<INode> = {}, overrides: Partial<CredentialData> = {}, parameters: IDataObject = GRANT): Promise<RunResult> {
  return runWorkflow(memberspotWorkflow(parameters, items, settings), credential(overrides));
}

/** The grants the sandbox received, in arrival order: each one's email and arrival time. */
function grantsSeen(): Array<{ email: string; time: number; status: number | 'reset' }> {
  return env.requests()
    .filter((r) => r.path === GRANT_PATH)
    .map((r) => ({ email: (r.body as { email: string }).email, time: r.time, status: r.status }));
}

describe('output order and pairedItem under concurrency', () => {
  it('answers that arrive out of order still come out in input order, each paired with its item', async () => {
    const items = members(12);
    // The first requests to arrive wait longest: the answers come back roughly in reverse.
    env.sandbox.script(...items.map((_, i) => ({ delayMs: (items.length - i) * 40 })));
    const result = await run(items);
    expect(result.error).toBeUndefined();
    const out = result.output('Memberspot');
    expect(out.map((i) => i.json.email)).toEqual(items.map((i) => i.email));
    expect(out.map((i) => i.pairedItem)).toEqual(items.map((_, item) => ({ item })));
    // Out of order for real: the k-th arrival waited its scripted delay, so the sandbox answered at
    // arrival + delay; some later arrival was answered before an earlier one.
    const answered = grantsSeen().map((g, k) => g.time + (items.length - k) * 40);
    expect(answered.some((time, k) => k > 0 && time < answered[k - 1])).toBe(true);
  });

  it('List Users fans out in input order: each item\'s users together, paired with that item', async () => {
    const limits = [3, 1, 2];
    env.sandbox.script({ delayMs: 300 }, { delayMs: 150 }, { delayMs: 0 });
    const result = await run(
      limits.map((n) => ({ n })),
      {},
      {},
      { resource: 'user', operation: 'list', returnAll: false, limit: '={{ $json.n }}' },
    );
    expect(result.error).toBeUndefined();
    const out = result.output('Memberspot');
    expect(out.map((i) => i.pairedItem)).toEqual([0, 0, 0, 1, 2, 2].map((item) => ({ item })));
    const firstUsers = out.filter((i) => (i.pairedItem as { item: number }).item === 0).map((i) => i.json.uid);
    const secondUsers = out.filter((i) => (i.pairedItem as { item: number }).item === 1).map((i) => i.json.uid);
    expect(secondUsers).toEqual(firstUsers.slice(0, 1));
  });

  it('with 300 ms per answer, 16 grants overlap at the sandbox, never more than the 8 parallel requests', async () => {
    env.sandbox.setFaults({ latencyMs: 300 });
    const result = await run(members(16));
    expect(result.error).toBeUndefined();
    expect(result.output('Memberspot')).toHaveLength(16);
    // Every request arriving within 300 ms of another was in flight at the same time as it.
    const overlapping = maxInWindow(grantsSeen().map((g) => g.time), 300);
    expect(overlapping).toBeGreaterThan(1);
    expect(overlapping).toBeLessThanOrEqual(8);
  });
});

describe('destructive actions', () => {
  it('Delete Users runs concurrently too: every item deleted, output in input order', async () => {
    const items = members(8);
    for (const { email } of items) env.sandbox.state.addUser({ email, firstname: '', name: '' });
    env.sandbox.setFaults({ latencyMs: 200 });
    const result = await run(items, {}, {}, { resource: 'user', operation: 'delete', emails: '={{ $json.email }}' });
    expect(result.error).toBeUndefined();
    const out = result.output('Memberspot');
    expect(out.map((i) => i.pairedItem)).toEqual(items.map((_, item) => ({ item })));
    for (const { email } of items) expect(env.sandbox.state.userByEmail(email)).toBeUndefined();
    const deletes = env.requests().filter((r) => r.method === 'DELETE');
    expect(deletes).toHaveLength(8);
    expect(maxInWindow(deletes.map((r) => r.time), 200)).toBeGreaterThan(1);
  });
});

describe('failures', () => {
  it('Continue On Fail: a failing item in the middle becomes its own error item, in its place', async () => {
    const items = members(9);
    items[4].offer = 'off_missing';
    env.sandbox.setFaults({ latencyMs: 100 });
    const result = await run(items, { continueOnFail: true });
    expect(result.error).toBeUndefined();
    const out = result.output('Memberspot');
    expect(out).toHaveLength(9);
    expect(out.map((i) => i.pairedItem)).toEqual(items.map((_, item) => ({ item })));
    expect(out[4].json).toMatchObject({ status: 404, action: 'grantAccess', error: expect.stringMatching(/off_missing/) });
    for (const i of [0, 1, 2, 3, 5, 6, 7, 8]) expect(out[i].json).toMatchObject({ success: true, email: items[i].email });
  });

  it('without Continue On Fail: the lowest failed item\'s error, earlier items finish, nothing after it starts', async () => {
    const items = members(16);
    items[3].offer = 'off_missing'; // answered 404 by the sandbox, after its delay
    items[5].email = 'not-an-email'; // refused before sending, so known first
    env.sandbox.setFaults({ latencyMs: 200 });
    const result = await run(items);
    // The error a one-item-at-a-time run stops at: item 3's, not item 5's (which failed sooner).
    const error = result.error as unknown as { name: string; httpCode: string; message: string; context: { itemIndex: number } };
    expect(error).toMatchObject({ name: 'NodeApiError', httpCode: '404' });
    expect(error.message).toMatch(/off_missing/);
    expect(error.context.itemIndex).toBe(3);
    // Items 0-2 were sent and answered; the items after the first 8 (one round of parallel requests) never started.
    const seen = grantsSeen();
    for (const i of [0, 1, 2]) expect(seen).toContainEqual(expect.objectContaining({ email: items[i].email, status: 201 }));
    const started = new Set(seen.map((g) => g.email));
    for (const item of items.slice(8)) expect(started.has(item.email)).toBe(false);
    expect(started.has('not-an-email')).toBe(false);
    // The cancelled requests the sandbox still answers after its delay must not land in the next test's log.
    await sleep(400);
  });
});

describe('Parallel requests 1', () => {
  it('sends one grant at a time, in input order', async () => {
    const items = members(6, 'one-at-a-time');
    env.sandbox.setFaults({ latencyMs: 50 });
    const result = await run(items, {}, { parallelRequests: 1 });
    expect(result.error).toBeUndefined();
    const seen = grantsSeen();
    expect(seen.map((g) => g.email)).toEqual(items.map((i) => i.email));
    // Each answer took 50 ms after its request arrived: one at a time means no two arrivals closer than that.
    expect(maxInWindow(seen.map((g) => g.time), 50)).toBe(1);
  });
});

describe('cancellation', () => {
  it('cancelling the execution cancels the items in flight and starts no more', async () => {
    const items = members(16);
    // Every answer takes 2 s; the execution is cancelled long before the first one comes.
    env.sandbox.setFaults({ latencyMs: 2000 });
    const { workflow, data } = makeWorkflow(memberspotWorkflow(GRANT, items));
    const execute = new (n8nCore().WorkflowExecute)(additionalDataFor(credential(), data), 'manual');
    const start = workflow.getNode('Items') ?? undefined;
    // As the harness's runWorkflow, but keeping n8n-core's cancelable run (1.x: (workflow, node); 2.x: options).
    const running = execute.run.length > 1
      ? execute.run(workflow, start)
      : (execute.run as unknown as (options: { workflow: Workflow; startNode?: INode }) => ReturnType<typeof execute.run>).call(execute, { workflow, startNode: start });
    await sleep(300);
    running.cancel();
    // n8n-core's run does not reject on cancel: it resolves once the node has returned.
    const run: IRun = await running;
    // The node returned without waiting for the answers still on their way: none had arrived yet.
    expect(grantsSeen()).toHaveLength(0);
    expect(run.data.resultData.error).toMatchObject({ message: expect.stringMatching(/^The call was cancelled before it finished/) });
    // Once the sandbox has answered what it had received: no item after the first 8 was ever sent.
    await sleep(2300);
    const started = grantsSeen().map((g) => g.email);
    expect(started.length).toBeGreaterThan(0);
    expect(started.length).toBeLessThanOrEqual(8);
    for (const item of items.slice(8)) expect(started).not.toContain(item.email);
  });
});
