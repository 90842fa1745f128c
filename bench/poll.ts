/**
 * The poll triggers' core (shared/poll): one poll over 1,000, 10,000 and 50,000 users against the sandbox
 * (in this process) at 0 and 100 ms per answer: wall time, requests, heap growth and the state's size. The
 * `newMember` poll reads every user; the holders' state is measured with every user holding the offer (an
 * `accessEnded` poll). Prints figures and the floors as PASS/FAIL lines; asserts nothing.
 */
import { startSandbox } from '../sandbox';
import { createClient, poll, stateBytes } from '../shared';

const KEY = 'bench-key-0123456789';

export interface PollRow {
  users: number;
  latencyMs: number;
  wallS: number;
  requests: number;
  heapGrowthMb: number;
  stateBytes: number;
  holdersStateBytes?: number;
}

function heapMb(): number {
  global.gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function one(extraUsers: number, latencyMs: number, withHolders: boolean): Promise<PollRow> {
  const sandbox = await startSandbox({ apiKey: KEY, rateLimit: false, seed: { users: extraUsers } });
  const client = createClient({ apiKey: KEY, baseUrl: sandbox.url });
  try {
    if (latencyMs > 0) sandbox.setFaults({ latencyMs });
    // A warm-up request (connection, JIT) that is not measured.
    await client.execute('listUsers', { pageLength: 1 });
    sandbox.clearLog();
    const before = heapMb();
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed / 1024 / 1024)), 20);
    const started = performance.now();
    const result = await poll(client, undefined, { event: 'newMember' });
    const wallMs = performance.now() - started;
    clearInterval(sample);
    peak = Math.max(peak, process.memoryUsage().heapUsed / 1024 / 1024);
    const requests = sandbox.requests.filter((r) => r.path === '/v1/users/list').length;
    let holdersStateBytes: number | undefined;
    if (withHolders) {
      sandbox.setFaults(null);
      for (const user of sandbox.state.users) {
        const grant = user.offers.find((g) => g.offerId === 'off_basic');
        if (grant) grant.active = true;
        else user.offers.push({ offerId: 'off_basic', active: true, grantedAt: new Date().toISOString() });
      }
      holdersStateBytes = stateBytes((await poll(client, undefined, { event: 'accessEnded', accessId: 'off_basic' })).state);
    }
    return { users: result.listed, latencyMs, wallS: wallMs / 1000, requests, heapGrowthMb: peak - before, stateBytes: stateBytes(result.state), holdersStateBytes };
  } finally {
    await client.close();
    await sandbox.close();
  }
}

/** The sandbox has 5 users of its own; the generated ones make up the rest. */
export async function pollBenchmarks(quick: boolean): Promise<PollRow[]> {
  const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 50_000];
  const rows: PollRow[] = [];
  for (const latencyMs of [0, 100]) {
    for (const size of sizes) rows.push(await one(size - 5, latencyMs, latencyMs === 0));
  }
  return rows;
}

export function printPoll(rows: PollRow[]): void {
  console.log('## poll triggers: one poll (shared/poll), sandbox in this process, pages of 100');
  console.log('| users | latency per answer | wall time (s) | requests | peak heap growth (MB) | newMember state (bytes) | holders state, every user a holder (bytes) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) {
    console.log(
      `| ${row.users} | ${row.latencyMs} ms | ${row.wallS.toFixed(2)} | ${row.requests} | ${row.heapGrowthMb.toFixed(1)} | ${row.stateBytes} | ${row.holdersStateBytes ?? '-'} |`,
    );
  }
  const big = rows.find((row) => row.users >= 50_000 && row.latencyMs === 0);
  if (big) {
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    console.log('');
    console.log(`floor: one poll over ${big.users} users in under 5 s: ${big.wallS.toFixed(2)} s ${verdict(big.wallS < 5)}`);
    console.log(`floor: heap growth under 100 MB: ${big.heapGrowthMb.toFixed(1)} MB ${verdict(big.heapGrowthMb < 100)}`);
    console.log(`floor: newMember state under 1 MB: ${big.stateBytes} bytes ${verdict(big.stateBytes < 1_000_000)}`);
  }
  console.log('');
}
