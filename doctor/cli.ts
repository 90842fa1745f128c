#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ValidationError } from '../shared/errors';
import { DEFAULT_BASE_URL, normaliseBaseUrl } from '../shared/options';
import { HELP } from './help';
import { buildRequest } from './http';
import { renderJson, renderTable } from './report';
import { runDoctor, type DoctorOptions } from './run';
import { throwawayAddress, type WriteOptions } from './write';



export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Asks a question; resolves with the answer, or undefined when there is no one to ask. */
  ask(question: string): Promise<string | undefined>;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): DoctorOptions & { json: boolean; yes: boolean } | 'help' {
  // Refuse a key on the command line without echoing it back.
  if (argv.some((arg) => /^--?(api-?key|key|token)(=|$)/i.test(arg))) {
    throw new UsageError('The API key is never taken from the command line: set MEMBERSPOT_API_KEY instead.');
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'base-url': { type: 'string' },
        spec: { type: 'string' },
        'save-spec': { type: 'string' },
        rate: { type: 'boolean', default: false },
        write: { type: 'boolean', default: false },
        email: { type: 'string' },
        'email-domain': { type: 'string' },
        offer: { type: 'string' },
        yes: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('.')[0]);
  }
  if (values.help) return 'help';
  const baseUrl = (values['base-url'] ?? env.MEMBERSPOT_BASE_URL ?? DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
  checkBaseUrl(baseUrl);
  const emailDomain = values['email-domain']?.trim().replace(/^@/, '');
  if (!values.write && (values.email || values.offer || emailDomain !== undefined)) throw new UsageError('--email, --email-domain and --offer are only for --write');
  if (values.write && !values.offer) throw new UsageError('--write needs --offer <an offer ID>');
  if (values.write && values.email && emailDomain !== undefined) {
    throw new UsageError('--write takes --email-domain (the doctor makes the throwaway address) or --email (an address no member has), not both');
  }
  if (values.write && !values.email && !emailDomain) {
    throw new UsageError('--write needs --email-domain <your domain>: the doctor makes the throwaway address memberspot-doctor-<random>@<domain> (or --email <an address no member has>)');
  }
  const write = values.write ? writeOptions(values.email, emailDomain, values.offer as string, baseUrl) : undefined;
  const apiKey = env.MEMBERSPOT_API_KEY?.trim() || undefined;
  if (values.write && !apiKey) throw new UsageError('--write needs MEMBERSPOT_API_KEY');
  return {
    baseUrl,
    apiKey,
    spec: values.spec,
    saveSpec: values['save-spec'],
    rate: values.rate,
    write,
    json: values.json,
    yes: values.yes,
    version: packageVersion(),
  };
}

/** The core's rule for base URLs: https, or http only on this machine (the key must not travel in clear text). */
function checkBaseUrl(baseUrl: string): void {
  try {
    normaliseBaseUrl(baseUrl);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new UsageError(`The base URL ${error.issues.map((issue) => issue.message).join('; ')}`);
  }
}

/** The throwaway address (made here from --email-domain, or --email) and the offer, checked the way Grant Access checks them (values are not echoed). */
function writeOptions(email: string | undefined, domain: string | undefined, offerId: string, baseUrl: string): WriteOptions {
  const address = email ?? throwawayAddress(domain as string);
  try {
    buildRequest('grantAccess', { email: address, accessId: 'doctor-offer' }, baseUrl);
  } catch {
    throw new UsageError(email ? '--email must be an email address' : '--email-domain must be a domain, e.g. school.example');
  }
  try {
    buildRequest('grantAccess', { email: address, accessId: offerId }, baseUrl);
  } catch {
    throw new UsageError('--offer must be an offer ID (Access ID)');
  }
  return { email: address, generated: !email, offerId };
}

function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@memberflow/n8n-nodes-memberspot') return pkg.version ?? 'unknown';
    }
  }
  return 'unknown';
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  let options;
  try {
    options = parseCli(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`memberspot-doctor: ${error.message}\nRun memberspot-doctor --help for the options.`);
    return 2;
  }
  if (options === 'help') {
    io.out(HELP);
    return 0;
  }
  if (options.write && !options.yes) {
    const who = options.write.generated
      ? `a new throwaway user (${options.write.email.split('@')[0]}@ the --email-domain, an address no member can have)`
      : 'a throwaway user with the address given with --email (refused if a member has it)';
    const answer = await io.ask(
      `--write creates ${who} in the school at ${options.baseUrl}, ` +
        'grants, revokes and deletes the offer given with --offer, and deletes that user at the end (only if this run created it). ' +
        'It never writes to an existing member. Type "yes" to go on: ',
    );
    if (answer?.trim().toLowerCase() !== 'yes') {
      io.err('memberspot-doctor: --write was not confirmed; nothing was sent.');
      return 2;
    }
  }
  const { report, redactor } = await runDoctor(options);
  io.out(redactor.text(options.json ? renderJson(report) : renderTable(report)));
  return report.exitCode;
}

async function askOnStdin(question: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const closed = new Promise<undefined>((resolve) => rl.once('close', () => resolve(undefined)));
  try {
    return await Promise.race([rl.question(question), closed]);
  } finally {
    rl.close();
  }
}

if (require.main === module) {
  const io: CliIo = { out: (text) => console.log(text), err: (text) => console.error(text), ask: askOnStdin, env: process.env };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      // An unexpected error: say what, but never more than the message (it carries no key: the transport keeps it in a closure).
      console.error(`memberspot-doctor: unexpected error: ${error.message}`);
      process.exitCode = 2;
    },
  );
}
