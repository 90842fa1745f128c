/**
 * Several Node-RED instances on one Memberspot account: two real Node-RED processes, each with its own
 * copy of the package, its own limiter and connections, the same key and the same Redis URL in their
 * config node. 40 Find User by Email each, all at once, against the sandbox's strict sliding 1-second
 * window: no 429, never more than 4 in any second. Without the Redis URL the two break the limit
 * (what the Redis URL is for).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { maxInWindow } from '../../helpers/sandbox';
import { freePort } from '../n8n/helpers';
import { deploy, startNodeRed, type NodeRed } from './nodered';

const API_KEY = 'e2e-scale-key-6e1d0b93';
const LOOKUP = '/v1/users/find-by-mail';
let sandbox: Sandbox;
let redis: ChildProcess;
let redisUrl: string;
const reds: NodeRed[] = [];

function lookupFlow(redisUrlOrNone: string | undefined): unknown[] {
  const empty = (names: string[]) => Object.fromEntries(names.flatMap((n) => [[n, ''], [`${n}Type`, 'msgdefault']]));
  const fields = ['email', 'accessId', 'firstName', 'lastName', 'orderId', 'active', 'expiresAt', 'extraBody', 'courseId', 'pageLength', 'lastLoadedId', 'uid', 'emails', 'properties', 'chapterId', 'examId', 'method', 'path', 'query', 'headers', 'body'];
  return [
    { id: 'scaletab', type: 'tab', label: 'Scale' },
    {
      id: 'scalecfg',
      type: 'memberspot-config',
      name: 'Sandbox',
      baseUrl: sandbox.url,
      requestsPerSecond: 4,
      // An empty field clears the stored one (Node-RED keeps a credential that a deploy leaves out).
      credentials: { apiKey: API_KEY, redisUrl: redisUrlOrNone ?? '' },
    },
    { id: 'scalein', type: 'http in', z: 'scaletab', name: '', url: '/e2e/lookup', method: 'post', upload: false, swaggerDoc: '', x: 120, y: 80, wires: [['scalefind']] },
    {
      id: 'scalefind',
      type: 'memberspot',
      z: 'scaletab',
      name: '',
      account: 'scalecfg',
      action: 'findUserByEmail',
      ...empty(fields),
      email: 'payload.email',
      emailType: 'msg',
      x: 330,
      y: 80,
      wires: [['scaleres']],
    },
    { id: 'scaleres', type: 'http response', z: 'scaletab', name: '', statusCode: '', headers: {}, x: 530, y: 80, wires: [] },
    { id: 'scalecatch', type: 'catch', z: 'scaletab', name: '', scope: ['scalefind'], uncaught: false, x: 120, y: 160, wires: [['scaleerr']] },
    { id: 'scaleerr', type: 'change', z: 'scaletab', name: '', rules: [{ t: 'set', p: 'statusCode', pt: 'msg', to: '500', tot: 'num' }], x: 330, y: 160, wires: [['scaleres']] },
  ];
}

beforeAll(async () => {
  const port = await freePort();
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  redis.on('error', (error) => (output += `redis-server could not be started (bash scripts/setup-queue.sh installs Debian's): ${error.message}`));
  redis.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  for (let i = 0; i < 100 && !output.includes('Ready to accept connections'); i += 1) await new Promise((r) => setTimeout(r, 50));
  expect(output).toContain('Ready to accept connections');
  redisUrl = `redis://127.0.0.1:${port}/1`;
  sandbox = await startSandbox({ apiKey: API_KEY, rateLimit: { limit: 4, windowMs: 1000 } });
  reds.push(await startNodeRed(), await startNodeRed());
}, 120_000);

afterAll(async () => {
  await Promise.all(reds.map((red) => red.stop()));
  await sandbox?.close();
  redis?.kill('SIGKILL');
});

beforeEach(async () => {
  await new Promise((r) => setTimeout(r, 1500));
  sandbox.reset();
});

async function lookUp(red: NodeRed): Promise<number> {
  const response = await fetch(`${red.url}/e2e/lookup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'anna.schmidt@example.com' }),
  });
  await response.text();
  return response.status;
}

async function fortyEachAtOnce(): Promise<{ statuses: number[]; times: number[]; refused: number }> {
  const statuses = await Promise.all(reds.flatMap((red) => Array.from({ length: 40 }, () => lookUp(red))));
  const lookups = sandbox.requests.filter((r) => r.path.startsWith(LOOKUP));
  const passed = lookups.filter((r) => r.status !== 429).map((r) => r.time).sort((a, b) => a - b);
  const refused = lookups.length - passed.length;
  const achieved = (passed.length - 1) / ((passed[passed.length - 1] - passed[0]) / 1000);
  console.log(`two Node-RED processes, 40 lookups each: ${lookups.length} at the sandbox, ${refused} x 429, max ${maxInWindow(passed, 1000)} per sliding second, ${(achieved / 4).toFixed(2)} of the limit`);
  return { statuses, times: lookups.map((r) => r.time), refused };
}

it('two Node-RED processes with one account and one Redis URL: 40 lookups each at once, no 429, within the limit', async () => {
  for (const red of reds) await deploy(red, lookupFlow(redisUrl));
  const { statuses, times, refused } = await fortyEachAtOnce();
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  expect(times).toHaveLength(80);
  expect(refused).toBe(0);
  expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(4);
  for (const red of reds) expect(red.output()).not.toMatch(/cannot be reached/);
}, 180_000);

it('without the Redis URL, the two processes together break the limit (the sandbox refuses some)', async () => {
  for (const red of reds) await deploy(red, lookupFlow(undefined));
  const { statuses, times, refused } = await fortyEachAtOnce();
  // The refused calls were retried after Retry-After: every lookup still ends well.
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  expect(refused).toBeGreaterThan(0);
  expect(maxInWindow(times, 1000)).toBeGreaterThan(4);
}, 180_000);
