/**
 * End to end in a real Node-RED process: the package loads from the user dir, a flow with the key inline
 * is deployed through the admin API, driven through an http in node against the sandbox; the key is only in
 * the encrypted credentials file; the offers endpoint needs the memberspot.read permission.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { CREDENTIAL_SECRET, deploy, e2eFlow, startNodeRed, type NodeRed } from './nodered';

const API_KEY = 'e2e-key-3b9d6f0a1c7e4e21';
let sandbox: Sandbox;
let red: NodeRed;

beforeAll(async () => {
  sandbox = await startSandbox({ apiKey: API_KEY });
  red = await startNodeRed();
});

afterAll(async () => {
  await red?.stop();
  await sandbox?.close();
});

function decryptCredentials(file: string): Record<string, Record<string, string>> {
  const { $: data } = JSON.parse(fs.readFileSync(file, 'utf8')) as { $: string };
  const key = createHash('sha256').update(CREDENTIAL_SECRET).digest();
  const decipher = createDecipheriv('aes-256-ctr', key, Buffer.from(data.substring(0, 32), 'hex'));
  return JSON.parse(decipher.update(data.substring(32), 'base64', 'utf8') + decipher.final('utf8'));
}

it('loads the six node types of the package.json node-red section', async () => {
  const response = await red.admin('/nodes', { token: await red.token('admin'), headers: { accept: 'application/json' } });
  expect(response.status).toBe(200);
  const sets = (await response.json()) as Array<{ module: string; types: string[]; enabled: boolean; err?: string }>;
  const ours = sets.filter((s) => s.module === '@memberflow/n8n-nodes-memberspot');
  expect(ours.flatMap((s) => s.types).sort()).toEqual(['memberspot', 'memberspot-config', 'memberspot-poll', 'memberspot-shop', 'memberspot-shop-config', 'memberspot-webhook']);
  for (const set of ours) expect(set.err).toBeUndefined();
});

it('loads without a warning or an error about the package, its Node.js or its Node-RED version', async () => {
  const response = await red.admin('/settings', { token: await red.token('admin') });
  const { version } = (await response.json()) as { version: string };
  const log = red.output();
  // Node-RED names the Node-RED and Node.js versions it runs on, then each problem with a module.
  expect(log).toContain(`Node-RED version: v${version}`);
  expect(log).toContain(`Node.js  version: ${process.version}`);
  const problems = log.split('\n').filter((line) => /\[(warn|error)\]/.test(line) && /memberspot|node-red version|node\.js version|not supported|incompatible/i.test(line));
  expect(problems).toEqual([]);
  expect(log).not.toMatch(/\[(warn|error)\] \[memberspot/);
});

it('runs a deployed flow through an http in node against the sandbox', async () => {
  await deploy(red, e2eFlow(sandbox.url, API_KEY));
  const response = await fetch(`${red.url}/e2e/grant`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'e2e.kunde@example.com', orderId: 'E2E-1' }),
  });
  if (response.status !== 200) console.log(red.output());
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ success: true, email: 'e2e.kunde@example.com', accessId: 'off_premium', orderId: 'E2E-1' });
  expect(sandbox.state.userByEmail('e2e.kunde@example.com')?.offers).toEqual([
    expect.objectContaining({ offerId: 'off_premium', orderId: 'E2E-1', active: true }),
  ]);

  const failed = await fetch(`${red.url}/e2e/grant`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"nope"}' });
  expect(failed.status).toBe(500);
  expect(JSON.stringify(await failed.json())).toMatch(/email/);
});

it('keeps the key out of the flows file and the admin API; only the encrypted credentials file holds it', async () => {
  const flows = fs.readFileSync(path.join(red.userDir, 'flows.json'), 'utf8');
  expect(flows).toContain('memberspot-config');
  expect(flows).not.toContain(API_KEY);
  const credFile = path.join(red.userDir, 'flows_cred.json');
  expect(fs.readFileSync(credFile, 'utf8')).not.toContain(API_KEY);
  expect(decryptCredentials(credFile).e2ecfg).toEqual({ apiKey: API_KEY });

  const token = await red.token('admin');
  const apiFlows = await (await red.admin('/flows', { token })).text();
  expect(apiFlows).not.toContain(API_KEY);
  const creds = await (await red.admin('/credentials/memberspot-config/e2ecfg', { token })).json();
  expect(creds).toEqual({ has_apiKey: true, has_redisUrl: false });
  expect(red.output()).not.toContain(API_KEY);
});

it('serves the offers to users with memberspot.read only', async () => {
  expect((await red.admin('/memberspot/e2ecfg/offers')).status).toBe(401);
  expect((await red.admin('/memberspot/e2ecfg/offers', { token: await red.token('viewer') })).status).toBe(401);
  const response = await red.admin('/memberspot/e2ecfg/offers', { token: await red.token('admin') });
  expect(response.status).toBe(200);
  const offers = (await response.json()) as Array<{ name: string; value: string }>;
  expect(offers).toEqual(expect.arrayContaining([{ name: 'Online-Kurs Basis', value: 'off_basic' }]));
  expect(JSON.stringify(offers)).not.toContain(API_KEY);
});

it('answers webhooks on the node HTTP server', async () => {
  const auth = await fetch(`${red.url}/e2e/hook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"event":"auth_test"}' });
  expect(auth.status).toBe(200);
});

it('redeploys and stops cleanly, never printing the key', async () => {
  await deploy(red, e2eFlow(sandbox.url, API_KEY));
  const response = await fetch(`${red.url}/e2e/grant`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'zweiter@example.com' }) });
  expect(response.status).toBe(200);
  expect(red.output()).not.toMatch(/Error: |unhandled|TypeError/i);
  expect(red.output()).not.toContain(API_KEY);
});
