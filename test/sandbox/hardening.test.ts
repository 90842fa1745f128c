import { request } from 'node:http';
import { useSandbox } from './helpers';

const fixture = useSandbox();

interface RawAnswer {
  status: number;
  body: string;
}

/** A raw request, so that Host and Origin can be set to anything (fetch would not let us). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
  const { port } = fixture.sandbox;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('control endpoints refuse requests from other origins (CSRF, DNS rebinding)', () => {
  it('refuses a text/plain POST with a foreign Origin, and changes nothing', async () => {
    const before = fixture.sandbox.state.users.length;
    const answer = await raw('POST', '/__sandbox/reset', { 'content-type': 'text/plain', origin: 'https://evil.example' }, '{"seed":"none"}');

    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(/Origin/);
    expect(fixture.sandbox.state.users).toHaveLength(before);
  });

  it('refuses a foreign Host (DNS rebinding), also for reads', async () => {
    const answer = await raw('GET', '/__sandbox/state', { host: `rebind.example:${fixture.sandbox.port}` });

    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(/Host/);
  });

  it('refuses Origin: null and a loopback Origin on another port', async () => {
    expect((await raw('GET', '/__sandbox/state', { origin: 'null' })).status).toBe(403);
    expect((await raw('GET', '/__sandbox/state', { origin: 'http://127.0.0.1:1' })).status).toBe(403);
  });

  it("accepts the sandbox's own Host and Origin, and requests without Origin", async () => {
    const { port } = fixture.sandbox;
    expect((await raw('GET', '/__sandbox/state', {})).status).toBe(200);
    expect((await raw('GET', '/__sandbox/state', { host: `localhost:${port}`, origin: `http://localhost:${port}` })).status).toBe(200);
    expect((await raw('GET', '/__sandbox/state', { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });
});

describe('the request log is bounded', () => {
  const bigBody = JSON.stringify({ email: 'anna.schmidt@example.com', padding: 'x'.repeat(900_000) });

  it('keeps a large body as a size marker, not the body', async () => {
    await fixture.api.post('/v1/users/set-custom-user-properties', bigBody);

    const [entry] = fixture.sandbox.requests;
    expect(entry.body).toEqual({ omitted: 'body too large for the log', bytes: Buffer.byteLength(bigBody) });
  });

  it('keeps only the newest entries', async () => {
    const small = await (await import('../../sandbox')).startSandbox({ log: { maxEntries: 3 } });
    try {
      for (let i = 0; i < 5; i += 1) await fetch(`${small.url}/v1/offers?n=${i}`, { headers: { 'x-api-key': small.apiKey } });
      expect(small.requests.map((r) => r.query.n)).toEqual(['2', '3', '4']);
    } finally {
      await small.close();
    }
  });

  it('has a default bound on the number of entries', async () => {
    const { DEFAULT_LOG_LIMITS } = await import('../../sandbox');
    expect(DEFAULT_LOG_LIMITS.maxEntries).toBeGreaterThan(0);
    expect(DEFAULT_LOG_LIMITS.maxBodyBytes).toBeLessThanOrEqual(64 * 1024);
  });
});
