/**
 * n8n's own scaling, as the queue-mode suite (test/e2e/queue) and the queue benchmark (bench/queue.ts) start
 * it: a throw-away Postgres cluster (Debian's `postgresql`; scripts/setup-queue.sh installs it), a
 * redis-server, an n8n main and `n8n worker` processes, each with its own user folder and ports, the same
 * N8N_ENCRYPTION_KEY and this package's build in its own custom nodes folder (types `CUSTOM.*`).
 * Everything listens on 127.0.0.1 and is removed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findN8nBin, makeN8nTempHome, runN8nCli, type CliResult } from './n8n-cli';

export const NODE_TYPE = 'CUSTOM.memberspot';

/** The repository: the folder above this file whose package.json is this package's (from bench/ or dist/bench/). */
function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === '@memberflow/n8n-nodes-memberspot') return dir;
  }
  throw new Error('the repository root was not found above ' + __dirname);
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

export function n8nBin(version: string): string {
  const bin = findN8nBin(version);
  if (!bin) throw new Error(`n8n ${version} is not installed; run \`npm run setup:e2e\` (scripts/install-n8n.sh) first`);
  return bin;
}

export interface N8nHome {
  dir: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/**
 * A temp home and user folder with this package's build (dist/nodes, dist/credentials, dist/shared) as a
 * custom extension; its runtime dependencies resolve through a node_modules link one level up.
 */
function makeHome(port: number, encryptionKey: string): N8nHome {
  const root = repoRoot();
  const home = makeN8nTempHome('memberspot-n8n-queue-', encryptionKey);
  const pkg = join(home.dir, 'pkg');
  const extensions = join(pkg, 'ext');
  mkdirSync(extensions, { recursive: true });
  for (const part of ['nodes', 'credentials', 'shared']) {
    const from = join(root, 'dist', part);
    if (!existsSync(from)) throw new Error(`${from} is missing: run npm run build`);
    cpSync(from, join(extensions, 'dist', part), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'), 'dir');
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
    N8N_COMMUNITY_PACKAGES_ENABLED: 'false',
    N8N_AI_ENABLED: 'false',
    N8N_SECURE_COOKIE: 'false',
  };
  return { dir: home.dir, env, cleanup: home.cleanup };
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

export function runCli(version: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<CliResult> {
  return runN8nCli(n8nBin(version), args, env, timeoutMs);
}

const ENCRYPTION_KEY = 'memberspot-queue-e2e-encryption-key';

/** The binaries of Debian's postgresql package (/usr/lib/postgresql/<major>/bin), newest major first. */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  majors.sort((a, b) => Number(b) - Number(a));
  if (!majors[0]) throw new Error("Postgres is not installed: run `bash scripts/setup-queue.sh` (Debian's postgresql package)");
  return join(root, majors[0], 'bin');
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, log: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not ready within ${timeoutMs} ms\n${log().slice(-3000)}`);
}

function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill(signal);
  });
}

export interface Postgres {
  port: number;
  database: string;
  /** Runs SQL with psql and returns its rows (tab-separated, no header). */
  query(sql: string): string[][];
  stop(): Promise<void>;
}

/**
 * A throw-away Postgres cluster on a free port, trust auth on 127.0.0.1 only. initdb and postgres refuse
 * to run as root: as root they run as the `postgres` user (runuser).
 */
export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBin();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'memberspot-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
  }
  const as = (command: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args]) as [string, string[]];
  const init = spawnSync(...as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']), { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stdout}\n${init.stderr}`);
  const port = await freePort();
  let log = '';
  const server = spawn(
    ...as('postgres', ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200']),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const psql = (sql: string, database = 'postgres') =>
    spawnSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
  await waitFor('Postgres', () => server.exitCode === null && psql('select 1').status === 0, 30_000, () => log);
  const database = 'n8n';
  const created = psql(`create database ${database}`);
  if (created.status !== 0) throw new Error(`create database failed: ${created.stderr}`);
  return {
    port,
    database,
    query(sql) {
      const result = psql(sql, database);
      if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
      return result.stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));
    },
    async stop() {
      // SIGINT to the postmaster itself (runuser does not pass signals on): Postgres's fast shutdown. The
      // postmaster's pid is the first line of postmaster.pid.
      try {
        process.kill(Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]), 'SIGINT');
      } catch {
        server.kill('SIGINT');
      }
      await stopProcess(server, 'SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Redis {
  port: number;
  url(db?: number): string;
  process: ChildProcess;
  /** Kills it and starts a new one on the same port (empty: nothing is saved). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<Redis> {
  const port = await freePort();
  let server: ChildProcess;
  const start = async () => {
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    server.on('error', (error) => (output += `redis-server could not be started (bash scripts/setup-queue.sh installs Debian's): ${error.message}`));
    await waitFor('redis-server', () => output.includes('Ready to accept connections'), 10_000, () => output);
  };
  await start();
  const redis: Redis = {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    get process() {
      return server;
    },
    async restart() {
      await stopProcess(server, 'SIGKILL');
      await start();
    },
    stop: () => stopProcess(server, 'SIGKILL'),
  };
  return redis;
}

export interface N8nProcess {
  name: string;
  home: N8nHome;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface QueueSetup {
  version: string;
  postgres: Postgres;
  redis: Redis;
}

/** One process's environment: its own user folder and ports, the shared database, queue and key. */
async function queueHome(setup: QueueSetup): Promise<{ home: N8nHome; port: number }> {
  const port = await freePort();
  const home = makeHome(port, ENCRYPTION_KEY);
  Object.assign(home.env, {
    EXECUTIONS_MODE: 'queue',
    QUEUE_BULL_REDIS_HOST: '127.0.0.1',
    QUEUE_BULL_REDIS_PORT: String(setup.redis.port),
    QUEUE_BULL_REDIS_DB: '0',
    QUEUE_HEALTH_CHECK_ACTIVE: 'true',
    QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
    // A dead worker's jobs are found stalled after the lock runs out (n8n's defaults: 30 s each).
    QUEUE_WORKER_LOCK_DURATION: '10000',
    QUEUE_WORKER_LOCK_RENEW_TIME: '3000',
    QUEUE_WORKER_STALLED_INTERVAL: '5000',
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: '127.0.0.1',
    DB_POSTGRESDB_PORT: String(setup.postgres.port),
    DB_POSTGRESDB_DATABASE: setup.postgres.database,
    DB_POSTGRESDB_USER: 'postgres',
    DB_POSTGRESDB_PASSWORD: '',
    DB_POSTGRESDB_POOL_SIZE: '4',
    // n8n 2.x opens a task broker in every process and cannot switch runners off: external mode with a
    // token starts no runner child (no Code node runs here), each process on its own broker port.
    N8N_RUNNERS_ENABLED: 'true',
    N8N_RUNNERS_MODE: 'external',
    N8N_RUNNERS_AUTH_TOKEN: 'memberspot-queue-e2e-runner-token',
    N8N_RUNNERS_BROKER_PORT: String(await freePort()),
    OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
    N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
  });
  return { home, port };
}

function spawnN8n(version: string, name: string, home: N8nHome, args: string[]): N8nProcess {
  const child = spawn(process.execPath, [n8nBin(version), ...args], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return {
    name,
    home,
    process: child,
    output: () => output,
    stop: () => stopProcess(child),
    kill: () => stopProcess(child, 'SIGKILL'),
  };
}

/** A home for CLI commands (import, activate) on the shared database. */
export async function cliHome(setup: QueueSetup): Promise<N8nHome> {
  return (await queueHome(setup)).home;
}

/** `n8n start` in queue mode, resolved once its editor answers. */
export async function startMain(setup: QueueSetup): Promise<N8nProcess & { url: string }> {
  const { home, port } = await queueHome(setup);
  const main = spawnN8n(setup.version, 'main', home, ['start']);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `n8n ${setup.version} main`,
    async () => {
      if (main.process.exitCode !== null) throw new Error(`n8n main exited with ${main.process.exitCode}:\n${main.output().slice(-3000)}`);
      try {
        return (await fetch(`${url}/healthz/readiness`)).ok && /Editor is now accessible/.test(main.output());
      } catch {
        return false;
      }
    },
    240_000,
    main.output,
  );
  return { ...main, url };
}

/** `n8n worker --concurrency=N`, resolved once it reports ready (its health check answers). */
export async function startWorker(setup: QueueSetup, name: string, concurrency = 10): Promise<N8nProcess> {
  const { home } = await queueHome(setup);
  const worker = spawnN8n(setup.version, name, home, ['worker', `--concurrency=${concurrency}`]);
  const health = `http://127.0.0.1:${home.env.QUEUE_HEALTH_CHECK_PORT}/healthz/readiness`;
  await waitFor(
    `n8n ${setup.version} ${name}`,
    async () => {
      if (worker.process.exitCode !== null) throw new Error(`n8n ${name} exited with ${worker.process.exitCode}:\n${worker.output().slice(-3000)}`);
      try {
        return (await fetch(health)).ok;
      } catch {
        return false;
      }
    },
    240_000,
    worker.output,
  );
  return worker;
}

/** The executions a worker started, by its log (n8n logs each job it picks up). */
export function executionsStarted(worker: N8nProcess): number {
  return (worker.output().match(/Worker started execution/gi) ?? []).length;
}

export interface PurchaseFlow {
  id: string;
  /** The webhook path: POST /webhook/<hook>. */
  hook: string;
  /** The Memberspot credential the flow uses. */
  credential: { id: string; name: string };
}

/**
 * The shop's purchase webhook: Find User by Email (rate-limited; a new buyer is not found, and the run goes
 * on), then Grant Access of `off_basic` with the purchase's order; answered when the run finished (200 with
 * the grant, 500 when it failed). The body: `{ email, firstName, lastName, orderId }`.
 */
export function purchaseWorkflow(flow: PurchaseFlow) {
  const credentials = { memberflowMemberspotApi: flow.credential };
  const body = (field: string) => `={{ $('Purchase').item.json.body.${field} }}`;
  return {
    id: flow.id,
    name: `Purchase to Memberspot (${flow.id})`,
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      {
        id: 'a0000000-0000-4000-8000-000000000001',
        name: 'Purchase',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: [0, 0],
        webhookId: flow.hook,
        parameters: { httpMethod: 'POST', path: flow.hook, responseMode: 'lastNode', options: {} },
      },
      {
        id: 'a0000000-0000-4000-8000-000000000002',
        name: 'Find User by Email',
        type: NODE_TYPE,
        typeVersion: 1,
        position: [250, 0],
        onError: 'continueRegularOutput',
        parameters: { resource: 'user', operation: 'findByEmail', email: body('email') },
        credentials,
      },
      {
        id: 'a0000000-0000-4000-8000-000000000003',
        name: 'Grant Access',
        type: NODE_TYPE,
        typeVersion: 1,
        position: [500, 0],
        parameters: {
          resource: 'access',
          operation: 'grant',
          email: body('email'),
          accessId: { __rl: true, mode: 'id', value: 'off_basic' },
          firstName: body('firstName'),
          lastName: body('lastName'),
          orderId: body('orderId'),
        },
        credentials,
      },
    ],
    connections: {
      Purchase: { main: [[{ node: 'Find User by Email', type: 'main', index: 0 }]] },
      'Find User by Email': { main: [[{ node: 'Grant Access', type: 'main', index: 0 }]] },
    },
  };
}

/** Imports the credentials and the purchase workflows into the shared database and activates them. */
export async function importFlows(setup: QueueSetup, credentials: unknown[], flows: PurchaseFlow[]): Promise<void> {
  const cli = await cliHome(setup);
  try {
    // The first command on an empty database runs n8n's migrations.
    const check = (what: string, result: CliResult) => {
      if (result.code !== 0) throw new Error(`n8n ${what} failed:\n${result.stdout}\n${result.stderr}`);
    };
    check('import:credentials', await runCli(setup.version, ['import:credentials', `--input=${writeJson(cli.dir, 'credentials.json', credentials)}`], cli.env, 300_000));
    check('import:workflow', await runCli(setup.version, ['import:workflow', `--input=${writeJson(cli.dir, 'workflows.json', flows.map(purchaseWorkflow))}`], cli.env));
    // import:workflow deactivates; update:workflow --active=true works in 1.x and (deprecated) in 2.x.
    for (const flow of flows) check('update:workflow', await runCli(setup.version, ['update:workflow', `--id=${flow.id}`, '--active=true'], cli.env));
  } finally {
    cli.cleanup();
  }
}

/**
 * Waits until the main has registered a purchase webhook (n8n does so after its editor is up). The POST
 * without an email runs the workflow on a worker, which sends nothing: both nodes refuse the input.
 */
export async function waitForPurchaseWebhook(mainUrl: string, flow: PurchaseFlow, timeoutMs = 120_000): Promise<void> {
  const url = `${mainUrl}/webhook/${flow.hook}`;
  await waitFor(`the webhook ${url}`, async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await response.text();
    return response.status !== 404;
  }, timeoutMs);
}

export interface Purchase {
  email: string;
  firstName: string;
  lastName: string;
  orderId: string;
}

export const purchases = (run: string, n: number): Purchase[] =>
  Array.from({ length: n }, (_, i) => ({ email: `queue.${run}.${i}@example.com`, firstName: 'Q', lastName: `Buyer ${i}`, orderId: `Q-${run}-${i}` }));

/** POSTs one purchase as a shop does; gives up after 3 minutes (status 0: the shop retries later). */
export async function postPurchase(mainUrl: string, flow: PurchaseFlow, purchase: Purchase): Promise<number> {
  try {
    const response = await fetch(`${mainUrl}/webhook/${flow.hook}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(purchase),
      signal: AbortSignal.timeout(180_000),
    });
    await response.text();
    return response.status;
  } catch {
    return 0;
  }
}
