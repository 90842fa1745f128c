import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox';
import { createClient, type ClientOptions, type MemberspotClient } from '../../shared';

export const API_KEY = 'test-key-5f0c8e2a9b7d41c3';

/** Starts a sandbox for one test file; closes it (and the clients made with `client()`) afterwards. */
export function useSandbox(options: SandboxOptions = {}) {
  const context: { sandbox: Sandbox; clients: MemberspotClient[] } = { sandbox: undefined as unknown as Sandbox, clients: [] };

  beforeAll(async () => {
    context.sandbox = await startSandbox({ apiKey: API_KEY, ...options });
  });
  afterEach(async () => {
    await Promise.all(context.clients.map((c) => c.close()));
    context.clients = [];
  });
  afterAll(async () => {
    await context.sandbox?.close();
  });

  return {
    get sandbox() {
      return context.sandbox;
    },
    /** A client on the sandbox; fast retries unless told otherwise. */
    client(overrides: Partial<ClientOptions> = {}): MemberspotClient {
      const client = createClient({
        apiKey: API_KEY,
        baseUrl: context.sandbox.url,
        baseDelayMs: 5,
        maxDelayMs: 50,
        ...overrides,
      });
      context.clients.push(client);
      return client;
    },
    /** The /v1 requests the sandbox received since the last clearLog(). */
    requests() {
      return context.sandbox.requests.filter((r) => r.path.startsWith('/v1'));
    },
  };
}

/** The largest number of timestamps that fall into any window of `windowMs` (a sliding window). */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end] - sorted[start] >= windowMs) start += 1;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

/** Runs a promise that must reject, and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
