import { EventEmitter } from 'node:events';
import { main, parseCliArgs, type CliEnvironment } from '../../sandbox/cli';
import { startSandbox } from '../../sandbox';

/** A stand-in for the console and the process signals. */
function fakeEnvironment() {
  const lines: string[] = [];
  const errors: string[] = [];
  const signals = new EventEmitter();
  const env: CliEnvironment = {
    log: (line) => lines.push(line),
    error: (line) => errors.push(line),
    signals,
  };
  return { env, lines, errors, signals };
}

describe('parseCliArgs', () => {
  it('has the documented defaults', () => {
    expect(parseCliArgs([])).toEqual({
      port: 4010,
      host: '127.0.0.1',
      apiKey: 'sandbox-key',
      seed: 'default',
      rateLimit: { limit: 4, windowMs: 1000, scope: 'limited' },
      faults: undefined,
    });
  });

  it('reads every flag', () => {
    const options = parseCliArgs([
      '--port=0',
      '--host', '0.0.0.0',
      '--api-key', 'k',
      '--seed', '500',
      '--rate-limit', '10',
      '--rate-window-ms', '2000',
      '--rate-scope', 'all',
      '--error-rate', '0.1',
      '--reset-rate', '0.05',
      '--latency-ms', '250',
      '--latency-rate', '0.5',
    ]);

    expect(options).toEqual({
      port: 0,
      host: '0.0.0.0',
      apiKey: 'k',
      seed: { users: 500 },
      rateLimit: { limit: 10, windowMs: 2000, scope: 'all' },
      faults: { errorRate: 0.1, resetRate: 0.05, latencyMs: 250, latencyRate: 0.5 },
    });
  });

  it('turns the rate limit off with 0 and takes the seed none', () => {
    expect(parseCliArgs(['--rate-limit', '0', '--seed', 'none'])).toMatchObject({ rateLimit: false, seed: 'none' });
  });

  it('recognises --help', () => {
    expect(parseCliArgs(['-h'])).toBe('help');
  });
});

describe('main', () => {
  it('starts the sandbox, prints its URL and key, answers, and stops on SIGINT', async () => {
    const { env, lines, errors, signals } = fakeEnvironment();

    const { exitCode, sandbox } = await main(['--port', '0', '--api-key', 'cli-key', '--seed', 'none'], env);

    expect(exitCode).toBe(0);
    expect(sandbox).toBeDefined();
    expect(lines).toEqual([`Memberspot sandbox listening on ${sandbox?.url} (API key: cli-key)`]);
    expect(lines[0]).toMatch(/^Memberspot sandbox listening on http:\/\/127\.0\.0\.1:\d+ \(API key: cli-key\)$/);
    const answer = await fetch(`${sandbox?.url}/v1/offers`, { headers: { 'x-api-key': 'cli-key' } });
    expect(answer.status).toBe(200);

    const stopped = new Promise<void>((resolve) => {
      env.log = (line) => {
        lines.push(line);
        resolve();
      };
    });
    signals.emit('SIGINT');
    await stopped;

    expect(lines[1]).toBe('Memberspot sandbox stopped');
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
    await expect(fetch(`${sandbox?.url}/v1/offers`)).rejects.toThrow();
    expect(errors).toEqual([]);
  });

  it('prints the usage for --help', async () => {
    const { env, lines } = fakeEnvironment();

    const result = await main(['--help'], env);

    expect(result).toEqual({ exitCode: 0 });
    expect(lines[0]).toContain('Usage: memberspot-sandbox');
    expect(lines[0]).toContain('--rate-scope');
  });

  it.each([
    [['--port', 'abc'], '--port must be a number'],
    [['--error-rate', '2'], '--error-rate must be a number from 0 to 1'],
    [['--rate-scope', 'some'], '--rate-scope must be limited or all'],
    [['--seed', 'many'], '--seed must be default, none or a number'],
    [['--rate-limit', '1.5'], '--rate-limit must be a whole number'],
    [['--verbose'], "Unknown option '--verbose'"],
  ])('exits with 2 on bad arguments: %j', async (argv, message) => {
    const { env, errors } = fakeEnvironment();

    const result = await main(argv, env);

    expect(result).toEqual({ exitCode: 2 });
    expect(errors[0]).toContain(message);
  });

  it('exits with 1 when the port is taken', async () => {
    const occupant = await startSandbox();
    const { env, errors } = fakeEnvironment();
    try {
      const result = await main(['--port', String(occupant.port)], env);

      expect(result).toEqual({ exitCode: 1 });
      expect(errors[0]).toContain('could not start');
    } finally {
      await occupant.close();
    }
  });
});
