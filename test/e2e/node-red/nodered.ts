/**
 * A real Node-RED process for the end-to-end tests: started as the demo starts it (scripts/demo/
 * node-red-setup.js: a temporary user dir with this package linked into its node_modules, the way `npm
 * install` in ~/.node-red puts it, telemetry and diagnostics off), plus adminAuth, and helpers for the admin
 * API.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, prepareUserDir, spawnNodeRed } from '../../../scripts/demo/node-red-setup';

export const CREDENTIAL_SECRET = 'e2e-credential-secret-7d2f';
export const USERS = { admin: 'admin-pass-e2e', viewer: 'viewer-pass-e2e' } as const;

export interface NodeRed {
  url: string;
  userDir: string;
  /** Everything the process printed. */
  output(): string;
  token(user: keyof typeof USERS): Promise<string>;
  /** fetch on the admin API with a bearer token (or none). */
  admin(pathname: string, init?: RequestInit & { token?: string }): Promise<Response>;
  /** Stops Node-RED and removes its user dir, unless `keepUserDir` (for a restart with `userDir`). */
  stop(options?: { keepUserDir?: boolean }): Promise<void>;
}

export interface StartOptions {
  /** Settings over the defaults here, e.g. other `httpAdminRoot` / `httpNodeRoot`. */
  settings?: Record<string, unknown>;
  /** JavaScript appended to settings.js, for settings that are functions (`module.exports.httpNodeMiddleware = …`). */
  settingsJs?: string;
  /** The user dir of a Node-RED stopped with `keepUserDir`: starts it again as it was (settings, flows, context). */
  userDir?: string;
}

export async function startNodeRed(options: StartOptions = {}): Promise<NodeRed> {
  const again = options.userDir !== undefined;
  const userDir = options.userDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'memberspot-nodered-'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bcrypt = require('bcryptjs');
  const settingsFile = again
    ? path.join(userDir, 'settings.js')
    : prepareUserDir(userDir, {
        projectName: 'node-red-project',
        settings: {
          credentialSecret: CREDENTIAL_SECRET,
          httpNodeRoot: '/',
          httpAdminRoot: '/',
          adminAuth: {
            type: 'credentials',
            users: [
              { username: 'admin', password: bcrypt.hashSync(USERS.admin, 8), permissions: '*' },
              { username: 'viewer', password: bcrypt.hashSync(USERS.viewer, 8), permissions: ['flows.read'] },
            ],
          },
          ...options.settings,
        },
      });
  if (options.settingsJs && !again) fs.appendFileSync(settingsFile, `\n${options.settingsJs}\n`);
  /** Where the admin API is: '' for the default root `/`. */
  const adminRoot = String(options.settings?.httpAdminRoot ?? '/').replace(/\/+$/, '');

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawnNodeRed({ userDir, settingsFile, port });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  // Ready when the editor answers and the flows of the start have started. The HTTP server can listen
  // before "Started flows" is printed (seen in CI under load): a deploy that counted that line as its own
  // would return before its flows run, and the first request would get a 404.
  for (let i = 0; ; i += 1) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited early:\n${output}`);
    try {
      const response = await fetch(`${url}${adminRoot}/auth/login`);
      if (response.ok && output.includes('Started flows')) break;
    } catch {
      /* not listening yet */
    }
    if (i > 300) throw new Error(`Node-RED did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const tokens = new Map<string, string>();
  const api: NodeRed = {
    url,
    userDir,
    output: () => output,
    async token(user) {
      if (!tokens.has(user)) {
        const response = await fetch(`${url}${adminRoot}/auth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client_id: 'node-red-admin', grant_type: 'password', scope: user === 'admin' ? '*' : 'flows.read', username: user, password: USERS[user] }),
        });
        if (!response.ok) throw new Error(`login as ${user} failed: ${response.status}`);
        tokens.set(user, ((await response.json()) as { access_token: string }).access_token);
      }
      return tokens.get(user) as string;
    },
    admin(pathname, init = {}) {
      const { token, headers, ...rest } = init;
      return fetch(`${url}${adminRoot}${pathname}`, {
        ...rest,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(headers as Record<string, string>) },
      });
    },
    async stop(stopOptions = {}) {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!stopOptions.keepUserDir) fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
  return api;
}

/** Deploys flows through the admin API as the admin user. */
export async function deploy(red: NodeRed, flows: unknown[]): Promise<void> {
  const started = () => red.output().split('Started flows').length;
  const before = started();
  const response = await red.admin('/flows', {
    method: 'POST',
    token: await red.token('admin'),
    headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(flows),
  });
  if (response.status !== 204 && response.status !== 200) throw new Error(`deploy failed: ${response.status} ${await response.text()}`);
  // The admin API answers once the flows are saved; they start a moment later.
  for (let i = 0; started() === before; i += 1) {
    if (i > 200) throw new Error(`the flows did not start:\n${red.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The flow both e2e suites deploy: POST /e2e/grant and /e2e/offers driven through http in nodes. */
export function e2eFlow(sandboxUrl: string, apiKey: string): unknown[] {
  const empty = (names: string[]) => Object.fromEntries(names.flatMap((n) => [[n, ''], [`${n}Type`, 'msgdefault']]));
  const fields = ['email', 'accessId', 'firstName', 'lastName', 'orderId', 'active', 'expiresAt', 'extraBody', 'courseId', 'pageLength', 'lastLoadedId', 'uid', 'emails', 'properties', 'chapterId', 'examId', 'method', 'path', 'query', 'headers', 'body'];
  return [
    { id: 'e2etab', type: 'tab', label: 'E2E' },
    { id: 'e2ecfg', type: 'memberspot-config', name: 'Sandbox', baseUrl: sandboxUrl, requestsPerSecond: 4, credentials: { apiKey } },
    { id: 'e2ein', type: 'http in', z: 'e2etab', name: '', url: '/e2e/grant', method: 'post', upload: false, swaggerDoc: '', x: 120, y: 80, wires: [['e2egrant']] },
    {
      id: 'e2egrant',
      type: 'memberspot',
      z: 'e2etab',
      name: '',
      account: 'e2ecfg',
      action: 'grantAccess',
      ...empty(fields),
      email: 'payload.email',
      emailType: 'msg',
      accessId: 'off_premium',
      accessIdType: 'str',
      orderId: 'payload.orderId',
      orderIdType: 'msg',
      x: 330,
      y: 80,
      wires: [['e2eres']],
    },
    { id: 'e2eres', type: 'http response', z: 'e2etab', name: '', statusCode: '', headers: {}, x: 530, y: 80, wires: [] },
    { id: 'e2ecatch', type: 'catch', z: 'e2etab', name: '', scope: ['e2egrant'], uncaught: false, x: 120, y: 160, wires: [['e2eerr']] },
    { id: 'e2eerr', type: 'change', z: 'e2etab', name: '', rules: [{ t: 'set', p: 'statusCode', pt: 'msg', to: '500', tot: 'num' }, { t: 'set', p: 'payload', pt: 'msg', to: 'error', tot: 'msg' }], x: 330, y: 160, wires: [['e2eres']] },
    { id: 'e2ehook', type: 'memberspot-webhook', z: 'e2etab', name: '', path: '/e2e/hook', events: '', x: 130, y: 240, wires: [['e2edebug']] },
    { id: 'e2edebug', type: 'debug', z: 'e2etab', name: '', active: true, tosidebar: true, console: false, complete: 'true', targetType: 'full', x: 330, y: 240, wires: [] },
  ];
}
