/**
 * The window a limited lane keeps between what goes on the wire (./lane; ./redis keeps the same window in
 * Redis for several processes).
 *
 * Turns are spaced (./limiter spacingFor), but a call reaches the server some time after its turn: the
 * host reads the credential, a cold lane opens its first connection, a busy event loop runs other work
 * first. When that delay is long for one call (the first of a burst: 23–67 ms in n8n, more under load)
 * and short for the calls after it, the spacing between turns no longer holds at the server, and a strict
 * sliding window sees one call too many. So each call tells the lane when it is on the wire (the
 * transport's `onSent`, or when it ended if the transport cannot tell), and a call may start only when the
 * `count`-th call before it was sent at least the window ago: whatever the delay of any call, no window of
 * `ms` at the server ever holds more than `count` calls. The window only holds a call back when such a
 * delay ate the spacing's margin; otherwise the spacing alone decides.
 */

/**
 * Added to the window: the time between "written to the connection" here and "counted" by the server
 * (loopback or network jitter, the server's own event loop).
 */
export const WIRE_MARGIN_MS = 25;
/**
 * The longest a call waits for an earlier call to go on the wire. A call still not sent by then (a
 * connection that takes long to open, a process that died after its turn) counts as sent when its turn
 * started, so that a lost call never blocks the lane.
 */
export const SEND_HOLD_MS = 2_000;
/** The most calls a window counts (a high configured rate is kept as several shorter windows). */
const MAX_WINDOW_COUNT = 50;

export interface SendWindowSettings {
  /** Calls per window. */
  count: number;
  /** The window in ms, margin included. */
  ms: number;
}

/** The window for a rate: `floor(rate)` calls per `floor(rate)` seconds' worth of the rate, plus the margin. */
export function sendWindowFor(requestsPerSecond: number): SendWindowSettings {
  const count = Math.max(1, Math.min(MAX_WINDOW_COUNT, Math.floor(requestsPerSecond)));
  return { count, ms: Math.ceil((count * 1000) / requestsPerSecond) + WIRE_MARGIN_MS };
}

interface SendRecord {
  startedAt: number;
  sentAt?: number;
  sent: Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The last calls of a lane in this process, and when each went on the wire. */
export class SendLog {
  private records: SendRecord[] = [];

  constructor(private settings: SendWindowSettings) {}

  set(settings: SendWindowSettings): void {
    this.settings = settings;
  }

  /** A call starts now; the function returned marks it sent (only its first call counts). */
  record(): () => void {
    let resolve!: () => void;
    const record: SendRecord = { startedAt: Date.now(), sent: new Promise<void>((r) => (resolve = r)) };
    this.records.push(record);
    while (this.records.length > this.settings.count) this.records.shift();
    return () => {
      if (record.sentAt !== undefined) return;
      record.sentAt = Date.now();
      resolve();
    };
  }

  /** Resolves when one more call may start: the `count`-th last call went on the wire at least the window ago. */
  async ready(): Promise<void> {
    const { count, ms } = this.settings;
    if (this.records.length < count) return;
    const oldest = this.records[this.records.length - count];
    if (oldest.sentAt === undefined) {
      let timer: NodeJS.Timeout | undefined;
      const hold = new Promise<void>((resolve) => (timer = setTimeout(resolve, oldest.startedAt + SEND_HOLD_MS - Date.now())));
      await Promise.race([oldest.sent, hold]).finally(() => clearTimeout(timer));
    }
    const at = oldest.sentAt ?? oldest.startedAt;
    const left = at + ms - Date.now();
    if (left > 0) await sleep(left);
  }
}
