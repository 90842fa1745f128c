// One process of the shared-limit test: N rate-limited calls for one account through Redis.
// argv: baseUrl apiKey redisUrl calls
const { createClient } = require('../../dist/shared');

async function main() {
  const [baseUrl, apiKey, redisUrl, calls] = process.argv.slice(2);
  const warnings = [];
  const client = createClient({ baseUrl, apiKey, redisUrl, onWarning: (m) => warnings.push(m) });
  // Warm up (connection, code paths) on an unlimited endpoint, as a running process would be.
  await client.execute('listOffers');
  // Wait for the go signal so that every process starts at once.
  await new Promise((resolve) => process.once('message', resolve));
  const results = await Promise.allSettled(
    Array.from({ length: Number(calls) }, () => client.execute('findUserByEmail', { email: 'anna.schmidt@example.com' })),
  );
  await client.close();
  process.send({ ok: results.filter((r) => r.status === 'fulfilled').length, failed: results.filter((r) => r.status === 'rejected').length, warnings });
}

main().catch((error) => {
  process.send({ crash: String(error && error.stack) });
});
