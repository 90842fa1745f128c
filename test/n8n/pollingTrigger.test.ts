/**
 * The Memberspot Polling Trigger's poll() in n8n-core's PollContext (as n8n runs it at each poll time and
 * for "Fetch Test Event"), against the sandbox over real HTTP: static data, manual mode, errors.
 */
import { Workflow, type IDataObject, type INode, type INodeExecutionData, type INodeType, type IPollFunctions } from 'n8n-workflow';
import { API_KEY, rejectionOf, useSandbox } from '../helpers/sandbox';
import { additionalDataFor, CREDENTIAL_REF, makeWorkflow, nodeTypes, PACKAGE, type CredentialData } from './helpers/engine';
import { n8nCore } from '../../bench/harness/n8n-engine';

const { PollContext } = n8nCore();
const env = useSandbox({ seed: 'none' });
const TYPE = `${PACKAGE.name}.memberspotPollingTrigger`;

function pollNode(parameters: IDataObject): INode {
  return { id: 'p1', name: 'Memberspot Polling Trigger', type: TYPE, typeVersion: 1, position: [0, 0], parameters: parameters as INode['parameters'], credentials: CREDENTIAL_REF };
}

/**
 * One poll as n8n runs it: the node in its workflow, with the static data as n8n saved it (`saved`, JSON),
 * in `mode`. Returns what poll() returned and the static data as n8n would save it afterwards.
 */
async function runPoll(parameters: IDataObject, saved: string | undefined, options: { mode?: 'trigger' | 'manual'; credential?: CredentialData } = {}) {
  const node = pollNode(parameters);
  const { data } = makeWorkflow({ nodes: [node], connections: {} });
  const workflow = new Workflow({
    id: 'wf-1', name: 'poll', nodes: [node], connections: {}, active: true, nodeTypes,
    staticData: saved === undefined ? {} : (JSON.parse(saved) as IDataObject), settings: {},
  });
  const credential = options.credential ?? { apiKey: API_KEY, baseUrl: env.sandbox.url };
  const additionalData = additionalDataFor(credential, data, 'internal');
  const context = new PollContext(workflow, workflow.getNode(node.name) as INode, additionalData, options.mode ?? 'trigger', 'activate');
  const type = nodeTypes.getByName(TYPE) as INodeType;
  const result = await (type.poll as (this: IPollFunctions) => Promise<INodeExecutionData[][] | null>).call(context);
  return { result, saved: JSON.stringify(workflow.staticData) };
}

function addUsers(count: number, prefix: string, offerIds: string[] = []) {
  for (let i = 0; i < count; i += 1) {
    const user = env.sandbox.state.addUser({ email: `${prefix}${i}@example.com`, firstname: `F${i}`, name: `L${i}` });
    for (const offerId of offerIds) user.offers.push({ offerId, active: true, grantedAt: '' });
  }
}

beforeEach(() => env.sandbox.reset('none'));

describe('Memberspot Polling Trigger', () => {
  it('is registered as a polling trigger with the API credential', () => {
    const type = nodeTypes.getByName(TYPE) as INodeType;
    expect(type.description).toMatchObject({ polling: true, group: ['trigger'], inputs: [], credentials: [{ name: 'memberflowMemberspotApi', required: true }] });
    expect(type.description.properties.map((p) => p.name)).toEqual(['pollNotice', 'event', 'accessId', 'confirmMassChanges']);
  });

  it('newMember: a baseline at activation (no items), new users once each, none repeated after a restart', async () => {
    addUsers(25, 'seed');
    const first = await runPoll({ event: 'newMember' }, undefined);
    expect(first.result).toBeNull();
    expect(first.saved).toContain('memberspotPoll');
    addUsers(3, 'new');
    const second = await runPoll({ event: 'newMember' }, first.saved);
    expect(second.result?.[0].map((item) => item.json.email)).toEqual(['new0@example.com', 'new1@example.com', 'new2@example.com']);
    expect(second.result?.[0][0].json).toMatchObject({ event: 'newMember', firstName: 'F0', lastName: 'L0', user: { email: 'new0@example.com' } });
    // n8n restarted with the static data it saved: nothing again; one more user: exactly one item.
    expect((await runPoll({ event: 'newMember' }, second.saved)).result).toBeNull();
    addUsers(1, 'later');
    const after = await runPoll({ event: 'newMember' }, second.saved);
    expect(after.result?.[0].map((item) => item.json.email)).toEqual(['later0@example.com']);
  });

  it('accessGranted and accessEnded with the offer from the list picker', async () => {
    addUsers(12, 'member', ['off_premium']);
    const accessId = { __rl: true, mode: 'list', value: 'off_premium' };
    const granted = await runPoll({ event: 'accessGranted', accessId }, undefined);
    const ended = await runPoll({ event: 'accessEnded', accessId }, undefined);
    env.sandbox.state.users[0].offers[0].active = false;
    addUsers(1, 'new', ['off_premium']);
    const g = await runPoll({ event: 'accessGranted', accessId }, granted.saved);
    const e = await runPoll({ event: 'accessEnded', accessId }, ended.saved);
    expect(g.result?.[0].map((i) => [i.json.event, i.json.email, i.json.accessId])).toEqual([['accessGranted', 'new0@example.com', 'off_premium']]);
    expect(e.result?.[0].map((i) => [i.json.event, i.json.email])).toEqual([['accessEnded', 'member0@example.com']]);
  });

  it('manual mode ("Fetch Test Event") returns one event from the newest user and writes no state', async () => {
    addUsers(4, 'member');
    const { result, saved } = await runPoll({ event: 'newMember' }, undefined, { mode: 'manual' });
    expect(result?.[0]).toHaveLength(1);
    expect(result?.[0][0].json).toMatchObject({ event: 'newMember', email: 'member3@example.com' });
    expect(saved).toBe('{}');
  });

  it('manual mode without any holder says so', async () => {
    const error = await rejectionOf(runPoll({ event: 'accessGranted', accessId: { __rl: true, mode: 'id', value: 'off_coaching' } }, undefined, { mode: 'manual' }));
    expect(error.message).toBe('No user found to build a test event from');
    expect(String(error.description)).toContain('off_coaching');
  });

  it('a failed poll throws an n8n error and leaves the static data as it was', async () => {
    addUsers(250, 'member');
    const first = await runPoll({ event: 'newMember' }, undefined);
    addUsers(1, 'new');
    env.sandbox.script({ delayMs: 0 }, { status: 200, body: { result: 'not a list' } });
    const node = pollNode({ event: 'newMember' });
    const workflow = new Workflow({ id: 'wf-1', name: 'poll', nodes: [node], connections: {}, active: true, nodeTypes, staticData: JSON.parse(first.saved) as IDataObject, settings: {} });
    const before = JSON.stringify(workflow.staticData);
    const context = new PollContext(workflow, node, additionalDataFor({ apiKey: API_KEY, baseUrl: env.sandbox.url }, makeWorkflow({ nodes: [node], connections: {} }).data, 'internal'), 'trigger', 'activate');
    const type = nodeTypes.getByName(TYPE) as INodeType;
    const error = await rejectionOf((type.poll as (this: IPollFunctions) => Promise<unknown>).call(context));
    expect(error.name).toBe('NodeOperationError');
    expect(error.message).toMatch(/no list of users .*page 2/);
    expect(JSON.stringify(workflow.staticData)).toBe(before);
    // The next poll catches up.
    const next = await runPoll({ event: 'newMember' }, first.saved);
    expect(next.result?.[0].map((i) => i.json.email)).toEqual(['new0@example.com']);
  });

  it('a wrong key fails with a NodeApiError that says so and never shows the key', async () => {
    const wrongKey = 'wrong-key-3c9f1a7e5b2d';
    const error = await rejectionOf(runPoll({ event: 'newMember' }, undefined, { credential: { apiKey: wrongKey, baseUrl: env.sandbox.url } }));
    expect(error.name).toBe('NodeApiError');
    expect(error.httpCode).toBe('401');
    expect(JSON.stringify({ ...error, message: error.message, description: error.description })).not.toContain(wrongKey);
  });

  it('the safety stop fails the poll with its message; Confirm Mass Changes lets it through', async () => {
    addUsers(20, 'member', ['off_premium']);
    const accessId = { __rl: true, mode: 'id', value: 'off_premium' };
    const first = await runPoll({ event: 'accessEnded', accessId }, undefined);
    for (const user of env.sandbox.state.users.slice(0, 15)) user.offers[0].active = false;
    const error = await rejectionOf(runPoll({ event: 'accessEnded', accessId }, first.saved));
    expect(error.message).toMatch(/^Safety stop: 15 of the 20 holders/);
    expect(String(error.description)).toContain('Confirm mass changes');
    const confirmed = await runPoll({ event: 'accessEnded', accessId, confirmMassChanges: true }, first.saved);
    expect(confirmed.result?.[0]).toHaveLength(15);
  });

  it('an access event without an Access ID fails naming the field, sending nothing', async () => {
    env.sandbox.clearLog();
    const error = await rejectionOf(runPoll({ event: 'accessEnded', accessId: { __rl: true, mode: 'list', value: '' } }, undefined));
    expect(error.message).toMatch(/accessId/);
    expect(env.requests()).toHaveLength(0);
  });

  it('a poll that starts while the last one of the node still runs is skipped', async () => {
    addUsers(3, 'member');
    env.sandbox.script({ delayMs: 300 });
    const slow = runPoll({ event: 'newMember' }, undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await runPoll({ event: 'newMember' }, undefined);
    expect(second).toEqual({ result: null, saved: '{}' });
    expect((await slow).saved).toContain('memberspotPoll');
  });
});
