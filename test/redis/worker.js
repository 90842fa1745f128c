// One process of the shared-limit test: N rate-limited calls for one account through Redis.
// argv: baseUrl apiKey redisUrl calls [stallMs] [firstDelayMs]
// stallMs: during the run, block this process's event loop for that long every 500 ms (a busy machine, a
// long synchronous step in another node): its timers, bottleneck's turns among them, then fire late.
// firstDelayMs: this process's first rate-limited call reaches the wire that long after its turn (a host
// reading its credential and opening its first connection while other executions start).
/* global setInterval, clearInterval, setTimeout */
const { createClient, UndiciTransport } = require('../../dist/shared');

function delayingFirstLookup(baseUrl, apiKey, delayMs) {
  const inner = new UndiciTransport({ baseUrl, apiKey });
  let first = true;
  return {
    async request(request) {
      if (first && request.path.includes('/users/find-by-mail')) {
        first = false;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
      return inner.request(request);
    },
    close: () => inner.close(),
  };
}

async function main() {
  const [baseUrl, apiKey, redisUrl, calls, stallMs, firstDelayMs] = process.argv.slice(2);
  const warnings = [];
  const transport = Number(firstDelayMs || 0) > 0 ? delayingFirstLookup(baseUrl, apiKey, Number(firstDelayMs)) : undefined;
  const client = createClient({ baseUrl, apiKey, redisUrl, transport, onWarning: (m) => warnings.push(m) });
  // Warm up (connection, code paths) on an unlimited endpoint, as a running process would be.
  await client.execute('listOffers');
  // Wait for the go signal so that every process starts at once.
  await new Promise((resolve) => process.once('message', resolve));
  const stall = Number(stallMs || 0);
  const stalls = stall
    ? setInterval(() => {
        const until = Date.now() + stall;
        while (Date.now() < until);
      }, 500)
    : undefined;
  const results = await Promise.allSettled(
    Array.from({ length: Number(calls) }, () => client.execute('findUserByEmail', { email: 'anna.schmidt@example.com' })),
  );
  clearInterval(stalls);
  await client.close();
  process.send({ ok: results.filter((r) => r.status === 'fulfilled').length, failed: results.filter((r) => r.status === 'rejected').length, warnings });
}

main().catch((error) => {
  process.send({ crash: String(error && error.stack) });
});
