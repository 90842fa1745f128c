import { Agent, request } from 'node:http';
import { startSandbox } from '../../sandbox';

/** One GET over the given agent; resolves with the status once the body is read. */
function get(agent: Agent, url: string, apiKey: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/offers`, { agent, headers: { 'x-api-key': apiKey } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('lifecycle', () => {
  it('listens on 127.0.0.1 on an ephemeral port by default', async () => {
    const sandbox = await startSandbox();
    try {
      expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
      expect(sandbox.port).toBeGreaterThan(0);
      expect(sandbox.apiKey).toBe('sandbox-key');
    } finally {
      await sandbox.close();
    }
  });

  it('close() resolves while a keep-alive connection is open', async () => {
    const sandbox = await startSandbox();
    const agent = new Agent({ keepAlive: true });
    try {
      expect(await get(agent, sandbox.url, sandbox.apiKey)).toBe(200);
      expect(Object.keys(agent.freeSockets)).toHaveLength(1);

      await expect(sandbox.close()).resolves.toBeUndefined();
    } finally {
      agent.destroy();
    }
  });

  it('close() resolves while a request waits in an injected delay; the client sees the connection end', async () => {
    const sandbox = await startSandbox();
    sandbox.script({ delayMs: 60_000 });
    const agent = new Agent({ keepAlive: true });
    try {
      const pending = get(agent, sandbox.url, sandbox.apiKey);
      await new Promise((resolve) => setTimeout(resolve, 50));

      await sandbox.close();

      await expect(pending).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });

  it('close() can be called twice', async () => {
    const sandbox = await startSandbox();

    await sandbox.close();

    await expect(sandbox.close()).resolves.toBeUndefined();
  });

  it('refuses an empty API key', async () => {
    await expect(startSandbox({ apiKey: '' })).rejects.toThrow('apiKey');
  });
});
