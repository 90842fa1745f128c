import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox } from '../../sandbox';
import { detailOf, doctor, parseReport } from './helpers';

const KEY = 'sk-doctor-SECRET-0123456789';
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ apiKey: KEY });
});
afterAll(() => sandbox.close());

/** A stand-in API that gives one fixed answer to everything, and counts what it got. */
async function fixedAnswer(status: number, headers: Record<string, string> = {}): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('connection and key', () => {
  it('a wrong key: 401, says what to do (exit 2)', async () => {
    const run = await doctor(['--json'], { MEMBERSPOT_API_KEY: 'wrong', MEMBERSPOT_BASE_URL: sandbox.url });

    expect(detailOf(parseReport(run), 'connection', 'Key (GET /v1/offers)')).toMatch(/HTTP 401: the key was refused/);
    expect(run.code).toBe(2);
  });

  it('no API plan: 403 (exit 2)', async () => {
    const api = await fixedAnswer(403);
    try {
      const run = await doctor(['--json'], { MEMBERSPOT_API_KEY: KEY, MEMBERSPOT_BASE_URL: api.url });
      expect(detailOf(parseReport(run), 'connection', 'Key (GET /v1/offers)')).toMatch(/Enterprise plan or the API add-on/);
      expect(run.code).toBe(2);
    } finally {
      await api.close();
    }
  });

  it('a redirect is reported with its host and never followed (exit 2)', async () => {
    const target = await fixedAnswer(200);
    const api = await fixedAnswer(307, { location: `${target.url}/v1/offers` });
    try {
      const run = await doctor(['--json', '--base-url', api.url], { MEMBERSPOT_API_KEY: KEY });
      const detail = detailOf(parseReport(run), 'connection', 'Key (GET /v1/offers)');
      expect(detail).toBe(`HTTP 307: a redirect to ${new URL(target.url).host}. Not followed, nothing was sent there. Use the final address as the base URL if you trust it.`);
      expect(target.hits).toEqual([]);
      expect(api.hits).toContain('GET /v1/offers');
      expect(run.code).toBe(2);
    } finally {
      await api.close();
      await target.close();
    }
  });

  it('a certificate the machine does not trust: a TLS problem (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('[]'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const run = await doctor(['--json', '--base-url', `https://127.0.0.1:${port}`], { MEMBERSPOT_API_KEY: KEY });
      expect(detailOf(parseReport(run), 'connection', 'Key (GET /v1/offers)')).toMatch(/^TLS problem \(DEPTH_ZERO_SELF_SIGNED_CERT\): the certificate was not trusted/);
      expect(run.code).toBe(2);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('unreachable: says so (exit 2)', async () => {
    const api = await fixedAnswer(200);
    await api.close();

    const run = await doctor(['--json'], { MEMBERSPOT_API_KEY: KEY, MEMBERSPOT_BASE_URL: api.url });

    expect(detailOf(parseReport(run), 'connection', 'Key (GET /v1/offers)')).toMatch(/no connection \(ECONNREFUSED\): Memberspot could not be reached/);
    expect(run.code).toBe(2);
  });
});

describe('the command line', () => {
  it('never takes the key as an argument, and never echoes it', async () => {
    const run = await doctor(['--api-key=sk-on-the-command-line'], { MEMBERSPOT_BASE_URL: sandbox.url });

    expect(run.stderr).toMatch(/set MEMBERSPOT_API_KEY instead/);
    expect(run.stderr + run.stdout).not.toContain('sk-on-the-command-line');
    expect(run.code).toBe(2);
  });

  it('refuses a --write address that is not an email, before anything is sent', async () => {
    const run = await doctor(['--write', '--email', 'not-an-address', '--offer', 'off_basic', '--yes'], { MEMBERSPOT_API_KEY: KEY, MEMBERSPOT_BASE_URL: sandbox.url });

    expect(run.stderr).toMatch(/--email must be an email address/);
    expect(run.stderr).not.toContain('not-an-address');
    expect(run.code).toBe(2);
  });

  it('refuses http:// for a host that is not this machine', async () => {
    const run = await doctor(['--base-url', 'http://api.memberspot.de'], { MEMBERSPOT_API_KEY: KEY });

    expect(run.stderr).toMatch(/must start with https:\/\//);
    expect(run.code).toBe(2);
  });

  it('without a key and without a document: exit 2', async () => {
    const api = await fixedAnswer(404);
    try {
      const run = await doctor(['--json'], { MEMBERSPOT_BASE_URL: api.url });
      expect(parseReport(run).fatal).toBe('MEMBERSPOT_API_KEY is not set and no OpenAPI document was found');
      expect(run.code).toBe(2);
    } finally {
      await api.close();
    }
  });

  it('--help explains every probe and what it changes (exit 0)', async () => {
    const run = await doctor(['--help'], {});

    for (const text of ['MEMBERSPOT_API_KEY', '/api-json', '--rate', '--write', 'CHANGES YOUR SCHOOL', '--json', 'Exit code']) expect(run.stdout).toContain(text);
    expect(run.code).toBe(0);
  });

  it('prints a readable table by default', async () => {
    const run = await doctor([], { MEMBERSPOT_API_KEY: KEY, MEMBERSPOT_BASE_URL: sandbox.url });

    expect(run.stdout).toMatch(/Connection and key\n {2}Key \(GET \/v1\/offers\) +holds\n +HTTP 200: the key works \(5 offers\)\./);
    expect(run.stdout).toMatch(/Exit code 0: everything checked holds\.$/m);
    expect(run.code).toBe(0);
  });
});
