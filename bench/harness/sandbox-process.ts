/**
 * The sandbox in a process of its own, for benchmarks at network latency: its delay timers and rate limit
 * window then run on their own event loop, as a remote API's do, instead of sharing one with the n8n
 * engine or Node-RED under test (whose work would otherwise make the sandbox's answers late in bunches).
 * The parent reads the request log through the sandbox's control endpoint.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { startSandbox, type RequestLogEntry, type SandboxOptions } from '../../sandbox';

export interface SandboxProcess {
  readonly url: string;
  /** The sandbox's request log, oldest arrival first. */
  requests(): Promise<RequestLogEntry[]>;
  close(): Promise<void>;
}

/** Starts `startSandbox(options)` in a child process; resolves once it listens. */
export function startSandboxProcess(options: SandboxOptions): Promise<SandboxProcess> {
  const child: ChildProcess = fork(__filename, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the sandbox process exited (${code}) before it listened`)));
    child.once('message', (message) => {
      const url = (message as { url: string }).url;
      resolve({
        url,
        async requests() {
          const response = await fetch(`${url}/__sandbox/requests`);
          return (await response.json()) as RequestLogEntry[];
        },
        close: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill();
          }),
      });
    });
  });
}

if (require.main === module && process.send) {
  const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
  // The parent is gone (or let go): so is the sandbox.
  process.on('disconnect', () => process.exit(0));
  void startSandbox(options).then((sandbox) => process.send?.({ url: sandbox.url }));
}
