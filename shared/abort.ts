/**
 * Cancellation that stays cheap over a long run with many calls.
 *
 * Every call gets its own AbortController. A caller's signal is often long-lived (a Node-RED node's, an n8n
 * execution's) and shared by thousands of calls; on Node 20, `AbortSignal.any([caller, ...])` per call
 * leaks memory on such a signal (nodejs/node#55351), and adding one listener per call is slow (each
 * addEventListener looks at every listener already there). So each caller signal gets ONE listener, which
 * aborts the controllers of the calls following it at that moment.
 */

/** How long close() lets requests already on the wire bring their answer before abandoning them. */
export const CLOSE_GRACE_MS = 1_000;

/** One call under way: its controller, and its request while one is on the wire. */
export interface Call {
  readonly controller: AbortController;
  wire?: Promise<unknown>;
}

const followers = new WeakMap<AbortSignal, Set<AbortController>>();

/** Aborts `controller` when `signal` aborts, through one listener per signal, whatever the number of calls. */
export function follow(signal: AbortSignal, controller: AbortController): void {
  if (signal.aborted) {
    controller.abort(signal.reason);
    return;
  }
  let controllers = followers.get(signal);
  if (!controllers) {
    const set = (controllers = new Set());
    followers.set(signal, set);
    signal.addEventListener('abort', () => abortAll([...set], signal.reason), { once: true });
  }
  controllers.add(controller);
}

/** Stops following: the call is over. */
export function unfollow(signal: AbortSignal, controller: AbortController): void {
  followers.get(signal)?.delete(controller);
}

/** How many calls follow a signal now (for tests). */
export function followerCount(signal: AbortSignal): number {
  return followers.get(signal)?.size ?? 0;
}

/** Aborts every controller with one shared reason (no Error object, no stack trace per call). */
export function abortAll(controllers: Iterable<AbortController>, reason: unknown): void {
  for (const controller of controllers) controller.abort(reason);
}

/** Sends a request and keeps it on the call while it is on the wire. */
export function onWire<T>(call: Call, send: () => Promise<T>): Promise<T> {
  const wire = send();
  call.wire = wire;
  const clear = () => {
    if (call.wire === wire) call.wire = undefined;
  };
  wire.then(clear, clear);
  return wire;
}

/** Resolves when every promise has settled, or after `ms`, whichever comes first. */
export function settledWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([Promise.allSettled(promises).then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Builds an error without capturing a stack trace. A cancelled call's stack says nothing (it is an
 * asynchronous continuation), and capturing 80,000 of them at once, when a redeploy cancels a big bulk
 * run, blocks the event loop for seconds.
 */
export function withoutStack<E extends Error>(build: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
