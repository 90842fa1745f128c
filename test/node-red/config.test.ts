/**
 * The account (config) node's lifecycle, like Node-RED's MQTT broker node: action nodes register and
 * deregister; the shared client is closed when the last one leaves and made again on next use; a Redis
 * fallback warning shows on every user node's status.
 */
import type { MemberspotClient } from '../../shared';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { configFor, helper, load, recordLog, run, statuses, str, until, useNodeRed, type FlowNode } from './helpers';

const env = useSandbox();
useNodeRed();
const logs = recordLog();
afterAll(() => logs.stop());

const ANNA = 'anna.schmidt@example.com';

interface ConfigNode {
  client(): MemberspotClient;
  users: Set<unknown>;
}

/** The account and one action node per id, each with a helper output and a Catch node. */
function flow(ids: string[], props: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: 'f1', type: 'tab', label: 'Test' },
    configFor(env.sandbox.url),
    ...ids.map((id) => ({ id, type: 'memberspot', z: 'f1', name: '', account: 'cfg', action: 'findUserByEmail', ...str('email', ANNA), ...props, wires: [['out']] })),
    { id: 'out', type: 'helper', z: 'f1' },
    { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f1' },
  ];
}

it('action nodes register and deregister; the client is closed when the last one leaves and made again on next use', async () => {
  await load(flow(['n1', 'n2']));
  const cfg = helper.getNode('cfg') as ConfigNode;
  expect(cfg.users.size).toBe(2);
  expect((await run({}, 'n1')).out?.payload).toMatchObject({ email: ANNA });
  const first = cfg.client();

  // One user left: the client stays.
  await helper.setFlows(flow(['n1']), 'nodes', { cfg: { apiKey: API_KEY } });
  expect(helper.getNode('cfg')).toBe(cfg);
  expect(cfg.users.size).toBe(1);
  expect(cfg.client()).toBe(first);

  // The last user left: the client is closed (its calls fail at once) ...
  await helper.setFlows(flow([]), 'nodes', { cfg: { apiKey: API_KEY } });
  expect(helper.getNode('cfg')).toBe(cfg);
  expect(cfg.users.size).toBe(0);
  await expect(first.execute('listOffers')).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });

  // ... and a new one is made for the next user.
  await helper.setFlows(flow(['n3']), 'nodes', { cfg: { apiKey: API_KEY } });
  expect(cfg.users.size).toBe(1);
  expect((await run({}, 'n3')).out?.payload).toMatchObject({ email: ANNA });
  expect(cfg.client()).not.toBe(first);
});

it('a Redis fallback warning shows on the status of every node using the account', async () => {
  await load(flow(['n1', 'n2']), { cfg: { apiKey: API_KEY, redisUrl: 'redis://:s3cret-redis-pass@127.0.0.1:9' } });
  const one = statuses('n1');
  const two = statuses('n2');
  expect((await run({}, 'n1')).out?.payload).toMatchObject({ email: ANNA });
  const warned = (list: Array<Record<string, unknown>>) => list.some((s) => s.fill === 'yellow' && String(s.text).includes('redisFallback'));
  // n2 never ran a message: it shows the warning too.
  await until(() => warned(one) && warned(two), 'the warning on both nodes');
  // The config node itself logs it once, without the password.
  expect(logs.entries.filter((e) => String(e.msg).includes('cannot be reached'))).toHaveLength(1);
  expect(JSON.stringify([one, two, logs.entries])).not.toContain('s3cret-redis-pass');
});
