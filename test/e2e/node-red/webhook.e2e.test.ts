/**
 * The webhook node in a real Node-RED process, once with the default roots (admin and node apps both at
 * `/`, where the admin app's body parser sits in front of every node route) and once with separate roots:
 * the same answers in both, users' `httpNodeMiddleware` runs, the secret is checked before the body is read,
 * 413 for a body over 1 MB, no event from a form-encoded, empty or invalid body and no stack trace in the log.
 */
import * as http from 'node:http';
import { deploy, startNodeRed, type NodeRed } from './nodered';

const SECRET = 'e2e-hook-secret-51c7';
const MIDDLEWARE = `module.exports.httpNodeMiddleware = function (req, res, next) {
  if (req.headers['x-e2e-block'] === 'yes') { res.statusCode = 403; res.end('blocked by httpNodeMiddleware'); return; }
  next();
};`;

function hookFlow(): unknown[] {
  return [
    { id: 'hooktab', type: 'tab', label: 'Hook' },
    { id: 'hook', type: 'memberspot-webhook', z: 'hooktab', name: '', path: '/e2e/hook', events: '', credentials: { secret: SECRET }, x: 130, y: 80, wires: [['hookdebug']] },
    { id: 'hookdebug', type: 'debug', z: 'hooktab', name: 'hooklog', active: true, tosidebar: false, console: true, tostatus: false, complete: 'topic', targetType: 'msg', x: 330, y: 80, wires: [] },
  ];
}

describe.each([
  ['the default roots (admin and node apps at /)', {}, ''],
  ['separate roots (/admin, /api)', { httpAdminRoot: '/admin', httpNodeRoot: '/api' }, '/api'],
])('with %s', (_name, settings, nodeRoot) => {
  let red: NodeRed;
  let hook: string;

  beforeAll(async () => {
    red = await startNodeRed({ settings, settingsJs: MIDDLEWARE });
    await deploy(red, hookFlow());
    hook = `${red.url}${nodeRoot}/e2e/hook`;
  });
  afterAll(async () => {
    await red?.stop();
  });

  /** Topics the flow's debug node logged, in order. */
  function topics(): string[] {
    return [...red.output().matchAll(/\[debug:hooklog\]\s*\n?\s*(\S+)/g)].map((m) => m[1]);
  }

  async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
    const response = await fetch(url, { method: 'POST', headers, body });
    return { status: response.status, text: await response.text() };
  }

  it('an event with the secret becomes a message', async () => {
    expect((await post(`${hook}?secret=${SECRET}`, '{"event":"e2e.first"}')).status).toBe(200);
    for (let i = 0; !topics().includes('e2e.first'); i += 1) {
      if (i > 100) throw new Error(`no message was logged:\n${red.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it("runs the user's httpNodeMiddleware", async () => {
    const blocked = await post(`${hook}?secret=${SECRET}`, '{"event":"e2e.blocked"}', { 'content-type': 'application/json', 'x-e2e-block': 'yes' });
    expect(blocked).toEqual({ status: 403, text: 'blocked by httpNodeMiddleware' });
  });

  it('answers a wrong secret before the body is complete', async () => {
    const status = await new Promise<number | 'no answer'>((resolve) => {
      const url = new URL(hook);
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '900000' } },
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
      }, 5000);
      req.on('error', () => undefined);
      req.write('{"event":"e2e.partial","pad":"');
    });
    expect(status).toBe(401);
  });

  it('answers 413 to a body over 1 MB, 415 to a form, 400 to an empty or invalid body; none becomes a message', async () => {
    const before = red.output().length;
    const big = JSON.stringify({ event: 'e2e.big', pad: 'x'.repeat(1024 * 1024 + 10) });
    expect((await post(`${hook}?secret=${SECRET}`, big)).status).toBe(413);
    expect((await post(`${hook}?secret=${SECRET}`, 'event=e2e.form', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await fetch(`${hook}?secret=${SECRET}`, { method: 'POST' })).status).toBe(400);
    const invalid = await post(`${hook}?secret=${SECRET}`, '{not json');
    expect(invalid.status).toBe(400);
    expect(invalid.text).toMatch(/JSON/);
    // A last event: messages are logged in order, so the refused ones would show before it.
    expect((await post(`${hook}?secret=${SECRET}`, '{"event":"e2e.last"}')).status).toBe(200);
    for (let i = 0; !topics().includes('e2e.last'); i += 1) {
      if (i > 100) throw new Error(`no message was logged:\n${red.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(topics()).toEqual(['e2e.first', 'e2e.last']);
    const log = red.output().slice(before);
    expect(log).not.toMatch(/SyntaxError|PayloadTooLargeError|\n\s+at /);
  });
});
