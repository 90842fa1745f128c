#!/usr/bin/env node
/**
 * The production dependency check (`npm run audit:prod`), for what a user installs with this package.
 *
 * 1. `npm audit --omit=dev`: fails on any high or critical advisory.
 * 2. Where the registry's audit endpoint cannot be reached (a mirror or a proxy that does not offer it; it
 *    answers 405 on some), the advisory check cannot run. That is said plainly, and a weaker check that
 *    needs only package metadata runs instead: every package in the production tree (direct and
 *    transitive) must be the newest release its dependants allow (security fixes ship as patch or minor
 *    releases of the same line) and must not be deprecated. Any package behind or deprecated fails.
 *
 * Exits non-zero on a finding; prints what it checked either way.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function npmJson(args) {
  const run = spawnSync(npm, args, { cwd: root, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  let json;
  try {
    json = JSON.parse(run.stdout || 'null');
  } catch {
    json = undefined;
  }
  return { status: run.status, json, stderr: run.stderr || '' };
}

function advisories() {
  const audit = npmJson(['audit', '--omit=dev', '--json']);
  const meta = audit.json && audit.json.metadata && audit.json.metadata.vulnerabilities;
  if (!meta) {
    const said = audit.stderr.split('\n').find((line) => /audit/i.test(line));
    const why = (audit.json && (audit.json.message || (audit.json.error && audit.json.error.summary))) || said || `exit ${audit.status}`;
    return { ran: false, why };
  }
  const serious = Object.entries(audit.json.vulnerabilities || {})
    .filter(([, v]) => v.severity === 'high' || v.severity === 'critical')
    .map(([name, v]) => `${name}: ${v.severity} (${[].concat(v.via).map((x) => (typeof x === 'string' ? x : x.title)).join('; ')})`);
  return { ran: true, meta, serious };
}

/** name@version → the ranges its dependants in the production tree ask for (npm ls --long has them). */
function productionTree() {
  const ls = npmJson(['ls', '--omit=dev', '--all', '--long', '--json']);
  if (!ls.json || !ls.json.dependencies) throw new Error(`npm ls --omit=dev failed: ${ls.stderr.trim()}`);
  const found = new Map();
  const walk = (parent) => {
    for (const [name, node] of Object.entries(parent.dependencies || {})) {
      if (!node.version) continue;
      const key = `${name}@${node.version}`;
      const entry = found.get(key) || { name, version: node.version, ranges: new Set() };
      entry.ranges.add((parent._dependencies || {})[name] || '*');
      found.set(key, entry);
      walk(node);
    }
  };
  walk(ls.json);
  return [...found.values()];
}

/** Compares release versions (x.y.z; a pre-release tag sorts before its release). */
function compare(a, b) {
  const parse = (v) => {
    const [core, pre] = v.split('-');
    return [...core.split('.').map(Number), pre ? 0 : 1];
  };
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** The newest version every dependant's range allows (the smallest of the ranges' newest). */
function newestAllowed(pkg) {
  let newest;
  for (const range of pkg.ranges) {
    const view = npmJson(['view', `${pkg.name}@${range}`, 'version', '--json']);
    const versions = [].concat(view.json || []);
    if (!versions.length) throw new Error(`npm view ${pkg.name}@${range} found nothing: ${view.stderr.trim()}`);
    const top = versions.reduce((a, b) => (compare(a, b) >= 0 ? a : b));
    if (!newest || compare(top, newest) < 0) newest = top;
  }
  const deprecated = npmJson(['view', `${pkg.name}@${pkg.version}`, 'deprecated', '--json']).json;
  return { newest, deprecated: typeof deprecated === 'string' && deprecated ? deprecated : undefined };
}

const result = advisories();
if (result.ran) {
  console.log(`npm audit --omit=dev: ${JSON.stringify(result.meta)}`);
  if (result.serious.length) {
    console.error(`High or critical advisories in the production dependencies:\n  ${result.serious.join('\n  ')}`);
    process.exit(1);
  }
  console.log('No high or critical advisories in the production dependencies.');
  process.exit(0);
}

console.log(`npm audit --omit=dev could not run: the registry's audit endpoint answered "${result.why}".`);
console.log('The advisory check did NOT run. Checking instead that every production package is the newest');
console.log('release its dependants allow and is not deprecated:');
const problems = [];
for (const pkg of productionTree().sort((a, b) => a.name.localeCompare(b.name))) {
  const { newest, deprecated } = newestAllowed(pkg);
  const ranges = [...pkg.ranges].join(', ');
  const ok = newest === pkg.version && !deprecated;
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${pkg.name}@${pkg.version} (asked for ${ranges}; newest allowed ${newest})${deprecated ? ` deprecated: ${deprecated}` : ''}`);
  if (!ok) problems.push(pkg.name);
}
if (problems.length) {
  console.error(`Update or replace: ${problems.join(', ')} (npm update, then npm run audit:prod again).`);
  process.exit(1);
}
console.log('All production packages are current within their ranges and none is deprecated.');
