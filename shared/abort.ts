/**
 * Cancellation that stays cheap over a long run with many calls.
 *
 * A caller's signal is often long-lived (a Node-RED node's, an n8n execution's) and shared by thousands of
 * calls. On Node 20, `AbortSignal.any([caller, ...])` per call leaks memory on such a signal
 * (nodejs/node#55351), and adding one listener per call is slow (each addEventListener looks at every
 * listener already there). So each call has its own small cancellation object (a Call), each caller signal
 * gets ONE listener, which cancels the calls following it at that moment, and a real AbortController is
 * only made for a call when its request goes on the wire (the transport needs an AbortSignal): a call
 * that waits costs a few small objects, however many wait.
 */

/** How long close() lets requests already on the wire bring their answer before abandoning them. */
export const CLOSE_GRACE_MS = 1_000;
/**
 * Calls cancelled per turn of the event loop. Rejecting a call runs its whole chain of promises (the
 * limiter, the retry loop, the redaction, the host's handler): tens of thousands at once would block the
 * event loop for seconds, so they are cancelled in slices, each followed by a turn of the event loop.
 */
const CANCEL_SLICE = 250;

/** What the limiter and the retry loop need of a signal: an AbortSignal has it, and so has a Call. */
export interface Cancellable {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** One call under way: cancelled by its client's closing, its caller's signal, or `abort()`. */
export class Call implements Cancellable {
  aborted = false;
  reason: unknown = undefined;
  /** The request while it is on the wire. */
  wire?: Promise<unknown>;
  #listeners?: Array<() => void>;
  #controller?: AbortController;

  /** `sources`: the signals that cancel the call (see `cancelled`). */
  constructor(private readonly sources: AbortSignal[]) {}

  /** Aborted, or about to be: a source aborted and the abort has not reached this call yet. Not to be sent. */
  get cancelled(): boolean {
    return this.aborted || this.sources.some((source) => source.aborted);
  }

  /** A real AbortSignal for the transport, made when the request goes on the wire. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  /** Listeners are called once, on abort (as with `{ once: true }`). */
  addEventListener(_type: 'abort', listener: () => void): void {
    (this.#listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.#listeners;
    const index = listeners ? listeners.indexOf(listener) : -1;
    if (index >= 0) listeners!.splice(index, 1);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.#controller?.abort(reason);
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }
}

const followers = new WeakMap<AbortSignal, Set<Call>>();

/** Starts a call, cancelled when `closing` or the caller's signal aborts. */
export function startCall(closing: AbortSignal, caller: AbortSignal | undefined): Call {
  const call = new Call(caller ? [closing, caller] : [closing]);
  if (caller) follow(caller, call);
  return call;
}

/** Ends a call: the caller's signal no longer holds it. */
export function endCall(call: Call, caller: AbortSignal | undefined): void {
  if (caller) followers.get(caller)?.delete(call);
}

/** Aborts `call` when `signal` aborts, through one listener per signal, whatever the number of calls. */
function follow(signal: AbortSignal, call: Call): void {
  if (signal.aborted) {
    call.abort(signal.reason);
    return;
  }
  let calls = followers.get(signal);
  if (!calls) {
    const set = (calls = new Set());
    followers.set(signal, set);
    signal.addEventListener('abort', () => void abortAll([...set], signal.reason), { once: true });
  }
  calls.add(call);
}

/** How many calls follow a signal now (for tests). */
export function followerCount(signal: AbortSignal): number {
  return followers.get(signal)?.size ?? 0;
}

/** Whether a call (or signal) is aborted, or about to be: such a call must not be sent any more. */
export function isCancelled(signal: Cancellable | undefined): boolean {
  if (!signal) return false;
  return signal instanceof Call ? signal.cancelled : signal.aborted;
}

/**
 * Aborts every call with one shared reason (no Error object, no stack trace per call), in slices of
 * CANCEL_SLICE per turn of the event loop; the calls count as cancelled before (see Call.cancelled), so
 * that none is sent while it waits for its slice. Resolves when all are aborted.
 */
export function abortAll(calls: Call[], reason: unknown): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    const slice = () => {
      const end = Math.min(next + CANCEL_SLICE, calls.length);
      for (; next < end; next += 1) calls[next].abort(reason);
      if (next < calls.length) setImmediate(slice);
      else resolve();
    };
    slice();
  });
}

/** The rejection of a send refused because the call is cancelled (the client then throws its own error). */
const NOT_SENT = new Error('The call was cancelled before it was sent.');

/** Sends a request, unless the call is cancelled, and keeps it on the call while it is on the wire. */
export function onWire<T>(call: Call, send: () => Promise<T>): Promise<T> {
  if (call.cancelled) return Promise.reject(NOT_SENT);
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

/** Settles with the promise, or rejects as soon as the signal aborts (the promise's own outcome is then ignored). */
export function untilAborted<T>(promise: Promise<T>, signal: Cancellable): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
