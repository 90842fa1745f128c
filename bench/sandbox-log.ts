/**
 * The sandbox's request log under large bodies (issue 10 point 7): 100 POSTs of 0.9 MB each, memory after
 * garbage collection before and after, with the log's default bounds and with bodies kept whole (the old
 * behaviour), in the same run. Prints figures; asserts nothing.
 *
 *   npm run build && node --expose-gc dist/bench/sandbox-log.js
 */
import { startSandbox } from '../sandbox';

const POSTS = 100;
const BODY = JSON.stringify({ email: 'anna.schmidt@example.com', properties: [{ propertyId: 'cp_phone', value: 'x'.repeat(900_000) }] });

function memoryMb(): { heap: number; rss: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: Math.round(heapUsed / 1e5) / 10, rss: Math.round(rss / 1e5) / 10 };
}

async function measure(label: string, maxBodyBytes?: number): Promise<void> {
  const sandbox = await startSandbox(maxBodyBytes === undefined ? {} : { log: { maxBodyBytes } });
  const before = memoryMb();
  for (let i = 0; i < POSTS; i += 1) {
    await fetch(`${sandbox.url}/v1/users/set-custom-user-properties`, {
      method: 'POST',
      headers: { 'x-api-key': sandbox.apiKey, 'content-type': 'application/json' },
      body: BODY,
    });
  }
  const after = memoryMb();
  console.log(`${label.padEnd(32)} heap ${before.heap} -> ${after.heap} MB (+${(after.heap - before.heap).toFixed(1)}), rss ${before.rss} -> ${after.rss} MB, log entries ${sandbox.requests.length}`);
  await sandbox.close();
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: () => void }).gc) console.log('(run with --expose-gc for figures after garbage collection)');
  console.log(`${POSTS} POSTs of ${(Buffer.byteLength(BODY) / 1e6).toFixed(2)} MB to the sandbox`);
  // The bounded run first, so that it starts from a clean heap.
  await measure('default log bounds (after)');
  await measure('bodies kept whole (before)', Number.MAX_SAFE_INTEGER);
}

void main();
