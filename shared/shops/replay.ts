/**
 * What the trigger remembers between notifications, kept compact (it is saved with the n8n workflow's static
 * data or in a Node-RED context store): hashes, not order ids or e-mail addresses, each with its expiry.
 *
 * - `ended`: orders seen refunded or charged back, for 30 days: a later `purchase` for one of them (a captured
 *   notification sent again) gives nothing back.
 * - `seen`: the shops' unique keys of notifications seen, for 30 days, to mark repeats `duplicate: true`.
 *   At most MAX_SEEN entries (the oldest go first).
 */
import { createHash } from 'node:crypto';

export const REPLAY_DAYS = 30;
export const REPLAY_MS = REPLAY_DAYS * 24 * 60 * 60 * 1000;
export const MAX_SEEN = 5000;
export const MAX_ENDED = 20000;

export interface ReplayMemory {
  ended?: Record<string, number>;
  seen?: Record<string, number>;
}

function key(shop: string, kind: string, value: string): string {
  return createHash('sha256').update(`${shop}\0${kind}\0${value}`, 'utf8').digest('base64url').slice(0, 22);
}

function prune(map: Record<string, number>, now: number, max: number): void {
  for (const [k, expires] of Object.entries(map)) if (!(expires > now)) delete map[k];
  const keys = Object.keys(map);
  if (keys.length > max) {
    keys.sort((a, b) => map[a] - map[b]);
    for (const k of keys.slice(0, keys.length - max)) delete map[k];
  }
}

/** Whether this order was seen refunded or charged back within the last 30 days. */
export function orderEnded(memory: ReplayMemory, shop: string, orderId: string, now: number): boolean {
  const expires = memory.ended?.[key(shop, 'order', orderId)];
  return expires !== undefined && expires > now;
}

export function rememberEnded(memory: ReplayMemory, shop: string, orderId: string, now: number): void {
  memory.ended = memory.ended ?? {};
  prune(memory.ended, now, MAX_ENDED);
  memory.ended[key(shop, 'order', orderId)] = now + REPLAY_MS;
}

/** Remembers a notification's unique key; true when it was seen before (within 30 days). */
export function markSeen(memory: ReplayMemory, shop: string, uniqueKey: string, now: number): boolean {
  memory.seen = memory.seen ?? {};
  prune(memory.seen, now, MAX_SEEN);
  const k = key(shop, 'seen', uniqueKey);
  const before = memory.seen[k];
  memory.seen[k] = now + REPLAY_MS;
  return before !== undefined && before > now;
}
