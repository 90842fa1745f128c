/**
 * The Redis side of the limiter: one connection per Redis URL in the process, shared by every account's
 * clustered limiter, so that several processes (n8n queue-mode workers, Node-RED instances) keep one
 * Memberspot account within one limit together. bottleneck does the clustering; ioredis the connection.
 */
import Bottleneck from 'bottleneck';
import { createHash } from 'node:crypto';
import type IORedis from 'ioredis';

/** How long to wait for Redis before falling back to the process's own limit. */
export const REDIS_READY_TIMEOUT_MS = 3_000;

/** A Redis URL fit for messages: without its password. */
export function displayRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'the configured Redis URL';
  }
}

/** The password in a Redis URL, to be redacted from every message. */
export function redisPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

export function validateRedisUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError('redisUrl must be a URL such as redis://127.0.0.1:6379');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RangeError('redisUrl must start with redis:// or rediss://');
  }
}

/**
 * ioredis, loaded on first use: only a client with a Redis URL needs it, so a process without Redis never
 * loads it (nor its dependencies).
 */
function loadIORedis(): typeof IORedis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('ioredis') as typeof IORedis;
}

class RedisLink {
  readonly connection: Bottleneck.IORedisConnection;
  readonly client: IORedis;
  users = 0;

  constructor(url: string) {
    const Redis = loadIORedis();
    const client = new Redis(url, {
      // Fail commands at once while disconnected instead of queueing them: the limiter then falls back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: REDIS_READY_TIMEOUT_MS,
      // A Redis that keeps the connection open but stops answering fails commands too, instead of
      // holding them (and the limiter's turn) forever.
      commandTimeout: REDIS_READY_TIMEOUT_MS,
      // Keep reconnecting in the background, at most every 5 s, for as long as the process runs.
      retryStrategy: (times) => Math.min(times * 500, 5_000),
    });
    // Connection errors surface through the limiter's fallback; without a listener ioredis would log them.
    client.on('error', () => undefined);
    this.client = client;
    this.connection = new Bottleneck.IORedisConnection({ client, Redis });
    this.connection.on('error', () => undefined);
  }
}

const LINKS = Symbol.for('@memberflow/memberspot.redis.v1');

/** Links are keyed by a hash of the URL, never the URL itself: it may hold a password. */
function linkKey(url: string): string {
  return createHash('sha256').update(url).digest('hex');
}

function links(): Map<string, RedisLink> {
  const holder = globalThis as typeof globalThis & { [LINKS]?: Map<string, RedisLink> };
  return (holder[LINKS] ??= new Map());
}

export function acquireRedis(url: string): Bottleneck.IORedisConnection {
  const key = linkKey(url);
  let link = links().get(key);
  if (!link) {
    link = new RedisLink(url);
    links().set(key, link);
  }
  link.users += 1;
  return link.connection;
}

/**
 * The send gate (see RedisLane), in one step on Redis's own clock. KEYS[1]: when the gate last let a call
 * through; KEYS[2]: the lane's last ARGV[2] calls, newest first, each `p:<let through at>:<token>` until
 * it is on the wire, then `s:<sent at>`. Answers 0 and records the call when it may go now, else the ms to
 * wait: until the last call let through is ARGV[1] ms ago, until the ARGV[2]-th last call was sent
 * ARGV[3] ms ago, or (5 ms steps) until that call is sent, for at most ARGV[5] ms after it was let
 * through. (TIME before a write is allowed in scripts since Redis 5.)
 */
const SEND_GATE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local left = last + tonumber(ARGV[1]) - now
if left > 0 then return left end
local count = tonumber(ARGV[2])
if count > 0 then
  local oldest = redis.call('LINDEX', KEYS[2], count - 1)
  if oldest then
    local kind, at = string.match(oldest, '^(%a):(%d+)')
    at = tonumber(at)
    if kind == 'p' and now - at < tonumber(ARGV[5]) then return 5 end
    local wait = at + tonumber(ARGV[3]) - now
    if wait > 0 then return wait end
  end
  redis.call('LPUSH', KEYS[2], 'p:' .. now .. ':' .. ARGV[4])
  redis.call('LTRIM', KEYS[2], 0, count - 1)
  redis.call('PEXPIRE', KEYS[2], 60000)
end
redis.call('SET', KEYS[1], now, 'PX', 60000)
return 0`;

/** The call let through with ARGV[1] is on the wire now: its entry in KEYS[1] becomes `s:<now>`. */
const MARK_SENT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local suffix = ':' .. ARGV[1]
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
for i, entry in ipairs(entries) do
  if string.sub(entry, 1, 2) == 'p:' and string.sub(entry, -#suffix) == suffix then
    redis.call('LSET', KEYS[1], i - 1, 's:' .. now)
    return 1
  end
end
return 0`;

export interface SendGateArgs {
  spacing: number;
  count: number;
  windowMs: number;
  token: string;
  holdMs: number;
}

/** Asks the send gate of lane `key` (the URL's link must be acquired). Rejects when Redis fails. */
export async function reserveSend(url: string, key: string, gate: SendGateArgs): Promise<number> {
  const link = links().get(linkKey(url));
  if (!link) throw new Error('the Redis connection is closed');
  const args = [gate.spacing, gate.count, gate.windowMs, gate.token, gate.holdMs].map(String);
  return Number(await link.client.eval(SEND_GATE, 2, `${key}:sent`, `${key}:window`, ...args));
}

/** Tells the send gate of lane `key` that the call let through with `token` is on the wire. */
export async function markSent(url: string, key: string, token: string): Promise<void> {
  const link = links().get(linkKey(url));
  if (!link) throw new Error('the Redis connection is closed');
  await link.client.eval(MARK_SENT, 1, `${key}:window`, token);
}

export async function releaseRedis(url: string): Promise<void> {
  const key = linkKey(url);
  const link = links().get(key);
  if (!link) return;
  link.users -= 1;
  if (link.users > 0) return;
  links().delete(key);
  await link.connection.disconnect(false).catch(() => undefined);
}

/** Rejects after `ms` unless the promise settles first. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
