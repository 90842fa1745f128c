/**
 * A converted n8n workflow in the real n8n engine, in process (test/n8n/helpers/engine.ts: n8n-core's
 * WorkflowExecute with our nodes from dist/), against the sandbox over real HTTP. The engine here has no
 * n8n-nodes-base, only a stand-in for the Webhook node, so the run starts at the converted Webhook node and
 * stops before the Respond to Webhook node (the end-to-end suite of the next session runs the whole workflow
 * in a real n8n): what is checked is that our Memberspot node, with the parameters and expressions the
 * converter wrote, grants with the mapped email, names, offer and order id.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INode, IConnections } from 'n8n-workflow';
import { parseBlueprint } from '../../migrate/blueprint';
import { convert } from '../../migrate/convert';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { runFrom } from '../n8n/helpers/engine';

const env = useSandbox();
beforeEach(() => env.sandbox.reset());

it('grant after purchase: the converted Memberspot node grants with the mapped fields', async () => {
  const { n8n } = convert(parseBlueprint(readFileSync(join(__dirname, 'blueprints', 'grant-after-purchase.json'), 'utf8')));
  // Without the Respond to Webhook and Stop and Error nodes, which this engine does not have.
  const nodes = n8n.nodes.filter((n) => n.type !== 'n8n-nodes-base.respondToWebhook' && n.type !== 'n8n-nodes-base.stopAndError');
  const names = new Set(nodes.map((n) => n.name));
  const connections = Object.fromEntries(
    Object.entries(n8n.connections)
      .filter(([from]) => names.has(from))
      .map(([from, c]) => [from, { main: c.main.map((targets) => targets.filter((t) => names.has(t.node))) }]),
  );
  const credential = { id: 'memberspot-credential', name: 'Memberspot' };
  expect(nodes.find((n) => n.name === 'Zugang gewähren')?.credentials).toEqual({ memberflowMemberspotApi: credential });
  const item = { json: { headers: { 'content-type': 'application/json' }, params: {}, query: {}, body: { email: ' Engine@Example.com', first_name: '', 'last name': 'Lovelace', order_id: 5 } } };
  const result = await runFrom(
    { name: n8n.name, nodes: nodes as unknown as INode[], connections: connections as unknown as IConnections },
    { apiKey: API_KEY, baseUrl: env.sandbox.url },
    'Shop webhook',
    [item],
  );
  expect(result.error).toBeUndefined();
  expect(result.output('Zugang gewähren')[0].json).toMatchObject({ success: true, email: 'engine@example.com', accessId: 'off_basic', orderId: 'DS24-5' });
  const user = env.sandbox.state.userByEmail('engine@example.com');
  expect(user).toMatchObject({ firstname: 'Kunde', name: 'Lovelace' });
  expect(user?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', orderId: 'DS24-5', active: true })]);
});
