/**
 * The package as a user installs it: `npm pack`, then installed into the user folder's community nodes
 * directory the way n8n's Community Nodes screen does it (the tarball unpacked into
 * ~/.n8n/nodes/node_modules/<name>, its dev, peer and optional dependencies dropped, `npm install` there
 * with scripts off), then loaded by each pinned n8n CLI under the name n8n gives community packages
 * (`@memberflow/n8n-nodes-memberspot.memberspot`), with no warning or error about the package (n8n 2.x
 * skips, with a warning, a package whose n8nNodesApiVersion it does not support), and run against the
 * sandbox.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { REGISTRY_BEFORE } from '../../helpers/pins';
import { freePort, makeHome, ROOT, runCli, VERSIONS, writeJson, type N8nHome } from './helpers';

const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const NODE_TYPE = `${PACKAGE.name}.memberspot`;
const API_KEY = 'e2e-key-5c1a7e3d9b0f4a62';
const CREDENTIAL = { id: 'msE2ePkgCred0001', name: 'Memberspot Sandbox' };
const FLOW_ID = 'msE2ePackageFl01';

let packDir: string;
let tarball: string;

beforeAll(() => {
  // `npm pack` as a publisher would (dist/ is built by the npm script that runs this suite).
  packDir = mkdtempSync(join(tmpdir(), 'memberspot-pack-'));
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: ROOT, encoding: 'utf8' });
  tarball = join(packDir, out.trim().split('\n').pop()!);
});

afterAll(() => rmSync(packDir, { recursive: true, force: true }));

/** What n8n's Community Nodes screen does with a package, into this user folder. */
function installAsCommunityPackage(userFolder: string): string {
  const nodesDir = join(userFolder, '.n8n', 'nodes');
  const packageDir = join(nodesDir, 'node_modules', ...PACKAGE.name.split('/'));
  mkdirSync(packageDir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
  const manifestFile = join(packageDir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  for (const field of ['devDependencies', 'peerDependencies', 'optionalDependencies']) delete manifest[field];
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  execFileSync(
    'npm',
    // The runtime dependencies resolve as the registry stood at the pinned date (scripts/pins.sh), so that a
    // release published later cannot turn this suite red on an unchanged main.
    ['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--loglevel=error', `--before=${REGISTRY_BEFORE}`],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE.name]: PACKAGE.version } }, null, 2));
  return packageDir;
}

/** Log lines in which n8n complains about this package. */
function complaints(log: string): string[] {
  return log
    .split('\n')
    .filter((line) => /memberspot/i.test(line) && /warn|error|skipping|failed to load|unsupported|not supported|requires/i.test(line));
}

describe.each(VERSIONS)('n8n %s, package installed as a community package', (version) => {
  let sandbox: Sandbox;
  let home: N8nHome;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: API_KEY });
    home = makeHome(await freePort());
    // Only the community nodes directory: no custom extension folder.
    env = { ...home.env, N8N_COMMUNITY_PACKAGES_ENABLED: 'true' };
    delete env.N8N_CUSTOM_EXTENSIONS;
  });

  afterAll(async () => {
    await sandbox?.close();
    home?.cleanup();
  });

  it('loads it without a warning about the package or its versions and runs Grant Access with it', async () => {
    const packageDir = installAsCommunityPackage(home.userFolder);
    // What the user's install brought: this package's runtime dependencies, and no n8n of its own.
    for (const dependency of ['undici', 'zod', 'bottleneck']) {
      expect(() => require.resolve(`${dependency}/package.json`, { paths: [packageDir] })).not.toThrow();
    }
    expect(() => require.resolve('n8n-workflow/package.json', { paths: [packageDir] })).toThrow();

    const credentials = writeJson(home.dir, 'credentials.json', [
      { ...CREDENTIAL, type: 'memberflowMemberspotApi', data: { apiKey: API_KEY, baseUrl: sandbox.url, requestsPerSecond: 4 } },
    ]);
    const workflow = writeJson(home.dir, 'workflow.json', {
      id: FLOW_ID,
      name: 'Memberspot e2e: community package',
      active: false,
      settings: { executionOrder: 'v1' },
      nodes: [
        { id: 'node-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
        {
          id: 'node-grant',
          name: 'Grant Access',
          type: NODE_TYPE,
          typeVersion: 1,
          position: [250, 0],
          parameters: { resource: 'access', operation: 'grant', email: 'paket@example.com', accessId: { __rl: true, mode: 'id', value: 'off_basic' }, orderId: 'PKG-1' },
          credentials: { memberflowMemberspotApi: CREDENTIAL },
        },
      ],
      connections: { Start: { main: [[{ node: 'Grant Access', type: 'main', index: 0 }]] } },
    });
    const logs: string[] = [];
    for (const args of [['import:credentials', `--input=${credentials}`], ['import:workflow', `--input=${workflow}`]]) {
      const imported = await runCli(version, args, env);
      logs.push(imported.stdout, imported.stderr);
      expect({ args, code: imported.code }).toEqual({ args, code: 0 });
    }
    const executed = await runCli(version, ['execute', `--id=${FLOW_ID}`, '--rawOutput'], env);
    logs.push(executed.stdout, executed.stderr);
    const log = logs.join('\n');
    expect(complaints(log)).toEqual([]);
    expect(executed.code).toBe(0);
    expect(log).not.toContain(API_KEY);

    const run = JSON.parse(executed.stdout.slice(executed.stdout.indexOf('{'))) as {
      data: { resultData: { runData: Record<string, Array<{ data: { main: Array<Array<{ json: Record<string, unknown> }>> } }>> } };
    };
    expect(run.data.resultData.runData['Grant Access'][0].data.main[0].map((i) => i.json)).toEqual([
      expect.objectContaining({ success: true, email: 'paket@example.com', accessId: 'off_basic' }),
    ]);
    expect(sandbox.state.userByEmail('paket@example.com')?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', orderId: 'PKG-1', active: true })]);
  });
});
