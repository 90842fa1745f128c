// One process of the shared-limit test: N rate-limited calls for one account through Redis.
// argv: baseUrl apiKey redisUrl calls [stallMs]
// stallMs: during the run, block this process's event loop for that long every 500 ms (a busy machine, a
// long synchronous step in another node): its timers, bottleneck's turns among them, then fire late.
/* global setInterval, clearInterval */
const { createClient } = require('../../dist/shared');

async function main() {
  const [baseUrl, apiKey, redisUrl, calls, stallMs] = process.argv.slice(2);
  const warnings = [];
  const client = createClient({ baseUrl, apiKey, redisUrl, onWarning: (m) => warnings.push(m) });
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
