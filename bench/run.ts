/**
 * Benchmarks of the core against the sandbox. Prints figures; asserts nothing (machines are noisy).
 *
 *   npm run bench              full run
 *   npm run bench -- --quick   short run for CI (fewer calls, same limit)
 *   npm run bench -- --poll    only the poll triggers' figures (7.)
 *
 * 1. Rate-limited bulk: find-by-email calls for one account at the sandbox's 4/s limit, through our client,
 *    our n8n node (in-process engine), our Node-RED node, a naive unthrottled client (what a plain HTTP loop
 *    does), and n8n's own HTTP Request node batching 4 items per 1000 ms (real n8n CLI, if installed).
 * 2. Overhead: per-call cost of our client vs raw undici on an unlimited endpoint, in the same run.
 * 3. List all users: every user of a sandbox seeded with 50,000, page by page: time and memory, through our
 *    core and through our n8n node (Return All).
 * 4. Memory over a long run: heap after garbage collection before and after thousands of grants.
 * 5. Lifecycle (bench/lifecycle.ts): memory with a long-lived caller signal, cancelling many waiting calls.
 * 6. Latency (bench/latency.ts): the sandbox at 0, 100 and 300 ms per answer (quick: 300 ms only), the core,
 *    the n8n node and the Node-RED node side by side, and the floors as PASS/FAIL lines.
 * 7. Poll triggers (bench/poll.ts): one poll over 1,000, 10,000 and 50,000 users at 0 and 100 ms per answer:
 *    wall time, requests, heap growth, state size; the floors as PASS/FAIL lines.
 * 8. memberspot-migrate (bench/migrate.ts): modules per second, time and heap for a realistic blueprint of 500
 *    modules and for a 10 MB blueprint, converted to both hosts.
 * 9. n8n queue mode (bench/queue.ts): purchases through a main and two workers, then one, the limit shared
 *    through Redis (needs the pinned n8n and PostgreSQL: npm run setup:e2e, scripts/setup-queue.sh).
 *    Full run only (or `--queue-only`, which runs this one alone, quick or not); `--queue-repeat N` adds the
 *    two-worker load N times in a row.
 */
import { Pool } from 'undici';
import { parseArgs } from 'node:util';
import { startSandbox, type Sandbox } from '../sandbox';
import { createClient } from '../shared';
import { runNodeRed } from './node-red';
import { latencyBenchmarks, printLatency } from './latency';
import { closeN8nEngine, memberspotOutput, n8nCliBin, N8N_CLI_VERSION, runHttpRequestNode, runMemberspotNode } from './n8n';
import { lifecycleRows } from './lifecycle';
import { migrateRows } from './migrate';
import { pollBenchmarks, printPoll } from './poll';
import { queueRows } from './queue';

const KEY = 'bench-key-0123456789';
const LIMIT = 4;

interface Row {
  benchmark: string;
  figures: Record<string, string | number>;
}

function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let end = 0, start = 0; end < sorted.length; end += 1) {
    while (sorted[end] - sorted[start] >= windowMs) start += 1;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

const EMAILS = ['anna.schmidt@example.com', 'max.mueller@example.com'];

/** The figures of one rate-limited run, read from the sandbox's request log. */
function rateFigures(sandbox: Sandbox, wallMs: number, failed: number): Record<string, string | number> {
  const requests = sandbox.requests.filter((r) => r.path.startsWith('/v1/users/find-by-mail'));
  const accepted = requests.filter((r) => r.status === 200).map((r) => r.time);
  // The achieved rate over the span the server saw: (n - 1) intervals between the first and last arrival.
  // Under a second of accepted calls (a burst that was mostly refused) says nothing about a rate.
  const spanS = (Math.max(...accepted) - Math.min(...accepted)) / 1000;
  const achieved = accepted.length > 1 && spanS >= 1 ? ((accepted.length - 1) / spanS / LIMIT).toFixed(3) : 'n/a (one burst)';
  return {
    'wall time (s)': (wallMs / 1000).toFixed(1),
    'achieved / limit': achieved,
    'calls accepted': `${accepted.length} of ${requests.length}`,
    '429 answers': requests.filter((r) => r.status === 429).length,
    'max in any 1 s window': maxInWindow(accepted, 1000),
    'failed items': failed,
  };
}

async function rateLimitedOurs(calls: number): Promise<Row> {
  const sandbox = await startSandbox({ apiKey: KEY, rateLimit: { limit: LIMIT, windowMs: 1000, scope: 'limited' } });
  const client = createClient({ apiKey: KEY, baseUrl: sandbox.url });
  try {
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: calls }, (_, i) => client.execute('findUserByEmail', { email: EMAILS[i % EMAILS.length] })),
    );
    const wallMs = performance.now() - started;
    return {
      benchmark: `rate-limited: ${calls} find-by-email at ${LIMIT}/s, our core`,
      figures: rateFigures(sandbox, wallMs, results.filter((r) => r.status === 'rejected').length),
    };
  } finally {
    await client.close();
    await sandbox.close();
  }
}

async function rateLimitedNodeRed(calls: number): Promise<Row> {
  const sandbox = await startSandbox({ apiKey: KEY, rateLimit: { limit: LIMIT, windowMs: 1000, scope: 'limited' } });
  try {
    const emails = Array.from({ length: calls }, (_, i) => EMAILS[i % EMAILS.length]);
    const started = performance.now();
    const failed = await runNodeRed(sandbox, KEY, emails);
    const wallMs = performance.now() - started;
    return { benchmark: `rate-limited: ${calls} find-by-email at ${LIMIT}/s, our Node-RED node (${calls} messages at once)`, figures: rateFigures(sandbox, wallMs, failed) };
  } finally {
    await sandbox.close();
  }
}

/** N find-by-email items in one n8n execution through our node (in-process engine), the credential at 4/s. */
async function rateLimitedN8n(calls: number): Promise<Row> {
  const sandbox = await startSandbox({ apiKey: KEY, rateLimit: { limit: LIMIT, windowMs: 1000, scope: 'limited' } });
  try {
    const items = Array.from({ length: calls }, (_, i) => ({ email: EMAILS[i % EMAILS.length] }));
    const started = performance.now();
    const run = await runMemberspotNode(
      { apiKey: KEY, baseUrl: sandbox.url, requestsPerSecond: LIMIT },
      { resource: 'user', operation: 'findByEmail', email: '={{ $json.email }}' },
      items,
    );
    const wallMs = performance.now() - started;
    const out = memberspotOutput(run);
    return {
      benchmark: `rate-limited: ${calls} find-by-email at ${LIMIT}/s, our n8n node (${calls} items in one execution, in-process engine)`,
      figures: rateFigures(sandbox, wallMs, out.failed + Math.max(0, calls - out.items)),
    };
  } finally {
    await sandbox.close();
  }
}

/** n8n's HTTP Request node with its batching option at 4 items per 1000 ms, through the real n8n CLI. */
async function rateLimitedHttpRequestNode(calls: number): Promise<Row> {
  const benchmark = `rate-limited: ${calls} find-by-email at ${LIMIT}/s, n8n ${N8N_CLI_VERSION} HTTP Request node, batching ${LIMIT} items per 1000 ms (n8n CLI; wall time includes its start)`;
  const bin = n8nCliBin();
  if (!bin) return { benchmark, figures: { skipped: `n8n ${N8N_CLI_VERSION} is not installed: run npm run setup:e2e` } };
  const sandbox = await startSandbox({ apiKey: KEY, rateLimit: { limit: LIMIT, windowMs: 1000, scope: 'limited' } });
  try {
    const emails = Array.from({ length: calls }, (_, i) => EMAILS[i % EMAILS.length]);
    const out = await runHttpRequestNode(bin, sandbox.url, KEY, emails, { size: LIMIT, intervalMs: 1000 });
    const times = sandbox.requests.filter((r) => r.path.startsWith('/v1/users/find-by-mail')).map((r) => r.time);
    return {
      benchmark,
      figures: {
        ...rateFigures(sandbox, out.wallMs, out.failed + Math.max(0, calls - out.items)),
        'first to last request at the sandbox (s)': ((Math.max(...times) - Math.min(...times)) / 1000).toFixed(1),
      },
    };
  } finally {
    await sandbox.close();
  }
}

/** What a plain HTTP loop does: send everything at once, no limiter, no retries. */
async function rateLimitedNaive(calls: number): Promise<Row> {
  const sandbox = await startSandbox({ apiKey: KEY, rateLimit: { limit: LIMIT, windowMs: 1000, scope: 'limited' } });
  const pool = new Pool(sandbox.url, { connections: 8 });
  try {
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: calls }, async (_, i) => {
        const response = await pool.request({
          method: 'GET',
          path: `/v1/users/find-by-mail/${encodeURIComponent(EMAILS[i % EMAILS.length])}`,
          headers: { 'x-api-key': KEY, accept: 'application/json' },
        });
        await response.body.text();
        return response.statusCode;
      }),
    );
    const wallMs = performance.now() - started;
    return {
      benchmark: `rate-limited: ${calls} find-by-email at ${LIMIT}/s, naive unthrottled client`,
      figures: rateFigures(sandbox, wallMs, statuses.filter((s) => s !== 200).length),
    };
  } finally {
    await pool.close();
    await sandbox.close();
  }
}

/** Per-call overhead of the whole stack vs raw undici on an unlimited endpoint, sequential calls. */
async function overhead(calls: number): Promise<Row> {
  const sandbox = await startSandbox({ apiKey: KEY, rateLimit: false });
  const client = createClient({ apiKey: KEY, baseUrl: sandbox.url });
  const pool = new Pool(sandbox.url, { connections: 8 });
  const raw = async () => {
    const response = await pool.request({ method: 'GET', path: '/v1/offers', headers: { 'x-api-key': KEY, accept: 'application/json' } });
    if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
    return response.body.json();
  };
  const ours = () => client.execute('listOffers');
  try {
    // Warm both up, then alternate rounds so that drift on a shared machine hits both alike.
    for (let i = 0; i < 200; i += 1) {
      await raw();
      await ours();
    }
    let rawMs = 0;
    let oursMs = 0;
    const ratios: number[] = [];
    const rounds = 10;
    for (let round = 0; round < rounds; round += 1) {
      const per = calls / rounds;
      let t = performance.now();
      for (let i = 0; i < per; i += 1) await raw();
      const rawRound = performance.now() - t;
      t = performance.now();
      for (let i = 0; i < per; i += 1) await ours();
      const oursRound = performance.now() - t;
      rawMs += rawRound;
      oursMs += oursRound;
      ratios.push(oursRound / rawRound);
      sandbox.clearLog();
    }
    ratios.sort((a, b) => a - b);
    return {
      benchmark: `overhead: ${calls} sequential list-offers calls`,
      figures: {
        'raw undici (ms/call)': (rawMs / calls).toFixed(3),
        'our client (ms/call)': (oursMs / calls).toFixed(3),
        'ratio ours / raw (total)': (oursMs / rawMs).toFixed(3),
        'ratio ours / raw (median of 10 rounds)': ((ratios[4] + ratios[5]) / 2).toFixed(3),
      },
    };
  } finally {
    await pool.close();
    await client.close();
    await sandbox.close();
  }
}

function heapMb(): number {
  global.gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** Every user of a large account through listAll, streaming: time and the heap it grows by. */
async function listAll(users: number): Promise<Row> {
  const sandbox = await startSandbox({ apiKey: KEY, rateLimit: false, seed: { users } });
  const client = createClient({ apiKey: KEY, baseUrl: sandbox.url });
  try {
    const before = heapMb();
    let peak = before;
    let count = 0;
    const started = performance.now();
    for await (const user of client.listAll({}, {})) {
      if (user.uid) count += 1;
      if (count % 5000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed / 1024 / 1024);
    }
    const wallMs = performance.now() - started;
    return {
      benchmark: `list all users: ${count} users (sandbox seeded with ${users} more), pages of 100, our core`,
      figures: {
        'wall time (s)': (wallMs / 1000).toFixed(2),
        'users per second': Math.round(count / (wallMs / 1000)),
        'heap before (MB, sandbox included)': before.toFixed(1),
        'peak heap growth while listing (MB)': (peak - before).toFixed(1),
      },
    };
  } finally {
    await client.close();
    await sandbox.close();
  }
}

/** Every user of a large account through our n8n node, Return All: one item per user, all held by n8n. */
async function listAllN8n(users: number): Promise<Row> {
  const sandbox = await startSandbox({ apiKey: KEY, rateLimit: false, seed: { users } });
  try {
    const before = heapMb();
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed / 1024 / 1024)), 20);
    const started = performance.now();
    const run = await runMemberspotNode({ apiKey: KEY, baseUrl: sandbox.url, requestsPerSecond: LIMIT }, { resource: 'user', operation: 'list', returnAll: true }, [{}]);
    const wallMs = performance.now() - started;
    clearInterval(sample);
    peak = Math.max(peak, process.memoryUsage().heapUsed / 1024 / 1024);
    const out = memberspotOutput(run);
    return {
      benchmark: `list all users: ${out.items} users (sandbox seeded with ${users} more), Return All through our n8n node (in-process engine)`,
      figures: {
        'wall time (s)': (wallMs / 1000).toFixed(2),
        'users per second': Math.round(out.items / (wallMs / 1000)),
        'error items': out.failed,
        'heap before (MB, sandbox included)': before.toFixed(1),
        'peak heap growth while listing (MB, n8n holds every item)': (peak - before).toFixed(1),
      },
    };
  } finally {
    await sandbox.close();
  }
}

/** Heap after GC before and after many grants through one client: it should stay flat. */
async function memory(grants: number): Promise<Row> {
  const sandbox = await startSandbox({ apiKey: KEY, rateLimit: false, seed: 'none' });
  const client = createClient({ apiKey: KEY, baseUrl: sandbox.url });
  const batch = async (from: number, n: number) => {
    await Promise.all(Array.from({ length: n }, (_, i) => client.execute('grantAccess', { email: `m${(from + i) % 500}@example.com`, accessId: 'off_basic' })));
    sandbox.clearLog();
  };
  try {
    await batch(0, 500);
    const before = heapMb();
    for (let done = 0; done < grants; done += 500) await batch(done, 500);
    const after = heapMb();
    return {
      benchmark: `memory: ${grants} grants through one client (500 at a time, same 500 users)`,
      figures: {
        'heap after GC before (MB)': before.toFixed(1),
        'heap after GC after (MB)': after.toFixed(1),
        'growth (MB)': (after - before).toFixed(2),
        'GC exposed': global.gc ? 'yes' : 'no (run with --expose-gc)',
      },
    };
  } finally {
    await client.close();
    await sandbox.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      poll: { type: 'boolean', default: false },
      'queue-only': { type: 'boolean', default: false },
      'queue-repeat': { type: 'string', default: '0' },
    },
  });
  const quick = values.quick;
  if (values.poll) {
    printPoll(await pollBenchmarks(quick));
    return;
  }
  const rows: Row[] = [];
  const queueRepeat = Number(values['queue-repeat']);
  if (values['queue-only']) {
    rows.push(...(await queueRows(quick, queueRepeat)));
    printRows(rows, quick);
    return;
  }
  const calls = quick ? 40 : 400;
  rows.push(await rateLimitedOurs(calls));
  rows.push(await rateLimitedN8n(calls));
  rows.push(await rateLimitedNodeRed(calls));
  rows.push(await rateLimitedNaive(calls));
  rows.push(await rateLimitedHttpRequestNode(calls));
  rows.push(await overhead(quick ? 400 : 2000));
  rows.push(await listAll(quick ? 5000 : 50_000));
  rows.push(await listAllN8n(quick ? 5000 : 50_000));
  const latency = await latencyBenchmarks(quick);
  closeN8nEngine();
  rows.push(await memory(quick ? 2000 : 20_000));
  rows.push(...(await lifecycleRows(quick)));
  rows.push(...(await migrateRows(quick)));
  const polls = await pollBenchmarks(quick);
  // About 1.5 minutes (Postgres and three n8n processes start): in the full run only, to keep CI's quick run
  // within its budget; the queue-mode e2e suite prints the same figures in every CI run.
  if (!quick) rows.push(...(await queueRows(quick, queueRepeat)));
  printRows(rows, quick);
  printLatency(latency, quick);
  printPoll(polls);
}

function printRows(rows: Row[], quick: boolean): void {
  console.log(`\nMemberspot core benchmarks (${quick ? 'quick' : 'full'} run, Node ${process.version})\n`);
  for (const row of rows) {
    console.log(`## ${row.benchmark}`);
    console.log('| figure | value |\n|---|---|');
    for (const [name, value] of Object.entries(row.figures)) console.log(`| ${name} | ${value} |`);
    console.log('');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
