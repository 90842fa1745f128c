/**
 * Writes for the same member or order keep their order across retries, in one process.
 *
 * A failed attempt waits its backoff (or Retry-After) and is sent again; without this, a later call for the
 * same member could be sent meanwhile and the retry land last: `active:false` (503), then `active:true`, then
 * the retried `active:false` left the member inactive although the last word was active. So a write waits
 * until every earlier write of the same account that shares a key with it has finished, retries included.
 *
 * The keys are the member (`user:<email>`, for `email` and each of `emails`) and the order (`order:<id>`)
 * of the validated input; a key covers email + offer and email + order too (coarser, never looser). Reads
 * (GET) and writes without such a field (Make an API Call) take no key. Queues are per account (base URL and
 * a hash of the key), shared by every client of the process; nothing crosses processes.
 */

type Release = () => void;

const tails = new Map<string, Promise<void>>();

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The keys a write takes: its member(s) and its order, from the validated input. */
export function writeKeys(input: unknown): string[] {
  if (!isObject(input)) return [];
  const keys = new Set<string>();
  const emails = [input.email, ...(Array.isArray(input.emails) ? input.emails : [])];
  for (const email of emails) if (typeof email === 'string' && email.trim() !== '') keys.add(`user:${email.trim().toLowerCase()}`);
  if (typeof input.orderId === 'string' && input.orderId.trim() !== '') keys.add(`order:${input.orderId.trim()}`);
  return [...keys];
}

/**
 * Takes the write's place behind every earlier write of `account` with one of `keys`, at once (so that the
 * order is the order of the calls, and two writes never wait for each other). `ready` resolves when those
 * have finished; `release` ends this write's turn (after its last attempt, or when it gives up), but a later
 * write still never overtakes an earlier one that is waiting.
 */
export function enterWrite(account: string, keys: readonly string[]): { ready: Promise<void>; release: Release } {
  if (keys.length === 0) return { ready: Promise.resolve(), release: () => undefined };
  const before: Array<Promise<void>> = [];
  let finish!: () => void;
  const mine = new Promise<void>((resolve) => (finish = resolve));
  const names = keys.map((key) => `${account} ${key}`);
  for (const name of names) {
    const tail = tails.get(name);
    if (tail) before.push(tail);
  }
  const ready = Promise.all(before).then(() => undefined);
  // This write's turn ends when it is released and every earlier one has ended (a write that gave up while
  // waiting must not let a later one overtake the one it waited for).
  const done = Promise.all([mine, ready]).then(() => undefined);
  for (const name of names) tails.set(name, done);
  void done.then(() => {
    for (const name of names) if (tails.get(name) === done) tails.delete(name);
  });
  let released = false;
  return {
    ready,
    release: () => {
      if (released) return;
      released = true;
      finish();
    },
  };
}

/** How many keys have writes under way (for tests: it drains to 0). */
export function writesUnderWay(): number {
  return tails.size;
}
