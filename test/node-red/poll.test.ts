/**
 * memberspot-poll in the real Node-RED runtime against the sandbox over real HTTP: the baseline at deploy,
 * one message per event, errors for Catch nodes, the state in the context store, one poll at a time,
 * close cancelling a poll in flight.
 */
import * as path from 'node:path';
import { useSandbox } from '../helpers/sandbox';
import { catchNode, configFor, configNode, credentials, helper, load, logText, node, until, useNodeRed, type FlowNode, type Msg } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pollNode = require(path.resolve(__dirname, '..', '..', 'dist', 'node-red', 'memberspot-poll.js'));
const env = useSandbox({ seed: 'none' });
useNodeRed();

function pollFlow(props: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: 'f1', type: 'tab', label: 'Test' },
    configFor(env.sandbox.url),
    { id: 'p1', type: 'memberspot-poll', z: 'f1', name: '', account: 'cfg', event: 'newMember', accessId: '', interval: 300, store: '', emitOnFirstPoll: false, ...props, wires: [['out']] },
    { id: 'out', type: 'helper', z: 'f1' },
    { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f1' },
  ];
}



/** Records the messages at a helper node. */
function received(id: string): Msg[] {
  const list: Msg[] = [];
  node(id).on('input', ((msg: Msg) => list.push(msg)) as never);
  return list;
}

/** Records the statuses p1 shows (from now on). */
function statusList(): Array<Record<string, unknown>> {
  // The helper spies on node.status: the statuses shown before this call, then the later ones.
  const spied = (node('p1') as unknown as { status: { args?: Array<Array<Record<string, unknown>>> } }).status.args ?? [];
  const list: Array<Record<string, unknown>> = spied.map((args) => args[0]);
  node('p1').on('call:status', ((call: { args: Array<Record<string, unknown>> }) => list.push(call.args[0])) as never);
  return list;
}

async function deploy(props: Record<string, unknown> = {}) {
  await load(pollFlow(props), credentials, [configNode, pollNode, catchNode]);
  return { out: received('out'), caught: received('caught') };
}

function lastText(list: Array<Record<string, unknown>>): string {
  return String(list[list.length - 1]?.text ?? '');
}

/** Sends a message into p1 (poll now) and waits until that poll ended: p1 shows blue while it polls, then green or red. */
async function pollNow(list: Array<Record<string, unknown>>) {
  const before = list.length;
  node('p1').receive({ payload: 'poll' });
  const ended = () => {
    const after = list.slice(before);
    const started = after.findIndex((s) => s.fill === 'blue');
    return started >= 0 && after.slice(started + 1).some((s) => s.fill === 'green' || s.fill === 'red');
  };
  await until(ended, 'the poll to end');
}

function addUsers(count: number, prefix: string, offerIds: string[] = []) {
  for (let i = 0; i < count; i += 1) {
    const user = env.sandbox.state.addUser({ email: `${prefix}${i}@example.com`, firstname: 'F', name: 'L' });
    for (const offerId of offerIds) user.offers.push({ offerId, active: true, grantedAt: '' });
  }
}

function listRequests() {
  return env.requests().filter((r) => r.path === '/v1/users/list');
}

beforeEach(() => env.sandbox.reset('none'));

describe('memberspot-poll', () => {
  it('takes a baseline at deploy (no message), then sends one message per new member, topic = the event', async () => {
    addUsers(25, 'seed');
    const { out } = await deploy();
    const list = statusList();
    await until(() => list.some((s) => s.fill === 'green'), 'the first poll');
    expect(lastText(list)).toMatch(/baseline/);
    expect(out).toHaveLength(0);
    addUsers(3, 'new');
    await pollNow(list);
    expect(out.map((m) => [m.topic, (m.payload as { email: string }).email])).toEqual([
      ['newMember', 'new0@example.com'],
      ['newMember', 'new1@example.com'],
      ['newMember', 'new2@example.com'],
    ]);
    expect(out[0].payload).toMatchObject({ event: 'newMember', firstName: 'F', lastName: 'L', user: { email: 'new0@example.com' } });
    expect(lastText(list)).toMatch(/polled/);
    await pollNow(list);
    expect(out).toHaveLength(3);
  });

  it('emits the existing users on the first poll when asked to', async () => {
    addUsers(4, 'seed');
    const { out } = await deploy({ emitOnFirstPoll: true });
    await until(() => out.length === 4, 'four messages');
  });

  it('accessGranted and accessEnded for the offer given', async () => {
    addUsers(12, 'member', ['off_premium']);
    const { out } = await deploy({ event: 'accessEnded', accessId: 'off_premium' });
    const list = statusList();
    await until(() => list.some((s) => s.fill === 'green'), 'the first poll');
    env.sandbox.state.users[2].offers[0].active = false;
    await pollNow(list);
    expect(out.map((m) => [m.topic, (m.payload as { email: string; accessId: string }).email, (m.payload as { accessId: string }).accessId])).toEqual([
      ['accessEnded', 'member2@example.com', 'off_premium'],
    ]);
  });

  it.each([
    [{ interval: 5 }, /interval must be a number of seconds, at least 10/],
    [{ interval: 'often' }, /interval/],
    [{ event: 'accessGranted', accessId: '' }, /accessId/],
    [{ event: 'memberLeft' }, /event must be one of newMember, accessGranted, accessEnded/],
    [{ account: '' }, /account/],
  ])('refuses %j with a red status and an error for Catch nodes naming the field; sends nothing', async (props, message) => {
    env.sandbox.clearLog();
    const { caught } = await deploy(props);
    await until(() => caught.length === 1, 'the error at the Catch node');
    expect(String((caught[0].error as { message: string }).message)).toMatch(message);
    expect(listRequests()).toHaveLength(0);
  });

  it('a poll that fails part-way sends nothing, reports the error to Catch nodes and keeps the state: the next poll catches up', async () => {
    addUsers(250, 'seed');
    const { out, caught } = await deploy();
    const list = statusList();
    await until(() => list.some((s) => s.fill === 'green'), 'the first poll');
    addUsers(2, 'new');
    env.sandbox.script({ delayMs: 0 }, { delayMs: 0 }, { status: 200, body: { unexpected: true } });
    await pollNow(list);
    expect(list[list.length - 1]).toMatchObject({ fill: 'red' });
    await until(() => caught.length === 1, 'the error at the Catch node');
    expect(String((caught[0].error as { message: string }).message)).toMatch(/no list of users .*page 3/);
    expect(out).toHaveLength(0);
    await pollNow(list);
    expect(out.map((m) => (m.payload as { email: string }).email)).toEqual(['new0@example.com', 'new1@example.com']);
  });

  it('the safety stop reaches Catch nodes with its message, and no accessEnded message is sent', async () => {
    addUsers(20, 'member', ['off_premium']);
    const { out, caught } = await deploy({ event: 'accessEnded', accessId: 'off_premium' });
    const list = statusList();
    await until(() => list.some((s) => s.fill === 'green'), 'the first poll');
    for (const user of env.sandbox.state.users.slice(0, 12)) user.offers[0].active = false;
    await pollNow(list);
    await until(() => caught.length === 1, 'the error at the Catch node');
    expect(String((caught[0].error as { message: string }).message)).toMatch(/^Safety stop: 12 of the 20 holders/);
    expect(out).toHaveLength(0);
  });

  it('keeps its state in node context, and never runs two polls at once', async () => {
    // (The choice of store, a localfilesystem one across a restart, is proven in test/e2e/node-red/poll.e2e.test.ts:
    // the test helper does not load context stores.)
    addUsers(5, 'seed');
    await deploy();
    const list = statusList();
    await until(() => list.some((s) => s.fill === 'green'), 'the first poll');
    const context = (node('p1') as unknown as { context(): { get(key: string): unknown } }).context();
    expect(context.get('memberspotPoll')).toMatchObject({ v: 1, event: 'newMember' });
    // A slow poll, and two more requests for a poll while it runs: one poll only.
    env.sandbox.clearLog();
    env.sandbox.script({ delayMs: 300 });
    node('p1').receive({});
    node('p1').receive({});
    node('p1').receive({});
    await until(() => list.filter((s) => s.fill === 'green').length >= 2, 'the second poll');
    expect(listRequests()).toHaveLength(1);
  });

  it('a wrong API key: an error for Catch nodes that says so, and the key in no status, message or log', async () => {
    const wrongKey = 'wrong-key-nr-poll-58c1d3';
    await load(pollFlow(), { cfg: { apiKey: wrongKey } }, [configNode, pollNode, catchNode]);
    const caught = received('caught');
    const list = statusList();
    await until(() => caught.length === 1, 'the error at the Catch node');
    expect(caught[0].error).toMatchObject({ code: 'AUTHENTICATION' });
    expect(list[list.length - 1]).toMatchObject({ fill: 'red' });
    expect(JSON.stringify([caught, list])).not.toContain(wrongKey);
    expect(logText()).not.toContain(wrongKey);
  });

  it('closing the node cancels a poll in flight: no message, and its state is not written', async () => {
    addUsers(3, 'seed');
    const { out } = await deploy({ emitOnFirstPoll: true });
    const list = statusList();
    await until(() => out.length === 3, 'the first poll');
    addUsers(1, 'new');
    env.sandbox.script({ delayMs: 5000 });
    node('p1').receive({});
    await until(() => list.some((s) => s.fill === 'blue'), 'the poll to start');
    await helper.unload();
    expect(out).toHaveLength(3);
  });
});
