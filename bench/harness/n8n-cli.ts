/**
 * The real n8n CLI, as the end-to-end tests (test/e2e/n8n/helpers.ts) and the benchmarks (bench/n8n.ts) run
 * it: a pinned version from the cache folder that scripts/install-n8n.sh fills, run with this Node.js
 * (process.execPath) in a throw-away home and user folder, telemetry and version checks off.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The cache folder the n8n versions are installed in (MEMBERSPOT_E2E_CACHE, else ~/.cache/memberspot-e2e). */
export function n8nCache(): string {
  return process.env.MEMBERSPOT_E2E_CACHE ?? join(homedir(), '.cache', 'memberspot-e2e');
}

/** The n8n CLI script of that version in the cache, or undefined when it is not installed. */
export function findN8nBin(version: string, cache = n8nCache()): string | undefined {
  const bin = join(cache, `n8n-${version}`, 'node_modules', 'n8n', 'bin', 'n8n');
  return existsSync(bin) ? bin : undefined;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an n8n CLI command to its end; rejects (and kills it) after timeoutMs. */
export function runN8nCli(bin: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`n8n ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface N8nTempHome {
  /** The temp folder, also HOME. */
  dir: string;
  /** N8N_USER_FOLDER: `user` in dir. */
  userFolder: string;
  /** The environment for the CLI: nothing from the caller's but PATH. */
  env: NodeJS.ProcessEnv;
  /** Removes dir. */
  cleanup(): void;
}

/** A temp folder (its name starting with prefix) as the CLI's home and user folder, and the CLI's environment. */
export function makeN8nTempHome(prefix: string, encryptionKey: string): N8nTempHome {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const userFolder = join(dir, 'user');
  mkdirSync(userFolder, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    TZ: 'UTC',
    N8N_USER_FOLDER: userFolder,
    N8N_ENCRYPTION_KEY: encryptionKey,
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_LOG_LEVEL: 'info',
    N8N_LOG_OUTPUT: 'console',
    N8N_RUNNERS_ENABLED: 'false',
    DB_SQLITE_POOL_SIZE: '2',
    NODE_ENV: 'production',
  };
  return { dir, userFolder, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
