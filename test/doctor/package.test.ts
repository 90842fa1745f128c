import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSandbox, type Sandbox } from '../../sandbox';
import { REGISTRY_BEFORE } from '../helpers/pins';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** The environment without npm's own settings (npm run passes them down as npm_config_*: ignore-scripts, prefix, ...). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return { ...env, ...extra };
}

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  dir = await mkdtemp(join(tmpdir(), 'doctor-package-'));
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('`npx memberspot-doctor` works from the tarball installed in an empty folder', async () => {
    // dist/ is built by npm test; pack it as it is (prepack would build again).
    await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, env: cleanEnv() });
    const [tarball] = (await readdir(dir)).filter((name) => name.endsWith('.tgz'));
    const app = join(dir, 'app');
    await run('mkdir', ['-p', app]);
    await writeFile(join(app, 'package.json'), '{"name":"empty","version":"1.0.0","private":true}');
    // The dependencies come from the npm cache when they are there (CI warms it), else from the registry, as
    // it stood at the pinned date (scripts/pins.sh): a release published later cannot turn this test red.
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `--before=${REGISTRY_BEFORE}`, join(dir, tarball)], { cwd: app, env: cleanEnv() });

    const help = await run('npx', ['--no-install', 'memberspot-doctor', '--help'], { cwd: app, env: cleanEnv() });
    expect(help.stdout).toMatch(/^Usage: memberspot-doctor/);

    const doctor = await run('npx', ['--no-install', 'memberspot-doctor'], {
      cwd: app,
      env: cleanEnv({ MEMBERSPOT_API_KEY: sandbox.apiKey, MEMBERSPOT_BASE_URL: sandbox.url }),
    });
    expect(doctor.stdout).toMatch(/0 differ, 0 not checked\.\nExit code 0: everything checked holds\.$/m);
  }, 120_000);
});
