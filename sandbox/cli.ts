#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startSandbox } from './index';
import { DEFAULT_API_KEY } from './server';
import type { FaultOptions, Sandbox, SandboxOptions } from './types';
import { validateVariants, type Variants } from './variants';

const USAGE = `Usage: memberspot-sandbox [options]

A local, in-memory Memberspot API for trying out and testing the nodes.

Options:
  --port <n>              port to listen on (default 4010; 0 = any free port)
  --host <host>           host to listen on (default 127.0.0.1)
  --api-key <key>         the API key clients must send as X-API-KEY (default ${DEFAULT_API_KEY})
  --seed <seed>           default | none | <n>: the default data plus n generated users (default: default)
  --rate-limit <n>        requests per window on rate-limited endpoints (default 4; 0 = off)
  --rate-window-ms <ms>   the rate limit window (default 1000)
  --rate-scope <scope>    limited (Memberspot's limited endpoints) | all (every request) (default limited)
  --error-rate <0..1>     fraction of requests answered 500 or 503
  --reset-rate <0..1>     fraction of requests whose connection is dropped
  --latency-ms <ms>       delay added to requests
  --latency-rate <0..1>   fraction of requests that get the delay (default 1)
  --variant <name=value>  switch a project decision of the contract to its known alternative (repeatable):
                            customPropertyKey=propertyId|id, cursor=nextPage|next_page|absent,
                            loginToken=object|string|token, deleteAccess=remove|deactivate,
                            retryAfter=true|false, rateLimitHeaders=none|RateLimit|X-RateLimit,
                            listUsers=object|array, openapi=match|differs|none
                          (the OpenAPI document is served at GET /api-json, made from the sandbox's routes)
  -h, --help              show this help

Control endpoints for tests: GET /__sandbox/state, GET /__sandbox/requests, POST /__sandbox/reset,
POST /__sandbox/faults, POST /__sandbox/rate-limit, POST /__sandbox/script, POST /__sandbox/clear-log,
GET and POST /__sandbox/variants; members while a test runs: POST /__sandbox/users, /__sandbox/grant,
/__sandbox/revoke, /__sandbox/change-email, /__sandbox/delete-user. They answer only requests whose Host and Origin are the sandbox's own.`;

export interface CliEnvironment {
  log(line: string): void;
  error(line: string): void;
  /** Where SIGINT and SIGTERM arrive (the process, or a stand-in in tests). */
  signals: {
    on(signal: NodeJS.Signals, listener: () => void): unknown;
    removeListener(signal: NodeJS.Signals, listener: () => void): unknown;
  };
}

export interface CliResult {
  exitCode: number;
  /** The running sandbox; it closes on SIGINT or SIGTERM. */
  sandbox?: Sandbox;
}

class UsageError extends Error {}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

const processEnvironment: CliEnvironment = {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
  signals: process,
};

/** Runs the CLI: resolves once the sandbox listens (or at once for --help and errors). */
export async function main(argv: readonly string[], env: CliEnvironment = processEnvironment): Promise<CliResult> {
  let options: SandboxOptions | 'help';
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    env.error(`${(error as Error).message}\nRun memberspot-sandbox --help for the options.`);
    return { exitCode: 2 };
  }
  if (options === 'help') {
    env.log(USAGE);
    return { exitCode: 0 };
  }
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox(options);
  } catch (error) {
    env.error(`Memberspot sandbox could not start: ${(error as Error).message}`);
    return { exitCode: 1 };
  }
  stopOnSignals(sandbox, env);
  env.log(`Memberspot sandbox listening on ${sandbox.url} (API key: ${sandbox.apiKey})`);
  return { exitCode: 0, sandbox };
}

function stopOnSignals(sandbox: Sandbox, env: CliEnvironment): void {
  const stop = () => {
    for (const signal of STOP_SIGNALS) env.signals.removeListener(signal, stop);
    sandbox.close().then(
      () => env.log('Memberspot sandbox stopped'),
      (error: Error) => env.error(`Memberspot sandbox did not stop cleanly: ${error.message}`),
    );
  };
  for (const signal of STOP_SIGNALS) env.signals.on(signal, stop);
}

export function parseCliArgs(argv: readonly string[]): SandboxOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      'api-key': { type: 'string', default: DEFAULT_API_KEY },
      seed: { type: 'string', default: 'default' },
      'rate-limit': { type: 'string', default: '4' },
      'rate-window-ms': { type: 'string', default: '1000' },
      'rate-scope': { type: 'string', default: 'limited' },
      'error-rate': { type: 'string' },
      'reset-rate': { type: 'string' },
      'latency-ms': { type: 'string' },
      'latency-rate': { type: 'string' },
      variant: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';

  const scope = values['rate-scope'];
  if (scope !== 'limited' && scope !== 'all') throw new UsageError('--rate-scope must be limited or all');
  const limit = integerFlag('rate-limit', values['rate-limit'], 0);
  return {
    port: integerFlag('port', values.port, 0, 65_535),
    host: values.host,
    apiKey: values['api-key'],
    seed: seedFlag(values.seed),
    rateLimit: limit === 0 ? false : { limit, windowMs: integerFlag('rate-window-ms', values['rate-window-ms'], 1), scope },
    faults: faultFlags(values),
    ...(values.variant ? { variants: variantFlags(values.variant) } : {}),
  };
}

function variantFlags(flags: string[]): Partial<Variants> {
  const variants: Record<string, string | boolean> = {};
  for (const flag of flags) {
    const [name, value] = flag.split('=', 2);
    if (value === undefined) throw new UsageError(`--variant must be name=value, e.g. --variant cursor=next_page`);
    variants[name] = value === 'true' ? true : value === 'false' ? false : value;
  }
  try {
    return validateVariants(variants);
  } catch (error) {
    throw new UsageError(`--variant: ${(error as Error).message}`);
  }
}

function faultFlags(values: Record<string, string | string[] | boolean | undefined>): FaultOptions | undefined {
  const flag = (name: string, max: number) => {
    const value = values[name];
    return typeof value === 'string' ? numberFlag(name, value, 0, max) : undefined;
  };
  const faults: FaultOptions = {
    errorRate: flag('error-rate', 1),
    resetRate: flag('reset-rate', 1),
    latencyMs: flag('latency-ms', Infinity),
    latencyRate: flag('latency-rate', 1),
  };
  return Object.values(faults).some((value) => value !== undefined) ? faults : undefined;
}

function seedFlag(value: string): SandboxOptions['seed'] {
  if (value === 'default' || value === 'none') return value;
  if (/^\d+$/.test(value)) return { users: Number(value) };
  throw new UsageError('--seed must be default, none or a number of generated users');
}

function integerFlag(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const number = numberFlag(flag, value, min, max);
  if (!Number.isInteger(number)) throw new UsageError(`--${flag} must be a whole number`);
  return number;
}

function numberFlag(flag: string, value: string, min: number, max: number): number {
  const number = value.trim() === '' ? NaN : Number(value);
  if (!(number >= min && number <= max)) {
    throw new UsageError(`--${flag} must be a number from ${min}${max === Infinity ? ' up' : ` to ${max}`}`);
  }
  return number;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then(({ exitCode }) => {
    process.exitCode = exitCode;
  });
}
