/**
 * Long-run bookkeeping of the core (issue 10, points 10 and 11), measured without any network: the client
 * gets an in-process Transport (the interface in shared/http/transport.ts) that answers 200 at once. Nothing is
 * mocked here: what is measured is the client's and the limiter's own cost (signals, queues, errors), which
 * a real HTTP round trip would only hide.
 *
 * 1. Memory with a long-lived caller signal: heap after GC before and after N calls that all pass the same
 *    AbortSignal (a Node-RED node's, an n8n execution's). Target: growth under 5 MB for 1,000,000 calls.
 * 2. Cancelling many waiting calls: N calls wait in a rate-limited lane, then the caller's signal aborts
 *    (or the client closes). Figures: the longest the event loop was blocked (the longest gap between two
 *    turns of a setImmediate probe) and the time until every call settled. Target: under 200 ms at 80,000.
 *
 * Run on its own: npm run build && node --expose-gc dist/bench/lifecycle.js [--quick]
 */
import { parseArgs } from 'node:util';
import { ClientClosedError, createClient, type Transport, type TransportRequest } from '../shared';

interface Row {
  benchmark: string;
  figures: Record<string, string | number>;
}

const BASE_URL = 'http://127.0.0.1:9';

/** Answers every request with 200 at once, in process, and counts what it was sent. */
function instantTransport(): Transport & { sent: number } {
  const transport = {
    sent: 0,
    async request(request: TransportRequest) {
      transport.sent += 1;
      return { status: 200, headers: {}, body: request.path.startsWith('/v1/offers') ? [] : { uid: 'u1', email: 'anna@example.com' } };
    },
  };
  return transport;
}

function heapMb(): number {
  global.gc?.();
  global.gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** Heap after GC before and after `calls` calls that all pass one long-lived caller signal. */
export async function signalMemory(calls: number): Promise<Row> {
  const transport = instantTransport();
  const client = createClient({ apiKey: 'bench-lifecycle-memory-key', baseUrl: BASE_URL, transport });
  const caller = new AbortController();
  const batch = 100;
  const run = (n: number) => Promise.all(Array.from({ length: n }, () => client.execute('listOffers', {}, { signal: caller.signal })));
  try {
    await run(1000);
    const before = heapMb();
    const checkpoints: Record<string, string> = {};
    const started = performance.now();
    for (let done = 0; done < calls; ) {
      await run(batch);
      done += batch;
      if (done % (calls / 4) === 0 && done < calls) checkpoints[`heap after GC at ${done.toLocaleString('en')} calls (MB)`] = heapMb().toFixed(1);
    }
    const wallMs = performance.now() - started;
    const after = heapMb();
    return {
      benchmark: `memory: ${calls.toLocaleString('en')} calls with one long-lived caller signal (in-process transport, ${batch} at a time)`,
      figures: {
        'heap after GC before (MB)': before.toFixed(1),
        ...checkpoints,
        'heap after GC after (MB)': after.toFixed(1),
        'growth (MB)': (after - before).toFixed(2),
        'µs per call (incl. the GCs at the checkpoints)': ((wallMs * 1000) / calls).toFixed(1),
        'GC exposed': global.gc ? 'yes' : 'no (run with --expose-gc)',
      },
    };
  } finally {
    await client.close();
  }
}

/** The longest gap between two turns of the event loop while `work` runs. */
async function longestBlock<T>(work: () => Promise<T>): Promise<{ result: T; maxBlockMs: number; wallMs: number }> {
  let max = 0;
  let last = performance.now();
  let running = true;
  const probe = () => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
    if (running) setImmediate(probe);
  };
  setImmediate(probe);
  await new Promise((resolve) => setImmediate(resolve));
  const started = performance.now();
  const result = await work();
  const wallMs = performance.now() - started;
  running = false;
  await new Promise((resolve) => setImmediate(resolve));
  return { result, maxBlockMs: Math.max(max, performance.now() - last), wallMs };
}

/** `waiting` calls wait in a rate-limited lane (1/s); then the caller's signal aborts, or the client closes. */
export async function cancelWaiting(waiting: number, how: 'caller signal' | 'close'): Promise<Row> {
  const transport = instantTransport();
  const client = createClient({ apiKey: `bench-lifecycle-cancel-${how.replace(/\W/g, '-')}-${waiting}`, baseUrl: BASE_URL, transport, requestsPerSecond: 1 });
  const caller = new AbortController();
  const options = how === 'caller signal' ? { signal: caller.signal } : {};
  const setupStarted = performance.now();
  const calls = Array.from({ length: waiting + 1 }, () =>
    client.execute('findUserByEmail', { email: 'anna@example.com' }, options).then(
      () => 'sent',
      (error: unknown) =>
        error instanceof ClientClosedError ? 'cancelled' : (error as { code?: string }).code === 'CLIENT_CLOSED' ? 'cancelled, plain' : `other: ${String(error)}`,
    ),
  );
  // The first call takes the lane's turn; every other one waits.
  while (transport.sent === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const setupMs = performance.now() - setupStarted;
  const { result, maxBlockMs, wallMs } = await longestBlock(async () => {
    if (how === 'caller signal') caller.abort();
    else void client.close();
    return Promise.all(calls);
  });
  await client.close();
  const cancelled = result.filter((r) => r === 'cancelled').length;
  const plain = result.filter((r) => r === 'cancelled, plain').length;
  const other = result.filter((r) => r.startsWith('other')).length;
  return {
    benchmark: `cancel: ${waiting.toLocaleString('en')} waiting calls, ${how === 'close' ? 'client.close()' : "the caller's signal aborts"} (in-process transport)`,
    figures: {
      'longest event-loop block (ms)': maxBlockMs.toFixed(0),
      'until every call settled (ms)': wallMs.toFixed(0),
      'queueing the calls (ms)': setupMs.toFixed(0),
      'rejected with a ClientClosedError': cancelled,
      'rejected with a plain MemberspotError (code CLIENT_CLOSED)': plain,
      'other errors': other,
      'requests sent': transport.sent,
    },
  };
}

/** The lifecycle rows; `only` picks one group ('memory' or 'cancel'), `onRow` sees each row as it is done. */
export async function lifecycleRows(quick: boolean, onRow: (row: Row) => void = () => undefined, only?: string): Promise<Row[]> {
  const rows: Row[] = [];
  const add = (row: Row) => {
    rows.push(row);
    onRow(row);
  };
  if (only !== 'cancel') add(await signalMemory(quick ? 100_000 : 1_000_000));
  if (only === 'memory') return rows;
  for (const n of quick ? [10_000] : [10_000, 40_000, 80_000]) {
    add(await cancelWaiting(n, 'caller signal'));
    add(await cancelWaiting(n, 'close'));
  }
  return rows;
}

export function printRow(row: Row): void {
  console.log(`## ${row.benchmark}`);
  console.log('| figure | value |\n|---|---|');
  for (const [name, value] of Object.entries(row.figures)) console.log(`| ${name} | ${value} |`);
  console.log('');
}

if (require.main === module) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
  console.log(`\nLifecycle benchmarks (${values.quick ? 'quick' : 'full'} run, Node ${process.version})\n`);
  lifecycleRows(values.quick, printRow, values.only).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
