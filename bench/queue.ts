/**
 * n8n queue mode as a benchmark row (bench/harness/n8n-queue.ts starts it): Postgres, redis-server, the
 * sandbox at 4 rate-limited calls per strict sliding second, an n8n main and two workers
 * (`--concurrency=10`), the Memberspot credential's Redis URL on database 1. N purchases POSTed at once
 * (Find User by Email, rate-limited, then Grant Access), with two workers and then, in the same run,
 * with one (the other stopped): achieved / limit for the lookups at the sandbox (floor 0.90), grants per
 * second, 429s, the most lookups in any sliding second. `repeat` runs the two-worker load that many times
 * in a row on the same cluster and counts the runs with a 429.
 */
import { startSandbox, type Sandbox } from '../sandbox';
import {
  executionsStarted,
  importFlows,
  postPurchase,
  purchases,
  startMain,
  startPostgres,
  startRedis,
  startWorker,
  waitForPurchaseWebhook,
  type N8nProcess,
  type Postgres,
  type Redis,
} from './harness/n8n-queue';
import { findN8nBin } from './harness/n8n-cli';
import { existsSync, readdirSync } from 'node:fs';

export const QUEUE_N8N_VERSION = '2.8.4';
const KEY = 'bench-queue-key-5b0e7d21';
const LIMIT = 4;
const FLOOR = 0.9;
const CREDENTIAL = { id: 'msBenchQueueApi1', name: 'Memberspot (Redis)' };
const FLOW = { id: 'msBenchQueueFlw1', hook: 'memberspot-bench-queue-purchase', credential: CREDENTIAL };

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

function postgresInstalled(): boolean {
  const root = '/usr/lib/postgresql';
  return existsSync(root) && readdirSync(root).some((v) => existsSync(`${root}/${v}/bin/postgres`));
}

/** One load: `n` purchases at once; the figures from the sandbox's log. */
async function load(sandbox: Sandbox, mainUrl: string, workers: N8nProcess[], run: string, n: number) {
  sandbox.reset();
  const before = workers.map(executionsStarted);
  const started = performance.now();
  const statuses = await Promise.all(purchases(run, n).map((p) => postPurchase(mainUrl, FLOW, p)));
  const wallMs = performance.now() - started;
  const lookups = sandbox.requests.filter((r) => r.path.startsWith('/v1/users/find-by-mail'));
  const accepted = lookups.filter((r) => r.status === 200 || r.status === 404).map((r) => r.time).sort((a, b) => a - b);
  const grants = sandbox.requests
    .filter((r) => r.path.startsWith('/v1/users/grant-user-offer-by-mail') && typeof r.status === 'number' && r.status < 300)
    .map((r) => r.time)
    .sort((a, b) => a - b);
  const span = (times: number[]) => (times.length > 1 ? (times[times.length - 1] - times[0]) / 1000 : 0);
  const achieved = span(accepted) > 0 ? (accepted.length - 1) / span(accepted) / LIMIT : 0;
  return {
    achieved,
    refused: lookups.filter((r) => r.status === 429).length,
    figures: {
      'wall time (s)': (wallMs / 1000).toFixed(1),
      'lookups: achieved / limit': achieved.toFixed(3),
      [`floor ${FLOOR.toFixed(2)}`]: achieved >= FLOOR ? 'PASS' : 'FAIL',
      'grants per second': span(grants) > 0 ? ((grants.length - 1) / span(grants)).toFixed(2) : 'n/a',
      '429 answers': lookups.filter((r) => r.status === 429).length,
      'max lookups in any 1 s window': maxInWindow(lookups.map((r) => r.time), 1000),
      'answered 200': `${statuses.filter((s) => s === 200).length} of ${n}`,
      'executions per worker': workers.map((w, i) => executionsStarted(w) - before[i]).join(' / '),
    },
  };
}

export async function queueRows(quick: boolean, repeat = 0): Promise<Row[]> {
  const n = quick ? 40 : 80;
  const title = (workers: number) =>
    `n8n ${QUEUE_N8N_VERSION} queue mode: ${n} purchases at once (Find User by Email at ${LIMIT}/s, Grant Access), ${workers} worker${workers > 1 ? 's' : ''} (--concurrency=10), limit shared through Redis`;
  if (!findN8nBin(QUEUE_N8N_VERSION)) return [{ benchmark: title(2), figures: { skipped: `n8n ${QUEUE_N8N_VERSION} is not installed: run npm run setup:e2e` } }];
  if (!postgresInstalled()) return [{ benchmark: title(2), figures: { skipped: 'PostgreSQL is not installed: run bash scripts/setup-queue.sh' } }];
  let postgres: Postgres | undefined;
  let redis: Redis | undefined;
  let sandbox: Sandbox | undefined;
  const processes: N8nProcess[] = [];
  try {
    [postgres, redis, sandbox] = await Promise.all([startPostgres(), startRedis(), startSandbox({ apiKey: KEY, rateLimit: { limit: LIMIT, windowMs: 1000, scope: 'limited' } })]);
    const setup = { version: QUEUE_N8N_VERSION, postgres, redis };
    await importFlows(setup, [{ ...CREDENTIAL, type: 'memberflowMemberspotApi', data: { apiKey: KEY, baseUrl: sandbox.url, requestsPerSecond: LIMIT, redisUrl: redis.url(1) } }], [FLOW]);
    const main = await startMain(setup);
    processes.push(main);
    const workers = [await startWorker(setup, 'worker 1'), await startWorker(setup, 'worker 2')];
    processes.push(...workers);
    await waitForPurchaseWebhook(main.url, FLOW);
    const rows: Row[] = [];
    // The first load also warms both workers up (their first executions, connections and Redis links).
    const two = await load(sandbox, main.url, workers, 'two', n);
    rows.push({ benchmark: title(2), figures: two.figures });
    if (repeat > 0) {
      const runs = [];
      for (let i = 0; i < repeat; i += 1) {
        await new Promise((r) => setTimeout(r, 1500));
        runs.push(await load(sandbox, main.url, workers, `repeat${i}`, n));
      }
      const achieved = runs.map((r) => r.achieved);
      rows.push({
        benchmark: `${title(2)}: the same load ${repeat} times in a row`,
        figures: {
          'runs with a 429': runs.filter((r) => r.refused > 0).length,
          '429 answers in all': runs.reduce((sum, r) => sum + r.refused, 0),
          'achieved / limit (lowest, highest)': `${Math.min(...achieved).toFixed(3)}, ${Math.max(...achieved).toFixed(3)}`,
        },
      });
    }
    await workers[1].stop();
    await new Promise((r) => setTimeout(r, 1500));
    const one = await load(sandbox, main.url, [workers[0]], 'one', n);
    rows.push({ benchmark: title(1), figures: one.figures });
    return rows;
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    for (const p of processes) p.home.cleanup();
    await Promise.all([sandbox?.close(), redis?.stop(), postgres?.stop()]);
  }
}
