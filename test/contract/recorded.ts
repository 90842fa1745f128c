/**
 * What a saved node sent to the sandbox, compared with what it sent when its fixture was made. The expected
 * requests were recorded once, with the release the fixtures come from (MEMBERSPOT_RECORD_FIXTURES=1); later
 * runs only compare, and never overwrite a recorded entry.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { RequestLogEntry } from '../../sandbox';

/** Actions added after 0.1.0: the 0.1.0 fixtures cannot have them (each has its own tests). */
export const ADDED_AFTER_0_1_0: readonly string[] = ['setOrderState'];

export interface SentRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface Recorded {
  /** The requests the node sent, in order. */
  requests: SentRequest[];
  /** Whether the node ended with a result (true) or an error. */
  ok: boolean;
}

export function sent(log: readonly RequestLogEntry[]): SentRequest[] {
  return log.filter((r) => r.path.startsWith('/v1')).map((r) => ({ method: r.method, path: r.path, query: r.query, body: r.body ?? null }));
}

/**
 * The recording in `file`. With MEMBERSPOT_RECORD_FIXTURES=1, entries it lacks are added from `actual`
 * (entries already there are never changed).
 */
export function expectedFor(file: string, actual: Record<string, Recorded>): Record<string, Recorded> {
  const recorded = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Recorded>) : {};
  if (process.env.MEMBERSPOT_RECORD_FIXTURES === '1') {
    writeFileSync(file, `${JSON.stringify({ ...actual, ...recorded }, null, 2)}\n`);
    return { ...actual, ...recorded };
  }
  if (!existsSync(file)) throw new Error(`${file} is missing: the recorded requests of the fixture release must be committed`);
  return recorded;
}

/** The recorded entry for `key`, or an error that says it is missing. */
export function entry(expected: Record<string, Recorded>, key: string): Recorded {
  const found = expected[key];
  if (!found) throw new Error(`no recorded requests for ${key}: the fixture and its recording must come from the same release`);
  return found;
}
