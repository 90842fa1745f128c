import { SandboxServer } from './server';
import type { Sandbox, SandboxOptions } from './types';

export { DEFAULT_LOG_LIMITS, REDACTED_KEY } from './log';
export { SandboxState, type StateSnapshot } from './state';
export type * from './types';
export { DEFAULT_VARIANTS, VARIANT_CHOICES, type Variants } from './variants';
export { openApiDocument } from './openapi';

/** Starts a local, in-memory Memberspot API on 127.0.0.1 (an ephemeral port unless `port` is given). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = new SandboxServer(options);
  await sandbox.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return sandbox;
}
