/**
 * The memberspot-migrate bin, run as a real process from dist/ (npm test builds first): exit codes, files
 * written or not, --json, --force, and clear messages without stack traces for bad input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', 'dist', 'migrate', 'cli.js');
const BLUEPRINTS = join(__dirname, 'blueprints');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'migrate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function migrate(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('memberspot-migrate', () => {
  it('writes both files and exits 0 when everything was converted', () => {
    const r = migrate(join(BLUEPRINTS, 'grant-after-purchase.json'), '--out', join(dir, 'out'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['Grant-after-purchase-Digistore24-Memberspot.n8n.json', 'Grant-after-purchase-Digistore24-Memberspot.node-red.json']);
    const n8n = JSON.parse(readFileSync(join(dir, 'out', 'Grant-after-purchase-Digistore24-Memberspot.n8n.json'), 'utf8'));
    // The id: n8n 2.41's import:workflow refuses a workflow without one (16 letters and digits).
    expect(Object.keys(n8n)).toEqual(['id', 'name', 'active', 'nodes', 'connections', 'settings']);
    expect(n8n.id).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(r.stdout).toMatch(/3 modules, 3 converted, 0 to review, 0 to rebuild by hand/);
    expect(r.stdout).toMatch(/https:\/\/<your n8n>\/webhook\/ds24-kauf/);
    expect(r.stdout).toMatch(/credential named "Memberspot"/);
  });

  it('exits 1 with review or manual items, and prints the report as JSON with --json', () => {
    const r = migrate(join(BLUEPRINTS, 'sync-order-status.json'), '--json', '--target', 'n8n');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['name', 'modules', 'webhooks', 'credentials', 'files']);
    expect(report.modules.map((m: { id: number; status: string }) => [m.id, m.status])).toEqual([
      [1, 'converted'],
      [7, 'converted'],
      [3, 'converted'],
      [4, 'converted'],
      [5, 'converted'],
      [6, 'manual'],
    ]);
    expect(readdirSync(dir)).toEqual(['Sync-order-status.n8n.json']);
  });

  it('never overwrites without --force, and writes nothing then', () => {
    const out = file('Sync-order-status.node-red.json', 'mine');
    const r = migrate(join(BLUEPRINTS, 'sync-order-status.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Sync-order-status\.node-red\.json already exists; use --force to overwrite\nNothing was written/);
    expect(readFileSync(out, 'utf8')).toBe('mine');
    expect(existsSync(join(dir, 'Sync-order-status.n8n.json'))).toBe(false);
    const forced = migrate(join(BLUEPRINTS, 'sync-order-status.json'), '--force');
    expect(forced.code).toBe(1);
    expect(readFileSync(out, 'utf8')).toMatch(/^\[/);
  });

  it.each<[string, string, RegExp]>([
    ['not JSON', '{ "flow": [ { "id": 1, } ', /bad\.json: The file is not JSON: expected "," or "\]" where there is the end of the file at line 1, column 26/],
    ['not a blueprint', '{ "scenario": 1 }', /bad\.json: The file is JSON but not a Make blueprint: it has no "flow"/],
    ['an empty flow', '{ "name": "x", "flow": [] }', /"flow" is empty/],
    ['a module without module', '{ "name": "x", "flow": [ { "id": 9, "mapper": {} } ] }', /module 9 \(flow\[0\]\) has no "module"/],
  ])('exits 2 for %s with a message and no stack trace, writing nothing', (_what, content, message) => {
    const r = migrate(file('bad.json', content));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir)).toEqual(['bad.json']);
  });

  it('exits 2 for a wrong option or a missing file', () => {
    expect(migrate('--target', 'zapier', 'x.json')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--target must be n8n, node-red or both/) });
    expect(migrate('missing.json')).toMatchObject({ code: 2, stderr: expect.stringMatching(/missing\.json: no such file/) });
    expect(migrate()).toMatchObject({ code: 2, stderr: expect.stringMatching(/which blueprint\?/) });
    expect(migrate('--bogus', 'x.json')).toMatchObject({ code: 2, stderr: expect.stringMatching(/usage: memberspot-migrate/) });
  });

  it('reports a filter with an unknown operator for review (exit 1)', () => {
    const blueprint = {
      name: 'odd filter',
      flow: [
        { id: 1, module: 'gateway:CustomWebHook' },
        { id: 2, module: 'memberspot:deleteAccess', filter: { name: 'odd', conditions: [[{ a: '{{1.x}}', o: 'text:rhymes', b: 'y' }]] }, mapper: { email: '{{1.email}}', accessId: 'off' } },
      ],
    };
    const r = migrate(file('odd.json', JSON.stringify(blueprint)), '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).modules[1]).toMatchObject({ id: 2, status: 'review', notes: [expect.stringMatching(/"text:rhymes" is not one we know/)] });
  });

  it('converts a 10 MB blueprint of 500 modules (exit 1: its other apps are placeholders)', () => {
    const flow: unknown[] = [{ id: 1, module: 'gateway:CustomWebHook' }];
    for (let id = 2; id <= 500; id++) flow.push({ id, module: 'google-sheets:addRow', mapper: { note: 'x'.repeat(20_000), email: '{{1.email}}' } });
    const path = file('big.json', JSON.stringify({ name: 'big', flow }));
    const r = migrate(path, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.modules).toHaveLength(500);
    expect(report.modules.filter((m: { status: string }) => m.status === 'manual')).toHaveLength(499);
    expect(readdirSync(dir).sort()).toEqual(['big.json', 'big.n8n.json', 'big.node-red.json']);
  });
});
