/**
 * Benchmarks of the core against the sandbox. Prints figures; asserts nothing (machines are noisy).
 *
 *   npm run bench              full run (200 rate-limited calls at 4/s, 2000 overhead calls)
 *   npm run bench -- --quick   short run for CI (40 and 400 calls)
 */
import { Pool } from 'undici';
import { parseArgs } from 'node:util';
import { startSandbox } from '../sandbox';
import { createClient } from '../shared';

const KEY = 'bench-key-0123456789';

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

/** Rate-limited throughput: N find-by-email calls at the sandbox's limit. */
async function rateLimited(calls: number, limit: number): Promise<Row> {
  const sandbox = await startSandbox({ apiKey: KEY, rateLimit: { limit, windowMs: 1000, scope: 'limited' } });
  const client = createClient({ apiKey: KEY, baseUrl: sandbox.url, requestsPerSecond: limit });
  try {
    const emails = ['anna.schmidt@example.com', 'max.mueller@example.com'];
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: calls }, (_, i) => client.execute('findUserByEmail', { email: emails[i % emails.length] })),
    );
    const wallMs = performance.now() - started;
    const requests = sandbox.requests.filter((r) => r.path.startsWith('/v1/users/find-by-mail'));
    const accepted = requests.filter((r) => r.status === 200).map((r) => r.time);
    // Achieved rate over the span the server saw: (n - 1) intervals between first and last arrival.
    const spanS = (Math.max(...accepted) - Math.min(...accepted)) / 1000;
    const achieved = (accepted.length - 1) / spanS;
    return {
      benchmark: `rate-limited: ${calls} find-by-email at ${limit}/s`,
      figures: {
        'wall time (s)': (wallMs / 1000).toFixed(1),
        'achieved req/s': achieved.toFixed(3),
        'achieved / limit': (achieved / limit).toFixed(3),
        '429 answers': requests.filter((r) => r.status === 429).length,
        'max in any 1 s window': maxInWindow(accepted, 1000),
        'failed calls': results.filter((r) => r.status === 'rejected').length,
      },
    };
  } finally {
    await client.close();
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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const rows: Row[] = [];
  rows.push(await rateLimited(values.quick ? 40 : 200, 4));
  rows.push(await overhead(values.quick ? 400 : 2000));
  console.log(`\nMemberspot core benchmarks (${values.quick ? 'quick' : 'full'} run, Node ${process.version})\n`);
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
