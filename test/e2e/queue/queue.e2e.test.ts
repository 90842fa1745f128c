/**
 * n8n's own scaling (queue mode), per pinned version: Postgres, redis-server, the sandbox (strict sliding
 * 1-second window, 4 rate-limited calls), an n8n main that takes the shop's webhook and two `n8n worker
 * --concurrency=10` that run the executions, each worker with its own copy of this package, its own
 * limiter and its own connections; the Memberspot credential's Redis URL on database 1 (n8n's queue is on 0).
 *
 * - Load: 80 purchases POSTed at once (Find User by Email, rate-limited, then Grant Access): no 429, never
 *   more than 4 rate-limited calls in any sliding second, one grant per purchase, both workers ran some.
 * - A grant that fails on a worker is answered non-2xx by the main; the shop's retry grants.
 * - A worker dies (SIGKILL) in the middle of 80: every purchase ends with its grant and a 2xx answer, or
 *   with a non-2xx answer (the shop retries); never a 2xx without the grant. Re-sending the failed ones
 *   grants every purchase.
 * - Redis restarts while the workers are idle: the next purchases still go through, within the limit.
 * - The same load through a credential without the Redis URL breaks the limit (what the Redis URL is for).
 */
import { startSandbox, type Sandbox } from '../../../sandbox';
import { maxInWindow } from '../../helpers/sandbox';
import { VERSIONS } from '../n8n/helpers';
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
  type Purchase,
  type Redis,
} from '../../../bench/harness/n8n-queue';

const API_KEY = 'e2e-queue-key-3c81f0a2';
const SHARED = { id: 'msQueueRedisApi1', name: 'Memberspot (Redis)' };
const LOCAL = { id: 'msQueueLocalApi1', name: 'Memberspot (no Redis)' };
const FLOWS = {
  shared: { id: 'msQueueFlowRed01', hook: 'memberspot-queue-purchase', credential: SHARED },
  local: { id: 'msQueueFlowLoc01', hook: 'memberspot-queue-purchase-local', credential: LOCAL },
};
const LOOKUP = '/v1/users/find-by-mail';
const GRANT = '/v1/users/grant-user-offer-by-mail';

describe.each(VERSIONS)('n8n %s in queue mode (main + 2 workers, Postgres, Redis)', (version) => {
  let postgres: Postgres;
  let redis: Redis;
  let sandbox: Sandbox;
  let main: N8nProcess & { url: string };
  const workers: N8nProcess[] = [];

  beforeAll(async () => {
    [postgres, redis, sandbox] = await Promise.all([startPostgres(), startRedis(), startSandbox({ apiKey: API_KEY, rateLimit: { limit: 4, windowMs: 1000 } })]);
    const setup = { version, postgres, redis };
    const base = { apiKey: API_KEY, baseUrl: sandbox.url, requestsPerSecond: 4 };
    await importFlows(
      setup,
      [
        { ...SHARED, type: 'memberflowMemberspotApi', data: { ...base, redisUrl: redis.url(1) } },
        { ...LOCAL, type: 'memberflowMemberspotApi', data: base },
      ],
      Object.values(FLOWS),
    );
    main = await startMain(setup);
    workers.push(await startWorker(setup, 'worker 1'), await startWorker(setup, 'worker 2'));
    for (const flow of Object.values(FLOWS)) await waitForPurchaseWebhook(main.url, flow);
  }, 900_000);

  afterAll(async () => {
    await Promise.all([main, ...workers].map((p) => p?.stop()));
    await Promise.all([sandbox?.close(), redis?.stop(), postgres?.stop()]);
    for (const p of [main, ...workers]) p?.home.cleanup();
  });

  beforeEach(async () => {
    // Let the last run's window pass before the sandbox forgets it.
    await new Promise((r) => setTimeout(r, 1500));
    sandbox.reset();
  });

  const post = (flow: keyof typeof FLOWS, purchase: Purchase) => postPurchase(main.url, FLOWS[flow], purchase);

  const lookups = () => sandbox.requests.filter((r) => r.path.startsWith(LOOKUP));
  const grantsOf = (p: Purchase) =>
    sandbox.requests.filter((r) => r.path.startsWith(GRANT) && typeof r.status === 'number' && r.status >= 200 && r.status < 300 && (r.body as { orderId?: string } | undefined)?.orderId === p.orderId).length;
  const granted = (p: Purchase) => (sandbox.state.userByEmail(p.email)?.offers ?? []).some((o) => o.orderId === p.orderId && o.active);
  const limitFigures = (label: string) => {
    const times = lookups().filter((r) => r.status !== 429).map((r) => r.time).sort((a, b) => a - b);
    const achieved = times.length > 1 ? (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000) : 0;
    const perWorker = workers.map((w) => `${w.name}: ${executionsStarted(w)}`).join(', ');
    console.log(`n8n ${version} ${label}: ${lookups().length} lookups, ${lookups().filter((r) => r.status === 429).length} x 429, max ${maxInWindow(times, 1000)} per sliding second, ${(achieved / 4).toFixed(2)} of the limit; executions started so far ${perWorker}`);
  };

  it('80 purchases at once: no 429, at most 4 rate-limited calls in any second, one grant each, both workers ran some', async () => {
    const before = workers.map(executionsStarted);
    const batch = purchases('load', 80);
    const statuses = await Promise.all(batch.map((p) => post('shared', p)));
    limitFigures('load (80 purchases)');
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(lookups()).toHaveLength(80);
    expect(lookups().filter((r) => r.status === 429)).toHaveLength(0);
    expect(maxInWindow(lookups().map((r) => r.time), 1000)).toBeLessThanOrEqual(4);
    for (const p of batch) {
      expect(grantsOf(p)).toBe(1);
      expect(granted(p)).toBe(true);
    }
    const ran = workers.map((w, i) => executionsStarted(w) - before[i]);
    expect(ran.reduce((a, b) => a + b, 0)).toBe(80);
    for (const count of ran) expect(count).toBeGreaterThan(0);
  }, 600_000);

  it('a grant that fails on the worker is answered non-2xx by the main (the shop retries), and the retry grants', async () => {
    const [purchase] = purchases('fault', 1);
    // The lookup passes (a delay of 0), the grant is refused (400: not retried).
    sandbox.script({ delayMs: 0 }, { status: 400 });
    const failed = await post('shared', purchase);
    expect(failed).toBeGreaterThanOrEqual(400);
    expect(granted(purchase)).toBe(false);
    expect(await post('shared', purchase)).toBe(200);
    expect(granted(purchase)).toBe(true);
  }, 120_000);

  it('Redis restarts while the workers are idle: the next purchases go through, within the limit', async () => {
    await redis.restart();
    // n8n's own queue connections and the limiter's reconnect in the background.
    await new Promise((r) => setTimeout(r, 6000));
    const batch = purchases('restart', 20);
    const statuses = await Promise.all(batch.map((p) => post('shared', p)));
    limitFigures('after a Redis restart (20 purchases)');
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    for (const p of batch) expect(granted(p)).toBe(true);
    expect(lookups().filter((r) => r.status === 429)).toHaveLength(0);
    expect(maxInWindow(lookups().map((r) => r.time), 1000)).toBeLessThanOrEqual(4);
  }, 600_000);

  it('without the Redis URL, the two workers together break the limit (what the Redis URL is for)', async () => {
    const batch = purchases('local', 40);
    const statuses = await Promise.all(batch.map((p) => post('local', p)));
    limitFigures('without the Redis URL (40 purchases)');
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const times = lookups().map((r) => r.time);
    // Each worker keeps 4/s on its own: together more than 4 in some second, and the sandbox refuses some.
    expect(maxInWindow(times, 1000)).toBeGreaterThan(4);
    expect(lookups().filter((r) => r.status === 429).length).toBeGreaterThan(0);
  }, 600_000);

  it('a worker dies (SIGKILL) in the middle of 80: never a 2xx without the grant; re-sending the failed ones grants all', async () => {
    const batch = purchases('kill', 80);
    const answers = Promise.all(batch.map((p) => post('shared', p)));
    // Kill worker 2 once about a quarter of the lookups have reached the sandbox.
    while (lookups().length < 20) await new Promise((r) => setTimeout(r, 100));
    await workers[1].kill();
    const statuses = await answers;
    limitFigures('a worker killed (80 purchases)');
    const failed = batch.filter((_, i) => statuses[i] < 200 || statuses[i] >= 300);
    console.log(`n8n ${version}: after the SIGKILL, ${80 - failed.length} answered 2xx, ${failed.length} not (${[...new Set(statuses)].join(', ')})`);
    const rows = postgres.query(`select status, count(*) from execution_entity where "workflowId" = '${FLOWS.shared.id}' group by status order by status`);
    console.log(`n8n ${version}: executions of the purchase workflow by status: ${rows.map(([s, c]) => `${s} ${c}`).join(', ')}`);
    const told = main.output().split('\n').filter((line) => /stalled|Execution \d+ \(job \d+\) failed|crashed/i.test(line));
    console.log(`n8n ${version}: the main's log about them (${told.length} lines), first: ${told.slice(0, 2).join(' | ')}`);
    batch.forEach((p, i) => {
      if (statuses[i] >= 200 && statuses[i] < 300) expect({ order: p.orderId, granted: granted(p) }).toEqual({ order: p.orderId, granted: true });
    });
    expect(lookups().filter((r) => r.status === 429)).toHaveLength(0);
    expect(maxInWindow(lookups().map((r) => r.time), 1000)).toBeLessThanOrEqual(4);
    // The shop retries what was not answered 2xx: now every purchase is granted.
    const retried = await Promise.all(failed.map((p) => post('shared', p)));
    expect(retried.filter((s) => s !== 200)).toEqual([]);
    for (const p of batch) expect(granted(p)).toBe(true);
  }, 900_000);
});
