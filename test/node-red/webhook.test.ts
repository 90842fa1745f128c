/**
 * The webhook node on Node-RED's HTTP node app, served through the test helper's HTTP server, over real HTTP:
 * auth_test, the shared secret, the event filter, the message it sends, and the route's removal on close.
 *
 * The body handling runs in three server layouts: the admin and node apps both at `/` (Node-RED's default,
 * where the admin app's body parser sits in front of every node route), separate roots (`/admin`, `/api`),
 * and the node app alone. The node behaves the same in all three.
 */
import * as http from 'node:http';
import { helper, load, recordLog, useNodeRed, webhookNode, type FlowNode, type Msg } from './helpers';

useNodeRed();
const logs = recordLog();
afterAll(() => logs.stop());

type Middleware = (req: unknown, res: unknown, next: () => void) => void;
type Layout = 'same root' | 'separate roots' | 'node app only';
/** Where the node app's routes are reached in each layout. */
const NODE_ROOT: Record<Layout, string> = { 'same root': '', 'separate roots': '/api', 'node app only': '' };

let nodeApp: Middleware | undefined;
let layout: Layout = 'node app only';

/** The webhook module, with RED.httpNode (and RED.httpAdmin) mounted on the helper's server as `layout` says. */
function webhookWithServer(RED: { httpNode: Middleware; httpAdmin: Middleware }) {
  if (layout === 'same root') {
    // As Node-RED's red.js does with httpAdminRoot = httpNodeRoot = '/': the admin app (with its 5 MB JSON and
    // urlencoded parsers) first, then the node app.
    helper._app.use('/', RED.httpAdmin);
    helper._app.use('/', RED.httpNode);
  } else if (layout === 'separate roots') {
    helper._app.use('/admin', RED.httpAdmin);
    helper._app.use('/api', RED.httpNode);
  } else {
    nodeApp = RED.httpNode;
  }
  return webhookNode(RED);
}

beforeEach(() => {
  nodeApp = undefined;
  layout = 'node app only';
  helper._app.use((req: unknown, res: unknown, next: () => void) => (nodeApp ? nodeApp(req, res, next) : next()));
});
afterEach(() => {
  helper.settings({ httpNodeMiddleware: undefined });
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

/**
 * Sends the head of a POST and `partial` bytes of a body announced as `length` bytes, never the rest; resolves
 * with the status when the server answers (before the body is complete), or 'no answer' after `ms`.
 */
function postPartial(path: string, length: number, partial: number, headers: Record<string, string> = {}, ms = 5000): Promise<number | 'no answer'> {
  return new Promise((resolve) => {
    const url = new URL(`${helper.url()}${path}`);
    const req = http.request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(length), ...headers } },
      (res) => {
        clearTimeout(timer);
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      resolve('no answer');
    }, ms);
    req.on('error', () => undefined);
    req.write(`{"event":"x","pad":"${'a'.repeat(Math.max(0, partial - 20))}`);
  });
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

/** The statuses node `id` has shown since the flow was loaded (also those set in its constructor). */
function shownStatuses(id: string): Array<{ fill?: string; text?: string }> {
  const spy = helper.getNode(id).status as unknown as { getCalls(): Array<{ thisValue: { id: string }; args: Array<{ fill?: string; text?: string }> }> };
  return spy.getCalls().filter((c) => c.thisValue.id === id).map((c) => c.args[0]);
}

it.each([['   '], ['\n'], [' \t\r\n ']])('a secret of only blanks (%j) refuses every request with 401, shows it in red and warns', async (blank) => {
  await load(flow(), { w1: { secret: blank } }, [webhookWithServer]);
  const list = messages();
  for (const path of ['/memberspot-test', `/memberspot-test?secret=${encodeURIComponent(blank)}`, '/memberspot-test?secret=', '/memberspot-test?secret=x']) {
    expect((await post(path, { event: 'member.added' })).status).toBe(401);
    expect((await post(path, { event: 'auth_test' })).status).toBe(401);
  }
  expect((await post('/memberspot-test', { event: 'member.added' }, { 'X-Memberspot-Secret': blank.trim() || ' ' })).status).toBe(401);
  expect(list).toEqual([]);
  expect(shownStatuses('w1')[0]).toMatchObject({ fill: 'red', text: '/memberspot-test · memberspot-webhook.status.blankSecret' });
  // The test runtime has no message catalogue: the keys stand for the texts (checked in both locales below).
  expect(logs.text()).toContain('memberspot-webhook.warn.blankSecret');
});

it('without a secret: accepts callers, but shows a yellow status and logs a warning on deploy', async () => {
  const before = logs.entries.length;
  await load(flow(), {}, [webhookWithServer]);
  const warnings = logs.entries.slice(before).filter((e) => e.level === 30 && String(e.msg).includes('memberspot-webhook.warn.noSecret'));
  expect(warnings).toHaveLength(1);
  expect(shownStatuses('w1')[0]).toMatchObject({ fill: 'yellow', text: '/memberspot-test · memberspot-webhook.status.noSecret' });
  const arrived = next();
  expect((await post('/memberspot-test', { event: 'member.added' })).status).toBe(200);
  await arrived;
  await new Promise((resolve) => setImmediate(resolve));
  expect(shownStatuses('w1').at(-1)).toMatchObject({ fill: 'yellow', text: 'memberspot-webhook.status.received · memberspot-webhook.status.noSecret' });
});

it('the secret texts exist in English and German', () => {
  for (const locale of ['en-US', 'de']) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const texts = require(`../../node-red/locales/${locale}/memberspot-webhook.json`)['memberspot-webhook'];
    expect(texts.status.noSecret).toMatch(/\S/);
    expect(texts.status.blankSecret).toMatch(/401/);
    expect(texts.warn.noSecret).toContain('__path__');
    expect(texts.warn.blankSecret).toContain('__path__');
  }
});

it('with a secret: a grey status and no warning', async () => {
  const before = logs.entries.length;
  await load(flow(), { w1: { secret: 's3cret-value' } }, [webhookWithServer]);
  expect(logs.entries.slice(before).filter((e) => /secret/i.test(String(e.msg)))).toEqual([]);
  expect(shownStatuses('w1')[0]).toMatchObject({ fill: 'grey', text: '/memberspot-test' });
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

it('removes its route on close, and a redeploy adds it again', async () => {
  await load(flow({ path: 'hook-two' }), {}, [webhookWithServer]);
  expect((await post('/hook-two', { event: 'x' })).status).toBe(200);
  await helper.setFlows(flow({ path: '/hook-three' }), 'full');
  expect((await post('/hook-two', { event: 'x' })).status).toBe(404);
  expect((await post('/hook-three', { event: 'x' })).status).toBe(200);
  await helper.clearFlows();
  expect((await post('/hook-three', { event: 'x' })).status).toBe(404);
});

describe.each<Layout>(['same root', 'separate roots', 'node app only'])('the body, with %s', (current) => {
  const root = NODE_ROOT[current];
  beforeEach(() => {
    layout = current;
  });

  it('an event still arrives', async () => {
    await load(flow(), {}, [webhookWithServer]);
    const arrived = next();
    expect((await post(`${root}/memberspot-test`, { event: 'user.created' })).status).toBe(200);
    expect((await arrived).payload).toEqual({ event: 'user.created' });
  });

  it('a body over 1 MB gets 413 and no message', async () => {
    await load(flow(), {}, [webhookWithServer]);
    const list = messages();
    const big = JSON.stringify({ event: 'big', pad: 'x'.repeat(1024 * 1024 + 10) });
    const answer = await post(`${root}/memberspot-test`, big).catch((error: Error) => ({ status: `connection failed: ${error.message}`, body: '' }));
    expect(answer.status).toBe(413);
    expect(list).toEqual([]);
    // The connection was answered, not reset; the route still works.
    const arrived = next();
    expect((await post(`${root}/memberspot-test`, { event: 'small' })).status).toBe(200);
    await arrived;
  });

  it('a body over 1 MB sent in chunks (no Content-Length) gets 413', async () => {
    await load(flow(), {}, [webhookWithServer]);
    const list = messages();
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"event":"big","pad":"'));
      },
      pull(controller) {
        sent += 1;
        if (sent > 40) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit;
    const answer = await fetch(`${helper.url()}${root}/memberspot-test`, init).then(
      (r) => r.status,
      (error: Error) => `connection failed: ${error.message}`,
    );
    expect(answer).toBe(413);
    expect(list).toEqual([]);
  });

  it('a form-encoded or empty POST is refused and sends no message', async () => {
    await load(flow(), {}, [webhookWithServer]);
    const list = messages();
    const form = await fetch(`${helper.url()}${root}/memberspot-test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'event=user.created&email=a%40example.com',
    });
    expect(form.status).toBe(415);
    const empty = await fetch(`${helper.url()}${root}/memberspot-test`, { method: 'POST' });
    expect(empty.status).toBe(400);
    const emptyJson = await post(`${root}/memberspot-test`, '');
    expect(emptyJson.status).toBe(400);
    expect(list).toEqual([]);
  });

  it('a body that is not JSON gets 400, a message saying so, and no stack trace in the log', async () => {
    await load(flow(), {}, [webhookWithServer]);
    const before = logs.entries.length;
    const answer = await post(`${root}/memberspot-test`, '{not json');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: expect.stringMatching(/JSON/) });
    expect(answer.body).not.toMatch(/at \S+ \(/);
    expect(JSON.stringify(logs.entries.slice(before))).not.toMatch(/SyntaxError|at \S+ \(/);
  });

  it('checks the secret before reading the body: a wrong secret is answered while the body is still coming', async () => {
    await load(flow(), { w1: { secret: 's3cret-value' } }, [webhookWithServer]);
    expect(await postPartial(`${root}/memberspot-test`, 1024 * 1024 - 100, 1000)).toBe(401);
    // With the secret, the node waits for the whole body (a partial body is no event).
    expect(await postPartial(`${root}/memberspot-test?secret=s3cret-value`, 2000, 1000, {}, 500)).toBe('no answer');
  });

  it("runs Node-RED's httpNodeMiddleware before anything else, like the http in node", async () => {
    const seen: string[] = [];
    helper.settings({
      httpNodeMiddleware: (req: http.IncomingMessage & { body?: unknown }, res: http.ServerResponse, nextStep: () => void) => {
        seen.push(`${req.method} ${req.url} body=${req.body === undefined ? 'unread' : 'read'}`);
        if (req.headers['x-allowed'] !== 'yes') {
          res.statusCode = 403;
          res.end('blocked by middleware');
          return;
        }
        nextStep();
      },
    });
    await load(flow(), { w1: { secret: 's3cret-value' } }, [webhookWithServer]);
    const list = messages();
    const blocked = await post(`${root}/memberspot-test?secret=s3cret-value`, { event: 'x' });
    expect(blocked).toEqual({ status: 403, body: 'blocked by middleware' });
    expect(seen).toEqual(["POST /memberspot-test?secret=s3cret-value body=unread"]);
    const arrived = next();
    expect((await post(`${root}/memberspot-test?secret=s3cret-value`, { event: 'y' }, { 'x-allowed': 'yes' })).status).toBe(200);
    await arrived;
    expect(list.map((m) => m.topic)).toEqual(['y']);
  });
});
