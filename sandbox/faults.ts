import { errorBody, THROTTLER_MESSAGE, throttledReply, type Reply } from './http';
import { validateFaults, validateScript } from './options';
import type { FaultOptions, FaultRequest, ScriptedFault } from './types';

/** What happens to a request before it is processed: wait `delayMs`, then process it, drop it, or answer for it. */
export type FaultAction =
  | { kind: 'proceed'; delayMs: number }
  | { kind: 'reset'; delayMs: number }
  | { kind: 'respond'; delayMs: number; reply: Reply };

const DEFAULT_PATH_PREFIX = '/v1';
const DEFAULT_ERROR_STATUSES = [500, 503];

/** Random and scripted faults. A fault never touches the state: it decides before the request is processed. */
export class FaultInjector {
  private options: FaultOptions = {};
  private readonly scripted: ScriptedFault[] = [];

  configure(options: FaultOptions | null): void {
    this.options = validateFaults(options) ?? {};
  }

  enqueue(faults: ScriptedFault[]): void {
    this.scripted.push(...validateScript(faults));
  }

  clear(): void {
    this.options = {};
    this.scripted.length = 0;
  }

  /** Scripted faults come first, one per matching request; only then the random ones. */
  decide(rawPath: string, request: FaultRequest = { method: 'GET', path: rawPath, body: '' }): FaultAction {
    if (!rawPath.startsWith(this.options.pathPrefix ?? DEFAULT_PATH_PREFIX)) return { kind: 'proceed', delayMs: 0 };
    const scripted = this.scripted.shift();
    return scripted ? fromScript(scripted) : this.roll(request);
  }

  /** Draws from the PRNG only for the faults that are configured, so an injected sequence stays predictable. */
  private roll(request: FaultRequest): FaultAction {
    const { latencyMs = 0, latencyRate = 1, resetRate = 0, rateLimitBurstRate = 0, errorRate = 0 } = this.options;
    const random = this.options.randomFor?.(request) ?? this.options.random ?? Math.random;
    const happens = (rate: number) => rate > 0 && random() < rate;

    const delayMs = latencyMs > 0 && happens(latencyRate) ? latencyMs : 0;
    if (happens(resetRate)) return { kind: 'reset', delayMs };
    if (happens(rateLimitBurstRate)) return { kind: 'respond', delayMs, reply: throttledReply(1) };
    if (happens(errorRate)) {
      const statuses = this.options.errorStatuses ?? DEFAULT_ERROR_STATUSES;
      const status = statuses[Math.floor(random() * statuses.length)];
      return { kind: 'respond', delayMs, reply: { status, body: injectedErrorBody(status) } };
    }
    return { kind: 'proceed', delayMs };
  }
}

function fromScript(fault: ScriptedFault): FaultAction {
  if ('reset' in fault) return { kind: 'reset', delayMs: 0 };
  if ('delayMs' in fault) return { kind: 'proceed', delayMs: fault.delayMs };
  // A scripted 429 without `retryAfter` has no Retry-After header: clients must cope with both.
  const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter };
  return { kind: 'respond', delayMs: 0, reply: { status: fault.status, headers, body: fault.body ?? injectedErrorBody(fault.status) } };
}

function injectedErrorBody(status: number) {
  return errorBody(status, status === 429 ? THROTTLER_MESSAGE : 'Injected fault');
}
