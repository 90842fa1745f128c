#!/usr/bin/env node
/**
 * The production dependency check (`npm run audit:prod`), for the tree a user installs with this package:
 * the production packages (direct and transitive) exactly as package-lock.json installs them.
 *
 * It FAILS (exit 1) only for what is wrong with that tree:
 *   - a high or critical advisory, from `npm audit --omit=dev`, when the registry's audit endpoint answers;
 *   - a locked version that the registry marks deprecated;
 *   - a locked package or version that the registry does not have (unpublished, or never there);
 *   - and when it cannot ask the registry at all (it says so: the check did not run).
 * It only REPORTS, one line each and exit 0, a newer release that the ranges allow
 * ("newer: ioredis 6.1.0 (locked 6.0.0)"): the world moving on is no defect of this tree, and an unchanged
 * main must pass next month too. Take such a release deliberately (`npm update NAME`, then the Redis and
 * reliability suites), not because CI turned red.
 * Where the audit endpoint does not answer (some registries and mirrors answer 405), that is said plainly:
 * the advisory check did NOT run; the deprecation and presence checks still do.
 *
 *   node scripts/audit.js [--dir PROJECT]   (default: this repository; the tests point it at a fixture)
 * The registry is npm's own setting (npm_config_registry), as for every npm command.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const dirArg = process.argv.indexOf('--dir');
const root = dirArg > 0 ? path.resolve(process.argv[dirArg + 1]) : path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function npmJson(args) {
  const run = spawnSync(npm, args, { cwd: root, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  let json;
  try {
    json = JSON.parse(run.stdout || 'null');
  } catch {
    json = undefined;
  }
  // npm writes a failure as JSON ({ error: { code, summary } }) to stdout or stderr, depending on the command.
  let error = json && json.error;
  if (!error) {
    try {
      error = JSON.parse(run.stderr || 'null')?.error;
    } catch {
      error = undefined;
    }
  }
  return { status: run.status, json: error ? undefined : json, error, stderr: run.stderr || '' };
}

function advisories() {
  const audit = npmJson(['audit', '--omit=dev', '--json']);
  const meta = audit.json && audit.json.metadata && audit.json.metadata.vulnerabilities;
  if (!meta) {
    const said = audit.stderr.split('\n').find((line) => /audit/i.test(line));
    const why = (audit.json && audit.json.message) || (audit.error && audit.error.summary) || said || `exit ${audit.status}`;
    return { ran: false, why: String(why).trim() };
  }
  const serious = Object.entries(audit.json.vulnerabilities || {})
    .filter(([, v]) => v.severity === 'high' || v.severity === 'critical')
    .map(([name, v]) => `${name}: ${v.severity} (${[].concat(v.via).map((x) => (typeof x === 'string' ? x : x.title)).join('; ')})`);
  return { ran: true, meta, serious };
}

/** name@version → the ranges its dependants in the production tree ask for (npm ls --long has them). */
function productionTree() {
  const ls = npmJson(['ls', '--omit=dev', '--all', '--long', '--json']);
  if (!ls.json || !ls.json.dependencies) {
    throw new Error(`npm ls --omit=dev failed: ${(ls.error && ls.error.summary) || ls.stderr.trim() || `exit ${ls.status}`}`);
  }
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

/** The registry could not be asked: the check did not run (distinct from "the registry says no such package"). */
class RegistryUnreachable extends Error {}

function isNotFound(error) {
  return Boolean(error) && (error.code === 'E404' || /\b404\b|not found|no match/i.test(String(error.summary || '')));
}

/**
 * What the registry says of one locked package: whether it has that version, whether that version is
 * deprecated, and the newest version every dependant's range allows (the smallest of the ranges' newest).
 */
function inspect(pkg) {
  const locked = npmJson(['view', `${pkg.name}@${pkg.version}`, 'version', 'deprecated', '--json']);
  if (locked.error && !isNotFound(locked.error)) throw new RegistryUnreachable(`npm view ${pkg.name}@${pkg.version}: ${locked.error.summary || locked.error.code}`);
  if (locked.status !== 0 && !locked.error) throw new RegistryUnreachable(`npm view ${pkg.name}@${pkg.version}: exit ${locked.status} ${locked.stderr.trim()}`);
  // One field asked: a string; two: an object; a version the registry lacks: nothing.
  const fields = locked.json && typeof locked.json === 'object' && !Array.isArray(locked.json) ? locked.json : { version: locked.json };
  if (isNotFound(locked.error) || fields.version !== pkg.version) return { missing: true };
  const deprecated = typeof fields.deprecated === 'string' && fields.deprecated ? fields.deprecated : undefined;
  let newest;
  for (const range of pkg.ranges) {
    const view = npmJson(['view', `${pkg.name}@${range}`, 'version', '--json']);
    if (view.error && !isNotFound(view.error)) throw new RegistryUnreachable(`npm view ${pkg.name}@${range}: ${view.error.summary || view.error.code}`);
    const versions = [].concat(view.json || []).filter((v) => typeof v === 'string');
    if (!versions.length) continue;
    const top = versions.reduce((a, b) => (compare(a, b) >= 0 ? a : b));
    if (!newest || compare(top, newest) < 0) newest = top;
  }
  return { missing: false, deprecated, newest };
}

function main() {
  const failures = [];
  const result = advisories();
  if (result.ran) {
    console.log(`npm audit --omit=dev: ${JSON.stringify(result.meta)}`);
    if (result.serious.length) {
      console.log(`High or critical advisories in the production dependencies:\n  ${result.serious.join('\n  ')}`);
      failures.push(...result.serious.map((line) => `advisory: ${line}`));
    } else {
      console.log('No high or critical advisories in the production dependencies.');
    }
  } else {
    console.log(`npm audit --omit=dev could not run: the registry's audit endpoint answered "${result.why}".`);
    console.log('The advisory check did NOT run. Deprecation and presence in the registry are still checked.');
  }

  console.log('Production packages as the lock file installs them (fails: deprecated, not in the registry; reported: newer):');
  const newer = [];
  let tree;
  try {
    tree = productionTree().sort((a, b) => a.name.localeCompare(b.name) || compare(a.version, b.version));
    for (const pkg of tree) {
      const ranges = [...pkg.ranges].join(', ');
      const found = inspect(pkg);
      if (found.missing) {
        console.log(`  FAIL ${pkg.name}@${pkg.version} (asked for ${ranges}): the registry does not have this version`);
        failures.push(`${pkg.name}@${pkg.version} is not in the registry`);
        continue;
      }
      if (found.deprecated) {
        console.log(`  FAIL ${pkg.name}@${pkg.version} (asked for ${ranges}) deprecated: ${found.deprecated}`);
        failures.push(`${pkg.name}@${pkg.version} is deprecated`);
        continue;
      }
      console.log(`  ok   ${pkg.name}@${pkg.version} (asked for ${ranges})`);
      if (found.newest && compare(found.newest, pkg.version) > 0) newer.push(`newer: ${pkg.name} ${found.newest} (locked ${pkg.version})`);
    }
  } catch (error) {
    console.log(`The check could not run: ${error.message}`);
    console.log('Nothing was checked; see that the registry (npm config get registry) answers, then run it again.');
    return 1;
  }

  if (newer.length) {
    console.log(`Newer releases the ranges allow (reported, not failed; take them with npm update NAME):`);
    for (const line of newer) console.log(`  ${line}`);
  }
  if (failures.length) {
    console.log(`FAILED: ${failures.join('; ')}. Update or replace these packages (npm update NAME, or a new range), then npm run audit:prod again.`);
    return 1;
  }
  console.log(`${tree.length} production packages checked: none deprecated, all in the registry${result.ran ? ', no high or critical advisory' : ''}.`);
  return 0;
}

process.exitCode = main();
