/**
 * Real n8n CLI processes for the end-to-end tests: the pinned versions from the cache folder that
 * scripts/install-n8n.sh fills, each run with a throw-away user folder, telemetry off, a free port, and
 * this package's build as a custom extension (node types `CUSTOM.memberspot`, `CUSTOM.memberspotTrigger`).
 * Finding and running the CLI and its base environment are bench/harness/n8n-cli.ts, shared with the
 * benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { N8N_E2E_VERSIONS } from '../../helpers/pins';
import { findN8nBin, makeN8nTempHome, n8nCache, runN8nCli, type CliResult } from '../../../bench/harness/n8n-cli';

export type { CliResult } from '../../../bench/harness/n8n-cli';

export const ROOT = join(__dirname, '..', '..', '..');
export const VERSIONS = (process.env.N8N_VERSIONS ?? N8N_E2E_VERSIONS).split(/\s+/).filter(Boolean);
export const CACHE = n8nCache();
export const NODE_TYPE = 'CUSTOM.memberspot';
export const TRIGGER_TYPE = 'CUSTOM.memberspotTrigger';

export function n8nBin(version: string): string {
  const bin = findN8nBin(version, CACHE);
  if (!bin) {
    throw new Error(`n8n ${version} is not installed in ${CACHE}; run \`npm run setup:e2e\` (scripts/install-n8n.sh) first`);
  }
  return bin;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface N8nHome {
  dir: string;
  userFolder: string;
  extensions: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/**
 * A temp folder with the user folder and the custom extension: a copy of the built n8n files and the core
 * (dist/nodes, dist/credentials, dist/shared); their runtime dependencies resolve through a node_modules
 * link one level up, outside the folder n8n scans.
 */
export function makeHome(port: number): N8nHome {
  const home = makeN8nTempHome('memberspot-n8n-e2e-', 'memberspot-e2e-encryption-key');
  const pkg = join(home.dir, 'pkg');
  const extensions = join(pkg, 'ext');
  mkdirSync(extensions, { recursive: true });
  for (const part of ['nodes', 'credentials', 'shared']) {
    const from = join(ROOT, 'dist', part);
    if (!existsSync(from)) throw new Error(`${from} is missing: run npm run build`);
    cpSync(from, join(extensions, 'dist', part), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  const env: NodeJS.ProcessEnv = {
    ...home.env,
    N8N_CUSTOM_EXTENSIONS: extensions,
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_PROTOCOL: 'http',
    WEBHOOK_URL: `http://127.0.0.1:${port}/`,
    N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_DYNAMIC_BANNERS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_COMMUNITY_PACKAGES_ENABLED: 'false',
    N8N_AI_ENABLED: 'false',
    N8N_SECURE_COOKIE: 'false',
    N8N_PUSH_BACKEND: 'websocket',
    EXTERNAL_FRONTEND_HOOKS_URLS: '',
    N8N_DEV_RELOAD: 'false',
  };
  return { dir: home.dir, userFolder: home.userFolder, extensions, env, cleanup: home.cleanup };
}

/** Runs an n8n CLI command to its end. */
export async function runCli(version: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<CliResult> {
  return runN8nCli(n8nBin(version), args, env, timeoutMs);
}

export interface RunningN8n {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** `n8n start`, resolved once the editor answers. */
export async function startN8n(version: string, home: N8nHome, port: number, timeoutMs = 180_000): Promise<RunningN8n> {
  const child = spawn(process.execPath, [n8nBin(version), 'start'], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`n8n ${version} exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz/readiness`);
      if (response.ok && /Editor is now accessible/.test(output)) return { url, process: child, output: () => output, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`n8n ${version} did not start in ${timeoutMs} ms:\n${output}`);
}

/**
 * Waits until n8n has registered an active workflow's webhook: n8n activates saved workflows after its
 * editor is up, and on a busy machine (seen with 2.41.1) their webhooks answer 404 for a while after
 * startN8n returned. `request` must be one the webhook answers without starting anything (a GET of a setup
 * webhook, a POST without the secret).
 */
export async function waitForWebhook(url: string, request: RequestInit = { method: 'GET' }, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < deadline) {
    status = (await fetch(url, request)).status;
    if (status !== 404) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`n8n did not register the webhook ${url} within ${timeoutMs} ms (last answer ${status})`);
}

/** Waits until n8n's log matches `pattern` (e.g. an activation error), or throws with the log's tail. */
export async function waitForOutput(n8n: RunningN8n, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pattern.test(n8n.output())) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`n8n's log did not show ${pattern} within ${timeoutMs} ms:\n${n8n.output().slice(-2000)}`);
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

export const OWNER = { email: 'owner@example.com', firstName: 'Ada', lastName: 'Owner', password: 'Memberspot-e2e-Passw0rd' };

/** Creates the owner account through n8n's REST API and returns the session cookie. */
export async function setupOwner(url: string): Promise<string> {
  const response = await fetch(`${url}/rest/owner/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(OWNER),
  });
  if (!response.ok) throw new Error(`owner setup failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
  if (!cookie) throw new Error('owner setup returned no n8n-auth cookie');
  return cookie.split(';')[0];
}

export async function rest<T = unknown>(url: string, cookie: string, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${url}/rest${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', cookie, ...(init.headers as Record<string, string> | undefined) },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} /rest${path}: ${response.status} ${text}`);
  const json = JSON.parse(text) as { data?: T };
  return (json.data ?? json) as T;
}
