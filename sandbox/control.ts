import { errorReply, HttpError, notFound, parseJson, type Reply } from './http';
import type { FaultOptions, RateLimitOptions, Sandbox, ScriptedFault, SeedOption } from './types';
import { isRecord } from './validate';

/**
 * Control endpoints for tests running in another process. They need no API key, are never rate-limited
 * or faulted and stay out of the request log. Bodies are read as JSON whatever the content type (curl -d).
 */
export const CONTROL_PREFIX = '/__sandbox/';

type ControlHandler = (sandbox: Sandbox, body: unknown) => unknown;

// The settings methods validate their argument and throw a TypeError, answered as a 400.
const CONTROL_ROUTES = new Map<string, ControlHandler>([
  ['GET /__sandbox/state', (sandbox) => sandbox.state],
  ['GET /__sandbox/requests', (sandbox) => sandbox.requests],
  ['POST /__sandbox/reset', (sandbox, body) => sandbox.reset(isRecord(body) ? (body.seed as SeedOption) : undefined)],
  ['POST /__sandbox/faults', (sandbox, body) => sandbox.setFaults((body ?? null) as FaultOptions | null)],
  ['POST /__sandbox/rate-limit', (sandbox, body) => sandbox.setRateLimit(body as RateLimitOptions | false)],
  ['POST /__sandbox/script', (sandbox, body) => sandbox.script(...scriptOf(body))],
  ['POST /__sandbox/clear-log', (sandbox) => sandbox.clearLog()],
]);

export function isControlPath(path: string): boolean {
  return path.startsWith(CONTROL_PREFIX);
}

export function handleControl(sandbox: Sandbox, method: string, path: string, bodyText: string): Reply {
  const handler = CONTROL_ROUTES.get(`${method} ${path}`);
  if (!handler) return errorReply(notFound(`Cannot ${method} ${path}`));
  const body = parseJson(bodyText);
  if (!body.ok) return errorReply(body.error);
  try {
    return { status: 200, body: handler(sandbox, body.value) ?? { ok: true } };
  } catch (error) {
    if (error instanceof TypeError) return errorReply(new HttpError(400, error.message));
    throw error;
  }
}

function scriptOf(body: unknown): ScriptedFault[] {
  if (!Array.isArray(body)) throw new TypeError('the script must be an array of faults');
  return body as ScriptedFault[];
}
