/** The queue of calls waiting for their turn in a limiter lane (./lane). */
import type { Cancellable } from '../abort';

/** Called when a started call is on the wire (written to the connection), or has ended without it. */
export type Sent = () => void;

/** A call waiting for its turn in a lane: a node of the lane's doubly linked queue. */
export interface Waiting {
  /** Starts the call; `sent` is called once it is on the wire (./lane keeps the window from it). */
  start(sent: Sent): void;
  signal?: Cancellable;
  prev?: Waiting;
  next?: Waiting;
  queued: boolean;
}

/** First in, first out, with removal of any entry in constant time (a cancelled call leaves at once). */
export class WaitQueue {
  private head?: Waiting;
  private tail?: Waiting;
  length = 0;

  push(entry: Waiting): void {
    entry.prev = this.tail;
    entry.next = undefined;
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    entry.queued = true;
    this.length += 1;
  }

  shift(): Waiting | undefined {
    const entry = this.head;
    if (entry) this.remove(entry);
    return entry;
  }

  remove(entry: Waiting): void {
    if (!entry.queued) return;
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = entry.next = undefined;
    entry.queued = false;
    this.length -= 1;
  }
}
