/**
 * Grant Access items through the Memberspot node in the real n8n engine (in process, one execution) while
 * the sandbox injects transient faults: exactly one output item per input item, paired with it, every user
 * granted exactly once with its order id, no unhandled rejection. Permanent faults (a wrong key, a
 * permanent 400) end every item in one error item with Continue On Fail, after one request each, and the
 * key is in no output or error.
 *
 * n8n runs a node's items one after the other, and the node's retries wait the core's default backoff
 * (500 ms, doubling; the credential does not make it configurable), so the 500-item fault run takes about
 * two minutes.
 */
import { inspect } from 'node:util';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { memberspotWorkflow, runWorkflow, type CredentialData, type RunResult } from '../n8n/helpers/engine';
import { transientFaults, useFaultSuite } from './faults';

const env = useSandbox({ rateLimit: false });
const { unhandled } = useFaultSuite(env);

/**
 * Items in the transient-fault run, as in the core and Node-RED suites. With these faults each item costs
 * about 0.24 s of retry waits on average and n8n runs items one by one: about two minutes.
 */
const ITEMS = 500;

const grant = {
  resource: 'access',
  operation: 'grant',
  email: '={{ $json.email }}',
  accessId: { __rl: true, mode: 'list', value: 'off_basic' },
  orderId: '={{ $json.orderId }}',
};

/** A credential whose timeout (0.25 s) is shorter than the sandbox's latency spikes (0.4 s). */
function credential(overrides: Partial<CredentialData> = {}): CredentialData {
  return { apiKey: API_KEY, baseUrl: env.sandbox.url, timeout: 0.25, ...overrides };
}

function inputs(prefix: string, count: number): IDataObject[] {
  return Array.from({ length: count }, (_, i) => ({ email: `${prefix}${i}@example.com`, orderId: `${prefix.toUpperCase()}-${i}` }));
}

/** Grant Access for these items with Continue On Fail, so that every item's fate shows in the output. */
function run(items: IDataObject[], overrides: Partial<CredentialData> = {}): Promise<RunResult> {
  return runWorkflow(memberspotWorkflow(grant, items, { continueOnFail: true }), credential(overrides));
}

const sentFor = (items: IDataObject[]) => {
  const emails = new Set(items.map((i) => i.email));
  return env.requests().filter((r) => emails.has((r.body as { email?: string })?.email ?? ''));
};

/** Every string the run produced that a user could see or a log could keep. */
function everything(result: RunResult): string {
  const error = result.error;
  return [JSON.stringify(result.run.data), inspect(result.run.data, { depth: 12 }), String(error?.message), String(error?.stack), JSON.stringify(error ?? {})].join('\n');
}

function expectOneItemPerInput(output: INodeExecutionData[], items: IDataObject[]): void {
  expect(output).toHaveLength(items.length);
  expect(output.map((o) => o.pairedItem)).toEqual(items.map((_, item) => ({ item })));
}

it(`grants all ${ITEMS} items through 503s, resets, 429 bursts and latency beyond the credential's timeout`, async () => {
  env.sandbox.setFaults(transientFaults(20261128));
  const items = inputs('n8n', ITEMS);
  const result = await run(items);
  expect(result.error).toBeUndefined();
  const output = result.output('Memberspot');
  expectOneItemPerInput(output, items);
  expect(output.filter((o) => o.json.error !== undefined).map((o) => o.json)).toEqual([]);
  expect(output.map((o) => [o.json.email, o.json.orderId])).toEqual(items.map((i) => [i.email, i.orderId]));

  const log = env.requests();
  for (const status of [503, 429, 'reset']) expect(log.some((r) => r.status === status)).toBe(true);
  // A success followed by another request for the same user: the answer came after the timeout, and the call
  // was sent again (items run one by one, and the log is in arrival order).
  const emailOf = (r: (typeof log)[number]) => (r.body as IDataObject | undefined)?.email;
  const timedOut = log.filter((r, i) => typeof r.status === 'number' && r.status < 300 && log.slice(i + 1).some((later) => emailOf(later) === emailOf(r)));
  expect(timedOut.length).toBeGreaterThan(0);
  for (const item of items) {
    expect(env.sandbox.state.userByEmail(String(item.email))?.offers).toEqual([
      expect.objectContaining({ offerId: 'off_basic', active: true, orderId: item.orderId }),
    ]);
  }
  expect(env.sandbox.state.users.filter((u) => u.email.startsWith('n8n'))).toHaveLength(ITEMS);
  expect(unhandled).toEqual([]);
}, 400_000);

it('ends every item in one error item on a wrong key (401), one request each, the key in none', async () => {
  const key = 'wrong-key-7e6d5c4b3a2f';
  const items = inputs('auth', 50);
  const result = await run(items, { apiKey: key });
  expect(result.error).toBeUndefined();
  const output = result.output('Memberspot');
  expectOneItemPerInput(output, items);
  for (const item of output) expect(item.json).toMatchObject({ code: 'AUTHENTICATION', status: 401, error: expect.stringMatching(/API key/) });
  expect(sentFor(items)).toHaveLength(50);
  expect(sentFor(items).every((r) => r.status === 401)).toBe(true);
  expect(everything(result)).not.toContain(key);
  expect(env.sandbox.state.users.filter((u) => u.email.startsWith('auth'))).toHaveLength(0);
  expect(unhandled).toEqual([]);
});

it('ends every item in one error item on a permanent 400, one request each, the key in none', async () => {
  env.sandbox.setFaults({ errorRate: 1, errorStatuses: [400] });
  const items = inputs('bad', 50);
  const result = await run(items);
  expect(result.error).toBeUndefined();
  const output = result.output('Memberspot');
  expectOneItemPerInput(output, items);
  for (const item of output) expect(item.json).toMatchObject({ status: 400, error: expect.any(String) });
  expect(sentFor(items)).toHaveLength(50);
  expect(everything(result)).not.toContain(API_KEY);
  expect(env.sandbox.state.users.filter((u) => u.email.startsWith('bad'))).toHaveLength(0);
  expect(unhandled).toEqual([]);
});
