/**
 * Throughput at real network latency (issue 12): the sandbox answers after 0, 100 or 300 ms, as a remote
 * API does. Rows for our core (`Promise.allSettled`), our n8n node (one execution, in-process engine) and
 * our Node-RED node (one message with a bulk payload, in whatever concurrency node-red/memberspot.ts uses);
 * for N Find User by Email (rate-limited, 4/s) and N Grant Access (not rate-limited). Then the floors,
 * compared within this run, printed as PASS/FAIL lines (never an exit code: machines are noisy).
 *
 *   node dist/bench/latency.js [--quick]     (also part of npm run bench)
 */
import { parseArgs } from 'node:util';
import { startSandboxProcess, type SandboxProcess } from './harness/sandbox-process';
import { createClient } from '../shared';
import { closeN8nEngine, memberspotOutput, runMemberspotNode, type BenchCredential } from './n8n';
import { runNodeRedBulk } from './node-red';

const KEY = 'bench-key-0123456789';
const LIMIT = 4;
const EMAILS = ['anna.schmidt@example.com', 'max.mueller@example.com'];
const FIND_PATH = '/v1/users/find-by-mail';
const GRANT_PATH = '/v1/users/grant-user-offer-by-mail';
const FIND = { resource: 'user', operation: 'findByEmail', email: '={{ $json.email }}' };
const GRANT = { resource: 'access', operation: 'grant', email: '={{ $json.email }}', accessId: { __rl: true, mode: 'id', value: 'off_basic' } };

type Host = 'core' | 'n8n' | 'Node-RED';
const HOSTS: Host[] = ['core', 'n8n', 'Node-RED'];

export interface LatencyRow {
  latencyMs: number;
  host: Host;
  findWallS: number;
  /** Accepted find calls per second over the span the sandbox saw them, divided by the limit. */
  achieved: number;
  grantWallS: number;
  grantsPerS: number;
  /** 429 answers the sandbox gave, both runs. */
  refused: number;
  /** Items, elements or calls that ended in an error, both runs. */
  failed: number;
}

/** A sandbox in its own process (as a remote API, its timers are not delayed by the host under test). */
function sandboxFor(latencyMs: number): Promise<SandboxProcess> {
  return startSandboxProcess({ apiKey: KEY, rateLimit: { limit: LIMIT, windowMs: 1000, scope: 'limited' }, faults: latencyMs > 0 ? { latencyMs } : undefined });
}

/** Runs N calls of one kind through a host; resolves with the number that failed. */
async function through(host: Host, sandbox: SandboxProcess, kind: 'find' | 'grant', items: Array<{ email: string }>, extra: Partial<BenchCredential> = {}): Promise<number> {
  if (host === 'core') {
    const client = createClient({ apiKey: KEY, baseUrl: sandbox.url, ...extra });
    try {
      const calls = items.map(({ email }) =>
        kind === 'find' ? client.execute('findUserByEmail', { email }) : client.execute('grantAccess', { email, accessId: 'off_basic' }),
      );
      return (await Promise.allSettled(calls)).filter((r) => r.status === 'rejected').length;
    } finally {
      await client.close();
    }
  }
  if (host === 'n8n') {
    const run = await runMemberspotNode({ apiKey: KEY, baseUrl: sandbox.url, requestsPerSecond: LIMIT, ...extra }, kind === 'find' ? FIND : GRANT, items);
    const out = memberspotOutput(run);
    return out.failed + Math.max(0, items.length - out.items);
  }
  const elements = kind === 'find' ? items : items.map(({ email }) => ({ email, accessId: 'off_basic' }));
  return runNodeRedBulk(sandbox, KEY, kind === 'find' ? 'findUserByEmail' : 'grantAccess', elements, extra as Record<string, number>);
}

async function timed(run: () => Promise<number>): Promise<{ wallS: number; failed: number }> {
  const started = performance.now();
  const failed = await run();
  return { wallS: (performance.now() - started) / 1000, failed };
}

async function row(host: Host, latencyMs: number, finds: number, grants: number): Promise<LatencyRow> {
  let sandbox = await sandboxFor(latencyMs);
  try {
    const findItems = Array.from({ length: finds }, (_, i) => ({ email: EMAILS[i % EMAILS.length] }));
    const find = await timed(() => through(host, sandbox, 'find', findItems));
    const requests = (await sandbox.requests()).filter((r) => r.path.startsWith(FIND_PATH));
    const accepted = requests.filter((r) => r.status === 200).map((r) => r.time);
    const spanS = (Math.max(...accepted) - Math.min(...accepted)) / 1000;
    const achieved = accepted.length > 1 && spanS > 0 ? (accepted.length - 1) / spanS / LIMIT : NaN;
    let refused = requests.filter((r) => r.status === 429).length;
    await sandbox.close();
    // A new sandbox (and so a new account limiter): the grants start with nothing left of the finds.
    sandbox = await sandboxFor(latencyMs);
    const grantItems = Array.from({ length: grants }, (_, i) => ({ email: `bench-${i}@example.com` }));
    const grant = await timed(() => through(host, sandbox, 'grant', grantItems));
    refused += (await sandbox.requests()).filter((r) => r.status === 429).length;
    return {
      latencyMs, host, findWallS: find.wallS, achieved, grantWallS: grant.wallS, grantsPerS: grants / grant.wallS, refused, failed: find.failed + grant.failed,
    };
  } finally {
    await sandbox.close();
  }
}

/**
 * With "Parallel requests" 1, does the sandbox see the grants in input order and one at a time? Each
 * answer takes `latencyMs` after its request arrives, so one at a time means every request arrives at
 * least that long after the one before (causality, not a timing guess).
 */
async function inOrder(host: Host, latencyMs: number, grants: number): Promise<{ host: Host; inOrder: boolean; detail: string }> {
  const sandbox = await sandboxFor(latencyMs);
  try {
    const items = Array.from({ length: grants }, (_, i) => ({ email: `order-${i}@example.com` }));
    const failed = await through(host, sandbox, 'grant', items, { parallelRequests: 1 });
    const requests = (await sandbox.requests()).filter((r) => r.path.startsWith(GRANT_PATH));
    const seen = requests.map((r) => (r.body as { email?: string }).email);
    const ordered = failed === 0 && seen.length === items.length && seen.every((email, i) => email === items[i].email);
    const overlaps = requests.filter((r, i) => i > 0 && r.time - requests[i - 1].time < latencyMs).length;
    const short = (e: string | undefined) => e?.replace(/^order-|@example\.com$/g, '');
    return {
      host,
      inOrder: ordered && overlaps === 0,
      detail: `${ordered ? 'input order' : `sandbox order ${seen.map(short).join(',')}`}, ${overlaps} of ${Math.max(0, requests.length - 1)} requests sent before the previous answer; ${failed} failed`,
    };
  } finally {
    await sandbox.close();
  }
}

export interface LatencyReport {
  table: string;
  floors: string[];
}

export async function latencyBenchmarks(quick: boolean): Promise<LatencyReport> {
  const latencies = quick ? [300] : [0, 100, 300];
  const finds = quick ? 40 : 200;
  const grants = quick ? 80 : 200;
  const rows: LatencyRow[] = [];
  for (const latencyMs of latencies) for (const host of HOSTS) rows.push(await row(host, latencyMs, finds, grants));
  const order = [await inOrder('n8n', 100, 12), await inOrder('Node-RED', 100, 12)];

  const lines = [
    `| latency per answer | host | ${finds} Find User by Email: wall (s) | achieved / limit (${LIMIT}/s) | ${grants} Grant Access: wall (s) | grants/s | 429s | failed items |`,
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.latencyMs} ms | ${r.host} | ${r.findWallS.toFixed(1)} | ${r.achieved.toFixed(3)} | ${r.grantWallS.toFixed(1)} | ${r.grantsPerS.toFixed(1)} | ${r.refused} | ${r.failed} |`,
    ),
  ];
  const at300 = rows.filter((r) => r.latencyMs === 300);
  const core = at300.find((r) => r.host === 'core') as LatencyRow;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const floors = [
    ...at300.map(
      (r) =>
        `${verdict(r.achieved >= 0.95 && r.refused === 0 && r.failed === 0)} 300 ms, ${r.host}: Find User by Email at ${r.achieved.toFixed(3)} of the limit (floor 0.95), ${r.refused} 429s, ${r.failed} failed items (floor 0 and 0)`,
    ),
    ...at300
      .filter((r) => r.host !== 'core')
      .map((r) => {
        const ratio = r.grantsPerS / core.grantsPerS;
        return `${verdict(ratio >= 0.8)} 300 ms, ${r.host}: ${r.grantsPerS.toFixed(1)} grants/s = ${ratio.toFixed(2)} of the core's ${core.grantsPerS.toFixed(1)} (floor 0.8)`;
      }),
    ...order.map((o) => `${verdict(o.inOrder)} Parallel requests 1, ${o.host}: ${o.detail}`),
  ];
  return { table: lines.join('\n'), floors };
}

export function printLatency(report: LatencyReport, quick: boolean): void {
  console.log(`## latency: the sandbox answers after a delay, as a remote API does (${quick ? 'quick' : 'full'} run)`);
  console.log(report.table);
  console.log('');
  console.log('Floors (same run):');
  for (const line of report.floors) console.log(line);
  console.log('');
}

if (require.main === module) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  latencyBenchmarks(values.quick)
    .then((report) => printLatency(report, values.quick))
    .then(() => closeN8nEngine())
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
