/**
 * Saved Node-RED flows keep working: the flow made with release 0.1.0 (test/fixtures/v0.1.0, one node per
 * action with every property the 0.1.0 editor saved: typedInputs of several kinds, msg fallbacks, a tab
 * env variable, flow and global context) runs in the real Node-RED runtime against the sandbox, and every
 * node sends the same requests (method, path, query, body) it sent on 0.1.0.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionList } from '../../shared';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { helper, load, run, useNodeRed, type FlowNode, type Msg } from '../node-red/helpers';
import { ADDED_AFTER_0_1_0, entry, expectedFor, sent, type Recorded } from './recorded';

const FIXTURES = join(__dirname, '..', 'fixtures', 'v0.1.0');
const savedFlow = JSON.parse(readFileSync(join(FIXTURES, 'node-red-flow.json'), 'utf8')) as FlowNode[];
const input = JSON.parse(readFileSync(join(FIXTURES, 'node-red-messages.json'), 'utf8')) as {
  context: { flow: Record<string, unknown>; global: Record<string, unknown> };
  messages: Record<string, Msg>;
};
const env = useSandbox();
useNodeRed();

const actionNodes = savedFlow.filter((n) => n.type === 'memberspot');
const actual: Record<string, Recorded> = {};

/** The saved flow with one action node wired to a helper, a Catch node, and the account on the sandbox. */
function flowFor(id: string): FlowNode[] {
  const tab = savedFlow.find((n) => n.type === 'tab') as FlowNode;
  return [
    ...savedFlow.filter((n) => n.type !== 'memberspot').map((n) => (n.type === 'memberspot-config' ? { ...n, baseUrl: env.sandbox.url } : n)),
    { ...(savedFlow.find((n) => n.id === id) as FlowNode), wires: [['out']] },
    { id: 'out', type: 'helper', z: tab.id },
    { id: 'catcher', type: 'catch', z: tab.id, scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: tab.id },
  ];
}

describe('the Node-RED flow saved with 0.1.0', () => {
  it('uses every action of the registry', () => {
    expect(actionNodes.map((n) => n.action).sort()).toEqual(actionList.map((a) => a.id).filter((id) => !ADDED_AFTER_0_1_0.includes(id)).sort());
  });

  it.each(actionNodes.map((n) => n.id))('%s sends the requests it sent on 0.1.0', async (id) => {
    env.sandbox.reset();
    const configId = (savedFlow.find((n) => n.type === 'memberspot-config') as FlowNode).id;
    await load(flowFor(id), { [configId]: { apiKey: API_KEY } });
    const context = helper.getNode(id).context();
    for (const [key, value] of Object.entries(input.context.flow)) context.flow.set(key, value);
    for (const [key, value] of Object.entries(input.context.global)) context.global.set(key, value);
    const result = await run(structuredClone(input.messages[id]), id);
    actual[id] = { requests: sent(env.sandbox.requests), ok: Boolean(result.out) };
    const expected = expectedFor(join(FIXTURES, 'node-red-requests.json'), actual);
    expect(entry(expected, id).requests.length).toBeGreaterThan(0);
    expect(actual[id]).toEqual(entry(expected, id));
  });
});
