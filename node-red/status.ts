/** A node's status, sent at most once per interval: the latest one wins, and the last one is always sent. */
import type { NodeStatus, RedNode } from './types';

/** At most four status updates per second. */
export const STATUS_INTERVAL_MS = 250;

export interface ThrottledStatus {
  /** Shows `status` now, or at the end of the current interval if one was shown less than an interval ago. */
  set(status: NodeStatus): void;
  /** Drops a status not yet shown (on close). */
  stop(): void;
}

export function throttledStatus(node: RedNode, intervalMs = STATUS_INTERVAL_MS): ThrottledStatus {
  let lastAt = -Infinity;
  let lastShown = '';
  let pending: NodeStatus | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function show() {
    timer = undefined;
    if (!pending || stopped) return;
    const status = pending;
    pending = undefined;
    const key = JSON.stringify(status);
    if (key === lastShown) return;
    lastShown = key;
    lastAt = Date.now();
    node.status(status);
  }

  return {
    set(status) {
      if (stopped) return;
      pending = status;
      if (timer) return;
      const wait = lastAt + intervalMs - Date.now();
      if (wait <= 0) show();
      else timer = setTimeout(show, wait);
    },
    stop() {
      stopped = true;
      pending = undefined;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
