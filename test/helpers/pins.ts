/**
 * The pins of scripts/pins.sh (what CI installs outside package-lock.json), read from that one file so the
 * suites and the install scripts cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const text = readFileSync(join(__dirname, '..', '..', 'scripts', 'pins.sh'), 'utf8');

function pin(name: string): string {
  // NAME="value" or NAME="${NAME:-value}" (an environment variable may override the second form).
  const match = new RegExp(`^${name}="(?:\\$\\{${name}:-)?([^"}]*)\\}?"`, 'm').exec(text);
  if (!match) throw new Error(`scripts/pins.sh has no ${name}`);
  return process.env[name] || match[1];
}

/** npm resolves ranges outside our lock file as the registry stood then (`npm install --before`). */
export const REGISTRY_BEFORE = pin('MEMBERSPOT_REGISTRY_BEFORE');
/** The n8n CLIs of the end-to-end suites on Node.js 20. */
export const N8N_E2E_VERSIONS = pin('N8N_E2E_VERSIONS_DEFAULT');
