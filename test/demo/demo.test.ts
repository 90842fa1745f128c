/**
 * `npm start`: the demo script run as a newcomer runs it, as a child process. It must print the scenario's
 * result, exit with the right code, and leave nothing behind: no process (the demo runs in its own process
 * group, which must be empty afterwards), no open editor port, no temporary directory.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
const DEMO = path.join(ROOT, 'scripts', 'demo', 'index.js');

afterEach(() => {
  // Should a test fail half-way, take its demo's process group down with it.
  for (const run of runs.splice(0)) {
    if (groupAlive(run.pid)) process.kill(-run.pid, 'SIGKILL');
    fs.rmSync(run.tmpDir, { recursive: true, force: true });
  }
});

/** The demos started by the current test. */
const runs: Run[] = [];

interface Run {
  code: number | null;
  output: string;
  /** Resolves once the output contains `text`. */
  waitFor(text: string): Promise<void>;
  pid: number;
  tmpDir: string;
  done: Promise<void>;
}

/** Starts the demo in its own process group and a fresh TMPDIR, without MEMBERSPOT_* or PORT from the caller's environment. */
function startDemo(args: string[], env: Record<string, string> = {}): Run {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-test-'));
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MEMBERSPOT_') && name !== 'PORT'));
  const child = spawn(process.execPath, [DEMO, ...args], {
    cwd: ROOT,
    env: { ...cleanEnv, TMPDIR: tmpDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const run: Run = {
    code: null,
    output: '',
    pid: child.pid as number,
    tmpDir,
    waitFor: (text) => new Promise((resolve, reject) => {
      if (run.output.includes(text)) return resolve();
      waiters.push({ text, resolve });
      child.once('exit', () => reject(new Error(`the demo exited before printing "${text}":\n${run.output}`)));
    }),
    done: new Promise((resolve) => child.once('close', (code) => {
      run.code = code;
      resolve();
    })),
  };
  const collect = (chunk: Buffer) => {
    run.output += chunk.toString();
    for (const waiter of waiters.filter((w) => run.output.includes(w.text))) waiter.resolve();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  runs.push(run);
  return run;
}

/** True while any process of the demo's process group is alive. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The status of a request with a foreign Host header (DNS rebinding), sent with node:http (fetch sets Host itself). */
function statusWithHost(url: string, host: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const headers: Record<string, string> = { host };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'GET', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function expectNothingLeftBehind(run: Run): Promise<void> {
  expect(groupAlive(run.pid)).toBe(false);
  expect(fs.readdirSync(run.tmpDir)).toEqual([]);
  const editor = run.output.match(/Node-RED editor: +(http:\/\/127\.0\.0\.1:\d+)/)?.[1];
  if (editor) await expect(fetch(editor)).rejects.toThrow();
  fs.rmSync(run.tmpDir, { recursive: true, force: true });
}


it('--once: grants the access through the example flow in Node-RED, prints what the sandbox holds, exits 0', async () => {
  const run = startDemo(['--once']);
  await run.done;

  expect(run.output).toContain('Sandbox API:');
  expect(run.output).toContain('API key: sandbox-key');
  expect(run.output).toMatch(/Node-RED editor: +http:\/\/127\.0\.0\.1:\d+ +\(5 example flows/);
  expect(run.output).toMatch(/Digistore24 reported a purchase \(a signed IPN\): POST http:\/\/127\.0\.0\.1:\d+\/shop\n/);
  expect(run.output).toContain('The flow answered 200 OK.');
  expect(run.output).toMatch(/Granted: Sophie Wagner <sophie\.wagner@example\.com> got "Online-Kurs Basis" \(off_basic\)\s+for order DS24-DEMO-1001/);
  expect(run.output).toMatch(/The sandbox now holds for Sophie Wagner <sophie\.wagner@example\.com>.*:\n {2}- "Online-Kurs Basis" \(off_basic\): active, order DS24-DEMO-1001\n/);
  expect(run.output).toContain('Done:');
  expect(run.code).toBe(0);
  await expectNothingLeftBehind(run);
});

it('without --once: keeps the editor open until Ctrl-C, then stops everything it started', async () => {
  const run = startDemo([]);
  await run.waitFor('Press Ctrl-C to stop.');
  const editor = run.output.match(/Node-RED editor: +(http:\/\/127\.0\.0\.1:\d+)/)?.[1] as string;
  const page = await fetch(editor);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Node-RED');

  // The curl line it prints works: another signed purchase, another grant; one changed byte is refused.
  const [, url, body] = run.output.match(/curl -X POST (\S+) --data-raw '([^']+)'/) as RegExpMatchArray;
  const purchase = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  expect(purchase.status).toBe(200);
  expect(await purchase.text()).toBe('OK');
  const forged = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.replace('DS24-1002', 'DS24-1003') });
  expect(forged.status).toBe(401);

  process.kill(run.pid, 'SIGINT');
  await run.done;
  expect(run.output).toContain('Stopped everything the demo started.');
  expect(run.code).toBe(0);
  await expectNothingLeftBehind(run);
});

it('killed outright (kill -9): its Node-RED notices, removes its temporary dir and exits', async () => {
  const run = startDemo([]);
  await run.waitFor('Press Ctrl-C to stop.');
  const editor = run.output.match(/Node-RED editor: +(http:\/\/127\.0\.0\.1:\d+)/)?.[1] as string;
  process.kill(run.pid, 'SIGKILL');
  await run.done;

  // Node-RED checks on its parent once a second; wait for it to go (an exited process may linger as a
  // zombie until reaped, so look at its port and its directory, not the process table).
  const gone = async () => fs.readdirSync(run.tmpDir).length === 0 && (await fetch(editor).then(() => false, () => true));
  while (!(await gone())) await new Promise((resolve) => setTimeout(resolve, 200));
  fs.rmSync(run.tmpDir, { recursive: true, force: true });
});

it('with MEMBERSPOT_API_KEY but no email/offer: says it is a real school and refuses before starting anything', async () => {
  const key = 'real-school-key-4b1e9c';
  const run = startDemo(['--once'], { MEMBERSPOT_API_KEY: key });
  await run.done;

  expect(run.code).toBe(1);
  expect(run.output).toContain('REAL Memberspot school at https://api.memberspot.de');
  expect(run.output).toContain('MEMBERSPOT_DEMO_EMAIL');
  expect(run.output).toContain('MEMBERSPOT_DEMO_OFFER');
  expect(run.output).toContain('Nothing was started and nothing was written.');
  expect(run.output).not.toContain(key);
  expect(run.output).not.toContain('Node-RED editor');
  await expectNothingLeftBehind(run);
});

describe('with MEMBERSPOT_API_KEY, MEMBERSPOT_BASE_URL, email and offer (a sandbox posing as the real school)', () => {
  const key = 'school-key-8d2f6a71c0';
  let school: Sandbox;

  beforeAll(async () => {
    school = await startSandbox({ apiKey: key });
  });
  afterAll(async () => {
    await school?.close();
  });

  const env = (apiKey: string) => ({
    MEMBERSPOT_API_KEY: apiKey,
    MEMBERSPOT_BASE_URL: school.url,
    MEMBERSPOT_DEMO_EMAIL: 'owner@example.com',
    MEMBERSPOT_DEMO_OFFER: 'off_premium',
  });

  it('says so first, grants the named offer to the named email, never prints the key', async () => {
    const run = startDemo(['--once'], env(key));
    await run.done;

    expect(run.output.startsWith(`MEMBERSPOT_API_KEY is set: this demo uses your REAL Memberspot school at ${school.url}\n`)).toBe(true);
    expect(run.output.indexOf('It will grant the offer off_premium to owner@example.com')).toBeLessThan(run.output.indexOf('Starting'));
    expect(run.output).toContain('(the shop-to-Memberspot example flow, purchases only)');
    expect(run.output).toMatch(/Your Memberspot school now holds for .*owner@example\.com.*:\n {2}- "Premium-Mitgliedschaft" \(off_premium\): active, order DEMO-\d+/);
    expect(run.output).not.toContain(key);
    expect(run.code).toBe(0);
    expect(school.state.userByEmail('owner@example.com')?.offers).toEqual([expect.objectContaining({ offerId: 'off_premium', active: true })]);
    await expectNothingLeftBehind(run);
  });

  it('runs once by default: without --once it still exits after the scenario, leaving no open Node-RED', async () => {
    const run = startDemo([], env(key));
    await run.done;
    expect(run.output).toContain('Done:');
    expect(run.output).not.toContain('Press Ctrl-C to stop.');
    expect(run.code).toBe(0);
    await expectNothingLeftBehind(run);
  });

  it('--keep: stays up with a random purchase path; the fixed shop path grants nothing', async () => {
    const run = startDemo(['--keep'], env(key));
    await run.waitFor('Press Ctrl-C to stop.');
    const purchaseUrl = run.output.match(/only this machine can reach (http:\/\/127\.0\.0\.1:\d+\/\S+);/)?.[1] as string;
    expect(purchaseUrl).toMatch(/\/shop-[0-9a-f]{24}$/);
    // The editor has a login (its password printed once) and answers only its own Host.
    const [, editor, user, password] = run.output.match(/Open (http:\/\/127\.0\.0\.1:\d+) to see the flow\. Editor login \(shown only now\): (\S+) \/ (\S+)/) ?? [];
    expect((await fetch(`${editor}/flows`)).status).toBe(401);
    const login = await fetch(`${editor}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'node-red-admin', grant_type: 'password', scope: '*', username: user, password }).toString(),
    });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { access_token: string }).access_token;
    expect((await fetch(`${editor}/flows`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(await statusWithHost(`${editor}/flows`, 'rebound.attacker.example', token)).toBe(421);
    expect(await statusWithHost(purchaseUrl, 'rebound.attacker.example')).toBe(421);
    expect(run.output.split(password)).toHaveLength(2);
    const guessed = await fetch(purchaseUrl.replace(/-[0-9a-f]{24}$/, ''), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'attacker@example.com', first_name: 'A', last_name: 'B', order_id: 'X-1' }),
    });
    expect(guessed.status).toBe(404);
    expect(school.state.userByEmail('attacker@example.com')).toBeUndefined();
    process.kill(run.pid, 'SIGINT');
    await run.done;
    expect(run.code).toBe(0);
    await expectNothingLeftBehind(run);
  });

  it('--once and --keep together are a usage error', async () => {
    const run = startDemo(['--once', '--keep'], env(key));
    await run.done;
    expect(run.code).toBe(2);
    expect(run.output).toContain('--once and --keep exclude each other');
    await expectNothingLeftBehind(run);
  });

  it('a wrong key: exits 1 with what Memberspot said, and stops everything', async () => {
    const wrongKey = 'wrong-key-51c3e0d9';
    const run = startDemo(['--once'], env(wrongKey));
    await run.done;

    expect(run.code).toBe(1);
    expect(run.output).toContain('The demo failed: The flow answered the purchase with 500');
    expect(run.output).toContain('rejected the API key');
    expect(run.output).not.toContain(wrongKey);
    await expectNothingLeftBehind(run);
  });
});
