/**
 * The production dependency check (scripts/audit.js, `npm run audit:prod`) run by real npm against a
 * registry on 127.0.0.1 that serves recorded answers (test/fixtures/registry: the npm registry's answers of
 * 2026-12-04, trimmed), on a small fixture project with its own lock file. What must hold (issue 16): a
 * newer release that the ranges allow is reported and the check passes; a deprecated locked version, a
 * locked version the registry lacks and a high advisory fail it.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/httpServer';

const ROOT = join(__dirname, '..', '..');
const RECORDED = join(ROOT, 'test', 'fixtures', 'registry');

interface Registry {
  server: TestServer;
  /** What the audit endpoint answers: the recorded 405, or advisories. */
  advisories?: Record<string, unknown[]>;
}

async function startRegistry(advisories?: Record<string, unknown[]>): Promise<Registry> {
  const registry: Registry = { advisories, server: undefined as unknown as TestServer };
  registry.server = await startServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '').split('?')[0]);
    if (url.startsWith('/-/npm/v1/security/')) {
      if (!registry.advisories) {
        // As the registry reached from here answers (recorded 2026-12-04).
        res.writeHead(405, { allow: 'GET,HEAD', 'content-length': '0' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(registry.advisories));
      return;
    }
    const name = url.slice(1);
    let doc: string;
    try {
      doc = readFileSync(join(RECORDED, `${name}.json`), 'utf8');
    } catch {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(doc);
  });
  return registry;
}

/** A project whose lock file installs `name@version`, asked for as `range`. */
function fixtureProject(name: string, range: string, version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-fixture-'));
  const manifest = { name: 'audit-fixture', version: '1.0.0', private: true, dependencies: { [name]: range } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify(
      {
        name: 'audit-fixture',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: { '': { name: 'audit-fixture', version: '1.0.0', dependencies: { [name]: range } }, [`node_modules/${name}`]: { version, license: 'MIT' } },
      },
      null,
      2,
    ),
  );
  mkdirSync(join(dir, 'node_modules', name), { recursive: true });
  writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
  return dir;
}

async function runCheck(registry: Registry, project: string): Promise<{ code: number; out: string }> {
  const env: NodeJS.ProcessEnv = {};
  // Only this test's npm settings: none of those that `npm test` passes down as npm_config_* variables.
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  env.npm_config_registry = `${registry.server.url}/`;
  env.npm_config_cache = join(project, '.npm-cache');
  env.npm_config_update_notifier = 'false';
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'scripts', 'audit.js'), '--dir', project], { env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

describe('npm run audit:prod against recorded registry answers', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0)) await fn();
  });
  async function setup(name: string, range: string, version: string, advisories?: Record<string, unknown[]>) {
    const registry = await startRegistry(advisories);
    const project = fixtureProject(name, range, version);
    cleanup.push(() => registry.server.close(), () => rmSync(project, { recursive: true, force: true }));
    return { registry, project };
  }

  it('reports a newer release the range allows and passes (ioredis 6.1.0 published after 6.0.0 was locked)', async () => {
    const { registry, project } = await setup('ioredis', '^6.0.0', '6.0.0');
    const { code, out } = await runCheck(registry, project);
    expect(out).toContain('newer: ioredis 6.1.0 (locked 6.0.0)');
    expect(out).toContain('The advisory check did NOT run');
    expect(out).toMatch(/ok {3}ioredis@6\.0\.0/);
    expect(out).not.toContain('FAIL');
    expect(code).toBe(0);
    // It asked the registry (not a cache or another registry).
    expect(registry.server.requests.some((r) => r.method === 'GET' && /ioredis/.test(r.url))).toBe(true);
  }, 120_000);

  it('passes without a "newer" line when the locked version is the newest allowed', async () => {
    const { registry, project } = await setup('ioredis', '^6.0.0', '6.1.0');
    const { code, out } = await runCheck(registry, project);
    expect(out).not.toContain('newer:');
    expect(code).toBe(0);
  }, 120_000);

  it('fails on a deprecated locked version, naming it', async () => {
    const { registry, project } = await setup('request', '^2.88.0', '2.88.2');
    const { code, out } = await runCheck(registry, project);
    expect(out).toContain('FAIL request@2.88.2 (asked for ^2.88.0) deprecated: request has been deprecated');
    expect(code).toBe(1);
  }, 120_000);

  it('fails on a locked version the registry does not have', async () => {
    const { registry, project } = await setup('ioredis', '^6.0.0', '6.0.1');
    const { code, out } = await runCheck(registry, project);
    expect(out).toContain('FAIL ioredis@6.0.1 (asked for ^6.0.0): the registry does not have this version');
    expect(code).toBe(1);
  }, 120_000);

  it('fails on a high advisory when the audit endpoint answers', async () => {
    const advisory = {
      id: 1099001,
      url: 'https://example.invalid/advisories/1099001',
      title: 'Recorded-shape test advisory',
      severity: 'high',
      vulnerable_versions: '<6.1.0',
      cwe: ['CWE-400'],
      cvss: { score: 7.5, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
    };
    const { registry, project } = await setup('ioredis', '^6.0.0', '6.0.0', { ioredis: [advisory] });
    const { code, out } = await runCheck(registry, project);
    expect(out).toContain('ioredis: high (Recorded-shape test advisory)');
    expect(out).not.toContain('did NOT run');
    expect(code).toBe(1);
  }, 120_000);
});
