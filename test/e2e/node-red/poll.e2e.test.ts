/**
 * memberspot-poll in a real Node-RED process with a `localfilesystem` context store: three nodes (New Member,
 * Access Granted, Access Ended for off_premium, every 10 s), each posting every event to a local listener
 * through Node-RED's http request node. 25 seeded members: no event at deploy; three added, three revoked:
 * exactly three events of each kind; Node-RED stopped, one more added and one more revoked, Node-RED started
 * on the same user dir: exactly one more of each, none repeated. Members change through the sandbox's
 * control endpoints over HTTP.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { deploy, startNodeRed, type NodeRed } from './nodered';

const API_KEY = 'e2e-key-nr-poll-6a2d9f4c1e';
const EVENTS = ['newMember', 'accessGranted', 'accessEnded'] as const;
const SETTINGS = { contextStorage: { default: { module: 'memory' }, file: { module: 'localfilesystem' } } };

interface Received {
  event: string;
  uid: string;
  email: string;
}

function pollFlow(sandboxUrl: string, listener: string): unknown[] {
  return [
    { id: 'polltab', type: 'tab', label: 'Poll' },
    { id: 'pollcfg', type: 'memberspot-config', name: 'Sandbox', baseUrl: sandboxUrl, requestsPerSecond: 4, credentials: { apiKey: API_KEY } },
    ...EVENTS.flatMap((event, i) => [
      {
        id: `poll${i}`, type: 'memberspot-poll', z: 'polltab', name: event, account: 'pollcfg', event, accessId: event === 'newMember' ? '' : 'off_premium',
        interval: 10, store: 'file', emitOnFirstPoll: false, confirmMassChanges: false, x: 140, y: 80 + i * 60, wires: [[`post${i}`]],
      },
      {
        id: `post${i}`, type: 'http request', z: 'polltab', name: '', method: 'POST', ret: 'txt', paytoqs: 'ignore', url: `${listener}/event`, tls: '', persist: false,
        proxy: '', insecureHTTPParser: false, authType: '', senderr: false, headers: [], x: 360, y: 80 + i * 60, wires: [[]],
      },
    ]),
    { id: 'pollcatch', type: 'catch', z: 'polltab', name: '', scope: null, uncaught: false, x: 140, y: 300, wires: [['posterr']] },
    {
      id: 'posterr', type: 'http request', z: 'polltab', name: '', method: 'POST', ret: 'txt', paytoqs: 'ignore', url: `${listener}/error`, tls: '', persist: false,
      proxy: '', insecureHTTPParser: false, authType: '', senderr: false, headers: [], x: 360, y: 300, wires: [[]],
    },
  ];
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('memberspot-poll in a real Node-RED with a localfilesystem context store', () => {
  let sandbox: Sandbox;
  let red: NodeRed | undefined;
  let userDir: string;
  let listener: Server;
  const received: Received[] = [];
  const errors: unknown[] = [];

  const listRequests = () => sandbox.requests.filter((r) => r.path === '/v1/users/list' && r.status === 200).length;
  const control = async (path: string, body: unknown) => {
    const response = await fetch(`${sandbox.url}/__sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  };
  const of = (event: string) => received.filter((r) => r.event === event);
  /** Waits until each node polled `count` more times (one List Users page each). */
  const cycles = async (count: number) => {
    const target = listRequests() + count * EVENTS.length;
    await waitFor(() => listRequests() >= target, 90_000, `${count} more poll cycles`);
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: API_KEY, seed: 'none' });
    for (let i = 0; i < 25; i += 1) await control('users', { email: `member${i}@example.com`, firstname: `M${i}`, name: 'Seed', offerIds: ['off_premium'] });
    listener = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body) as Received & { error?: unknown };
        if (req.url === '/error') errors.push(parsed.error ?? parsed);
        else received.push({ event: parsed.event, uid: parsed.uid, email: parsed.email });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await red?.stop();
    await sandbox?.close();
    await new Promise((resolve) => listener?.close(resolve));
  });

  it('deployed with 25 members: a baseline, no event', async () => {
    red = await startNodeRed({ settings: SETTINGS });
    userDir = red.userDir;
    await deploy(red, pollFlow(sandbox.url, `http://127.0.0.1:${(listener.address() as AddressInfo).port}`));
    await waitFor(() => listRequests() >= EVENTS.length, 60_000, 'the first polls');
    await cycles(1);
    expect(received).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('three members added and three revoked: exactly three events of each kind', async () => {
    for (let i = 0; i < 3; i += 1) await control('users', { email: `new${i}@example.com`, firstname: `N${i}`, name: 'New', offerIds: ['off_premium'] });
    for (let i = 0; i < 3; i += 1) await control('revoke', { email: `member${i}@example.com`, offerId: 'off_premium' });
    await waitFor(() => received.length >= 9, 60_000, 'nine events');
    await cycles(2);
    expect(of('newMember').map((r) => r.email).sort()).toEqual(['new0@example.com', 'new1@example.com', 'new2@example.com']);
    expect(of('accessGranted').map((r) => r.email).sort()).toEqual(['new0@example.com', 'new1@example.com', 'new2@example.com']);
    expect(of('accessEnded').map((r) => r.email).sort()).toEqual(['member0@example.com', 'member1@example.com', 'member2@example.com']);
  });

  it('restarted in the middle (one member added, one revoked while it was down): exactly one more of each, none repeated', async () => {
    await red?.stop({ keepUserDir: true });
    red = undefined;
    // The localfilesystem store wrote the state on close.
    expect(existsSync(join(userDir, 'context')) && readdirSync(join(userDir, 'context')).length).toBeTruthy();
    await control('users', { email: 'while-down@example.com', firstname: 'W', name: 'Down', offerIds: ['off_premium'] });
    await control('revoke', { email: 'member3@example.com', offerId: 'off_premium' });
    red = await startNodeRed({ settings: SETTINGS, userDir });
    await waitFor(() => received.length >= 12, 60_000, 'three more events');
    await cycles(2);
    expect(received).toHaveLength(12);
    expect(of('newMember').filter((r) => r.email === 'while-down@example.com')).toHaveLength(1);
    expect(of('accessGranted').filter((r) => r.email === 'while-down@example.com')).toHaveLength(1);
    expect(of('accessEnded').filter((r) => r.email === 'member3@example.com')).toHaveLength(1);
    expect(new Set(received.map((r) => `${r.event}/${r.uid}`)).size).toBe(12);
    expect(errors).toEqual([]);
    expect(red.output()).not.toContain(API_KEY);
  });
});
