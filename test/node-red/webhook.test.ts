/**
 * The webhook node on Node-RED's HTTP node app, served through the test helper's HTTP server, over real HTTP:
 * auth_test, the shared secret, the event filter, the message it sends, and the route's removal on close.
 */
import { helper, load, useNodeRed, webhookNode, type FlowNode, type Msg } from './helpers';

useNodeRed();

let nodeApp: ((req: unknown, res: unknown, next: () => void) => void) | undefined;
/** The webhook module, with RED.httpNode mounted on the helper's server (the helper leaves it unserved). */
function webhookWithServer(RED: { httpNode: typeof nodeApp }) {
  nodeApp = RED.httpNode;
  return webhookNode(RED);
}

beforeEach(() => {
  nodeApp = undefined;
  helper._app.use((req: unknown, res: unknown, next: () => void) => (nodeApp ? nodeApp(req, res, next) : next()));
});

function flow(props: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: 'f1', type: 'tab', label: 'Webhook' },
    { id: 'w1', type: 'memberspot-webhook', z: 'f1', name: '', path: '/memberspot-test', events: '', ...props, wires: [['out']] },
    { id: 'out', type: 'helper', z: 'f1' },
  ];
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${helper.url()}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.text() };
}

function messages(): Msg[] {
  const list: Msg[] = [];
  helper.getNode('out').on('input', (msg: Msg) => list.push(msg));
  return list;
}

/** Resolves with the next message at `out`. */
function next(): Promise<Msg> {
  return new Promise((resolve) => helper.getNode('out').once('input', resolve));
}

it('sends msg.payload = body and msg.topic = event, answering 200', async () => {
  await load(flow(), {}, [webhookWithServer]);
  const arrived = next();
  const response = await post('/memberspot-test', { event: 'user.created', email: 'anna@example.com' });
  expect(response.status).toBe(200);
  const msg = await arrived;
  expect(msg.payload).toEqual({ event: 'user.created', email: 'anna@example.com' });
  expect(msg.topic).toBe('user.created');
});

it("answers Memberspot's auth_test with 200 and sends no message", async () => {
  await load(flow(), {}, [webhookWithServer]);
  const list = messages();
  const arrived = next();
  expect((await post('/memberspot-test', { event: 'auth_test' })).status).toBe(200);
  await post('/memberspot-test', { event: 'after' });
  await arrived;
  // Requests are handled in order: the first (and only) message is the second request.
  expect(list.map((m) => m.topic)).toEqual(['after']);
});

it('refuses requests without the secret with 401 and no message; accepts it by query or header', async () => {
  await load(flow(), { w1: { secret: 's3cret-value' } }, [webhookWithServer]);
  const list = messages();
  expect((await post('/memberspot-test', { event: 'a' })).status).toBe(401);
  expect((await post('/memberspot-test?secret=wrong', { event: 'b' })).status).toBe(401);
  expect((await post('/memberspot-test', { event: 'auth_test' })).status).toBe(401);
  const arrived = next();
  expect((await post('/memberspot-test?secret=s3cret-value', { event: 'c' })).status).toBe(200);
  await arrived;
  const again = next();
  expect((await post('/memberspot-test', { event: 'd' }, { 'X-Memberspot-Secret': 's3cret-value' })).status).toBe(200);
  await again;
  expect(list.map((m) => m.topic)).toEqual(['c', 'd']);
  expect(JSON.stringify(list)).not.toContain('s3cret-value');
});

it('filters events: others get 200 and no message', async () => {
  await load(flow({ events: 'user.created, offer.granted' }), {}, [webhookWithServer]);
  const list = messages();
  expect((await post('/memberspot-test', { event: 'user.deleted' })).status).toBe(200);
  expect((await post('/memberspot-test', { no: 'event' })).status).toBe(200);
  const arrived = next();
  expect((await post('/memberspot-test', { event: 'offer.granted', offerId: 'off_basic' })).status).toBe(200);
  await arrived;
  expect(list.map((m) => m.topic)).toEqual(['offer.granted']);
});

it('answers 400 to a body that is not JSON', async () => {
  await load(flow(), {}, [webhookWithServer]);
  expect((await post('/memberspot-test', '{not json')).status).toBe(400);
});

it('removes its route on close, and a redeploy adds it again', async () => {
  await load(flow({ path: 'hook-two' }), {}, [webhookWithServer]);
  expect((await post('/hook-two', { event: 'x' })).status).toBe(200);
  await helper.setFlows(flow({ path: '/hook-three' }), 'full');
  expect((await post('/hook-two', { event: 'x' })).status).toBe(404);
  expect((await post('/hook-three', { event: 'x' })).status).toBe(200);
  await helper.clearFlows();
  expect((await post('/hook-three', { event: 'x' })).status).toBe(404);
});
