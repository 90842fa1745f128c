#!/usr/bin/env node
/**
 * memberspot-migrate <blueprint.json> [--out DIR] [--target n8n|node-red|both] [--json] [--force]
 *
 * Exit codes: 0 everything converted; 1 files written, with review or manual items; 2 nothing written
 * (unreadable or not a blueprint, an empty flow, an output that exists without --force, a wrong option).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BlueprintError, parseBlueprint } from './blueprint';
import { convert, exitCodeOf, fileSafeName, type Report } from './convert';

const USAGE = 'usage: memberspot-migrate <blueprint.json> [--out DIR] [--target n8n|node-red|both] [--json] [--force]';
/** Make's own export limit is far below this; a bigger file is not a scenario. */
const MAX_BYTES = 50 * 1024 * 1024;

class UsageError extends Error {}

export interface CliResult {
  code: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

export function run(argv: string[]): CliResult {
  try {
    return main(argv);
  } catch (error) {
    const message = error instanceof UsageError ? `${error.message}\n${USAGE}` : error instanceof BlueprintError ? error.message : `could not convert: ${(error as Error).message}`;
    return { code: 2, stdout: '', stderr: `memberspot-migrate: ${message}\nNothing was written.\n` };
  }
}

function main(argv: string[]): CliResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', default: '.' },
        target: { type: 'string', default: 'both' },
        json: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { code: 0, stdout: `${USAGE}\n`, stderr: '' };
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'which blueprint? Give the file Make\'s "Export Blueprint" saved' : 'give one blueprint file');
  const target = values.target;
  if (target !== 'n8n' && target !== 'node-red' && target !== 'both') throw new UsageError(`--target must be n8n, node-red or both (not "${target}")`);
  const file = resolve(positionals[0]);
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`${positionals[0]}: no such file`);
  if (statSync(file).size > MAX_BYTES) throw new BlueprintError(`${positionals[0]}: the file is larger than 50 MB; that is not a Make blueprint`);
  let blueprint;
  try {
    blueprint = parseBlueprint(readFileSync(file, 'utf8'));
  } catch (error) {
    if (error instanceof BlueprintError) throw new BlueprintError(`${positionals[0]}: ${error.message}`);
    throw error;
  }
  const conversion = convert(blueprint);
  const outDir = resolve(values.out);
  const base = fileSafeName(blueprint.name);
  const files: { path: string; content: unknown }[] = [];
  if (target !== 'node-red') files.push({ path: join(outDir, `${base}.n8n.json`), content: conversion.n8n });
  if (target !== 'n8n') files.push({ path: join(outDir, `${base}.node-red.json`), content: conversion.nodeRed });
  const existing = files.filter((f) => existsSync(f.path));
  if (existing.length > 0 && !values.force) {
    throw new BlueprintError(`${existing.map((f) => f.path).join(' and ')} already exist${existing.length === 1 ? 's' : ''}; use --force to overwrite`);
  }
  mkdirSync(outDir, { recursive: true });
  for (const f of files) writeFileSync(f.path, `${JSON.stringify(f.content, null, 2)}\n`);
  const code = exitCodeOf(conversion.report);
  const written = files.map((f) => f.path);
  const stdout = values.json ? `${JSON.stringify({ ...conversion.report, files: written }, null, 2)}\n` : text(conversion.report, written);
  return { code, stdout, stderr: '' };
}

/** The report for people. */
export function text(report: Report, files: string[]): string {
  const lines: string[] = [];
  const count = (s: string) => report.modules.filter((m) => m.status === s).length;
  lines.push(`Make scenario "${report.name}": ${report.modules.length} modules, ${count('converted')} converted, ${count('review')} to review, ${count('manual')} to rebuild by hand.`);
  for (const f of files) lines.push(`  wrote ${f}`);
  lines.push('', 'Modules:');
  for (const m of report.modules) {
    lines.push(`  ${String(m.id).padStart(3)}  ${m.status.toUpperCase().padEnd(9)} ${m.module} "${m.label}"  →  n8n: ${m.n8n ?? '-'}  |  Node-RED: ${m.nodeRed ?? '-'}`);
    for (const n of m.notes) lines.push(`         - ${n}`);
  }
  if (report.webhooks.length > 0) {
    lines.push('', 'Point your shop at the new webhook instead of Make\'s:');
    for (const w of report.webhooks) lines.push(`  module ${w.module}:  n8n ${w.n8n}  |  Node-RED ${w.nodeRed}`);
  }
  if (report.credentials.length > 0) {
    lines.push('', 'Create the credential:');
    for (const c of report.credentials) lines.push(`  - ${c}`);
  }
  if (report.modules.some((m) => m.status !== 'converted')) {
    lines.push('', 'Something was not recognised? Please send us your blueprint (without secrets) so that the next version converts it.');
  }
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  const result = run(process.argv.slice(2));
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.code;
}
