/**
 * The Memberspot Polling Trigger in the real n8n CLI, per pinned version: three active workflows (New Member,
 * Access Granted, Access Ended for off_premium), each posting every event to a local listener through n8n's
 * HTTP Request node. 25 seeded members: no event on activation; three members added, three revoked: exactly
 * three events of each kind within two poll cycles; n8n stopped, one more member added and one more revoked,
 * n8n started: exactly one more of each, none repeated. Members change through the sandbox's control
 * endpoints over HTTP.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { n8nCache } from '../../../bench/harness/n8n-cli';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { freePort, makeHome, runCli, startN8n, VERSIONS, writeJson, type N8nHome, type RunningN8n } from './helpers';

const API_KEY = 'e2e-key-poll-4b8e2c6a9d1f';
const CREDENTIAL = { id: 'msE2ePollCred001', name: 'Memberspot Sandbox' };
const POLL_TYPE = 'CUSTOM.memberspotPollingTrigger';
/**
 * How often the workflows poll. Every 10 seconds where n8n takes a list of seconds (it refuses only a `*` in
 * the seconds field, "at least a minute"); newer n8n (2.41) refuses any poll time under a minute
 * (isSubMinuteCron), so there every minute, with the waits scaled and one quiet cycle instead of two.
 */
function pollCadence(version: string) {
  const core = join(n8nCache(), `n8n-${version}`, 'node_modules', 'n8n-core', 'dist', 'execution-engine', 'active-workflow-triggers.js');
  const subMinuteRefused = existsSync(core) && readFileSync(core, 'utf8').includes('isSubMinuteCron');
  return subMinuteRefused
    ? { pollTimes: { item: [{ mode: 'everyMinute' }] }, waitMs: 200_000, quietCycles: 1 }
    : { pollTimes: { item: [{ mode: 'custom', cronExpression: '5,15,25,35,45,55 * * * * *' }] }, waitMs: 120_000, quietCycles: 2 };
}
const EVENTS = ['newMember', 'accessGranted', 'accessEnded'] as const;
const WORKFLOW_IDS: Record<(typeof EVENTS)[number], string> = { newMember: 'msE2ePollNewMem1', accessGranted: 'msE2ePollGrant01', accessEnded: 'msE2ePollEnded01' };

interface Received {
  event: string;
  uid: string;
  email: string;
  /** List Users requests the sandbox had seen when this event arrived. */
  listRequests: number;
}

function workflow(event: (typeof EVENTS)[number], listener: string, pollTimes: unknown) {
  const parameters: Record<string, unknown> = { pollTimes, event };
  if (event !== 'newMember') parameters.accessId = { __rl: true, mode: 'id', value: 'off_premium' };
  return {
    id: WORKFLOW_IDS[event],
    name: `Memberspot e2e poll: ${event}`,
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      { id: `poll-${event}`, name: 'Memberspot Polling Trigger', type: POLL_TYPE, typeVersion: 1, position: [0, 0], parameters, credentials: { memberflowMemberspotApi: CREDENTIAL } },
      {
        id: `post-${event}`, name: 'Post Event', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, position: [250, 0],
        parameters: { method: 'POST', url: listener, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify($json) }}', options: {} },
      },
    ],
    connections: { 'Memberspot Polling Trigger': { main: [[{ node: 'Post Event', type: 'main', index: 0 }]] } },
  };
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string, output?: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${output ? `; n8n printed:\n${output().slice(-3000)}` : ''}`);
}

describe.each(VERSIONS)('n8n %s: Memberspot Polling Trigger', (version) => {
  const cadence = pollCadence(version);
  let sandbox: Sandbox;
  let home: N8nHome;
  let port: number;
  let n8n: RunningN8n | undefined;
  let listener: Server;
  let listenerUrl: string;
  const received: Received[] = [];

  const listRequests = () => sandbox.requests.filter((r) => r.path === '/v1/users/list' && r.status === 200).length;
  const control = async (path: string, body: unknown) => {
    const response = await fetch(`${sandbox.url}/__sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  };
  const of = (event: string) => received.filter((r) => r.event === event);
  /** Waits until each workflow polled `cycles` more times (one List Users page each: 25 to 29 members). */
  const cycles = async (cycles: number) => {
    const target = listRequests() + cycles * EVENTS.length;
    await waitFor(() => listRequests() >= target, cadence.waitMs, `${cycles} more poll cycles`, () => n8n?.output() ?? '');
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: API_KEY, seed: 'none' });
    for (let i = 0; i < 25; i += 1) await control('users', { email: `member${i}@example.com`, firstname: `M${i}`, name: 'Seed', offerIds: ['off_premium'] });
    listener = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const event = JSON.parse(body) as { event: string; uid: string; email: string };
        received.push({ event: event.event, uid: event.uid, email: event.email, listRequests: listRequests() });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/event`;
    port = await freePort();
    home = makeHome(port);
    // Its own task broker port (n8n 2.x), so that another n8n on this machine (5679 by default) does not stop it.
    home.env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
  });

  afterAll(async () => {
    await n8n?.stop();
    await sandbox?.close();
    await new Promise((resolve) => listener?.close(resolve));
    home?.cleanup();
  });

  it('activated with 25 members: a baseline, no event', async () => {
    const credentials = writeJson(home.dir, 'credentials.json', [
      { ...CREDENTIAL, type: 'memberflowMemberspotApi', data: { apiKey: API_KEY, baseUrl: sandbox.url, requestsPerSecond: 4 } },
    ]);
    expect((await runCli(version, ['import:credentials', `--input=${credentials}`], home.env)).code).toBe(0);
    const workflows = writeJson(home.dir, 'workflows.json', EVENTS.map((event) => workflow(event, listenerUrl, cadence.pollTimes)));
    expect((await runCli(version, ['import:workflow', `--input=${workflows}`], home.env)).code).toBe(0);
    for (const id of Object.values(WORKFLOW_IDS)) expect((await runCli(version, ['update:workflow', `--id=${id}`, '--active=true'], home.env)).code).toBe(0);

    n8n = await startN8n(version, home, port);
    // The activation polls (the baseline) and one full cycle after them.
    await waitFor(() => listRequests() >= EVENTS.length, cadence.waitMs, 'the activation polls', () => n8n?.output() ?? '');
    await cycles(1);
    expect(received).toEqual([]);
  }, 600_000);

  it('three members added and three revoked: exactly three events of each kind within two poll cycles', async () => {
    const before = listRequests();
    for (let i = 0; i < 3; i += 1) await control('users', { email: `new${i}@example.com`, firstname: `N${i}`, name: 'New', offerIds: ['off_premium'] });
    for (let i = 0; i < 3; i += 1) await control('revoke', { email: `member${i}@example.com`, offerId: 'off_premium' });
    await waitFor(() => received.length >= 9, cadence.waitMs, 'nine events', () => n8n?.output() ?? '');
    // Within two cycles of the three workflows (a cycle may have begun before the change).
    expect(Math.max(...received.map((r) => r.listRequests))).toBeLessThanOrEqual(before + 2 * EVENTS.length);
    await cycles(cadence.quietCycles);
    expect(of('newMember').map((r) => r.email).sort()).toEqual(['new0@example.com', 'new1@example.com', 'new2@example.com']);
    expect(of('accessGranted').map((r) => r.email).sort()).toEqual(['new0@example.com', 'new1@example.com', 'new2@example.com']);
    expect(of('accessEnded').map((r) => r.email).sort()).toEqual(['member0@example.com', 'member1@example.com', 'member2@example.com']);
  }, 600_000);

  it('n8n stopped, one more member added and one revoked, n8n started: exactly one more of each, none repeated', async () => {
    await n8n?.stop();
    n8n = undefined;
    await control('users', { email: 'while-down@example.com', firstname: 'W', name: 'Down', offerIds: ['off_premium'] });
    await control('revoke', { email: 'member3@example.com', offerId: 'off_premium' });
    n8n = await startN8n(version, home, port);
    await waitFor(() => received.length >= 12, cadence.waitMs, 'three more events', () => n8n?.output() ?? '');
    await cycles(cadence.quietCycles);
    expect(received).toHaveLength(12);
    expect(of('newMember').filter((r) => r.email === 'while-down@example.com')).toHaveLength(1);
    expect(of('accessGranted').filter((r) => r.email === 'while-down@example.com')).toHaveLength(1);
    expect(of('accessEnded').filter((r) => r.email === 'member3@example.com')).toHaveLength(1);
    expect(new Set(received.map((r) => `${r.event}/${r.uid}`)).size).toBe(12);
    expect(n8n.output()).not.toContain(API_KEY);
  }, 600_000);
});
