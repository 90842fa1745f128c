/**
 * The poll triggers' core (n8n's Memberspot Polling Trigger, Node-RED's memberspot-poll): one poll reads
 * every page of List Users through the client (and so its limiter and retries), compares what it read with
 * the state the last poll left, and returns the events and the new state. The host stores the state only
 * when the poll completed, so a poll that fails part-way emits nothing and the next one catches up.
 *
 * Events:
 * - `newMember`: a user (by uid) not listed at the last poll;
 * - `accessGranted`: a user listed with `offerId` = the Access ID and `active` = true who was not at the last poll;
 * - `accessEnded`: a user listed so at the last poll and not now (revoked, deleted or expired: the API does
 *   not tell which).
 *
 * The state is compact: for `newMember` an 8-byte hash of each uid (one base64 string), for the access events
 * each holder's uid and email (an `accessEnded` event must name who lost the access, also a deleted user).
 * Safety: a page without a known list shape, or a user without a uid, fails the poll; and a poll in which
 * more than half (and at least MASS_CHANGE_MIN) of the users or holders known at the last poll vanish fails
 * with a MassChangeError unless the user confirmed mass changes.
 */
import { createHash } from 'node:crypto';
import { actions } from '../actions';
import type { JsonObject } from '../actions/normalize';
import { pickString } from '../actions/normalize';
import type { MemberspotClient } from '../client';
import { ApiError, MemberspotError, ValidationError } from '../errors';
import { readUsersPage, userFields } from '../users';

export const POLL_EVENTS = ['newMember', 'accessGranted', 'accessEnded'] as const;
export type PollEventName = (typeof POLL_EVENTS)[number];

/** Users per List Users request: the most the API allows (List Users' paging). */
export const POLL_PAGE_LENGTH = actions.listUsers.paging?.maxPageSize ?? 100;
/** Bytes of the uid hash kept per user for `newMember`. */
export const HASH_BYTES = 8;
/** The safety stop: more than this share of the known users or holders gone at once ... */
export const MASS_CHANGE_SHARE = 0.5;
/** ... and at least this many. */
export const MASS_CHANGE_MIN = 10;
/** The state format; a state of another version is not read (the next poll takes a new baseline). */
export const STATE_VERSION = 1;

export const EVENT_LABELS: Record<PollEventName, string> = {
  newMember: 'New Member',
  accessGranted: 'Access Granted',
  accessEnded: 'Access Ended',
};

/** What a poll keeps between polls (JSON; n8n's workflow static data, Node-RED's context store). */
export interface PollState {
  v: typeof STATE_VERSION;
  event: PollEventName;
  /** The Access ID (access events). */
  accessId?: string;
  /** When the poll that wrote this state completed (ISO). */
  polledAt: string;
  /** `newMember`: the uid hashes of every listed user, HASH_BYTES each, as one base64 string. */
  seen?: string;
  /** Access events: uid -> email of every holder. */
  holders?: Record<string, string>;
}

/** One event as both hosts emit it (n8n: an item's json; Node-RED: msg.payload). */
export interface PollEvent {
  event: PollEventName;
  uid: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  /** Access events only. */
  accessId?: string;
  /** When the poll found it (ISO). */
  detectedAt: string;
  /** The user record as listed; for `accessEnded` only `{ uid, email }` (the user is no longer listed as a holder). */
  user: JsonObject;
}

export interface PollSettings {
  event: unknown;
  /** Required for the access events. */
  accessId?: unknown;
  /** Let a poll through in which more than half of the known users or holders vanished. */
  confirmMassChanges?: boolean;
  /** First poll: emit every listed user (Node-RED's option) instead of only taking the baseline. */
  emitOnFirstPoll?: boolean;
  signal?: AbortSignal;
  /** The clock, for tests. */
  now?: () => Date;
}

export interface PollResult {
  events: PollEvent[];
  /** The state to store (only now that the poll completed). */
  state: PollState;
  /** No usable state was given: this poll took the baseline. */
  baseline: boolean;
  /** Users (newMember) or holders (access events) listed. */
  listed: number;
  /** List Users requests sent (pages). */
  pages: number;
}

/** The safety stop: too many of the known users or holders vanished at once. */
export class MassChangeError extends MemberspotError {
  override name = 'MassChangeError';
  readonly known: number;
  readonly vanished: number;
  constructor(what: string, known: number, vanished: number) {
    super(
      'MASS_CHANGE',
      `Safety stop: ${vanished} of the ${known} ${what} known at the last poll are gone at once (more than half), so this poll sent no events and kept its state.`,
      {
        actionId: 'listUsers',
        hint: 'This often means an answer in an unexpected shape or a wrong filter. If the change is real (e.g. a bulk revoke), turn on "Confirm mass changes" for one poll, then turn it off again.',
      },
    );
    this.known = known;
    this.vanished = vanished;
  }
}

interface Settings {
  event: PollEventName;
  accessId?: string;
  confirm: boolean;
  emitOnFirstPoll: boolean;
  signal?: AbortSignal;
  now: () => Date;
}

/** The settings, checked; a ValidationError naming the field otherwise. */
export function pollSettings(settings: PollSettings): Settings {
  const event = typeof settings.event === 'string' ? settings.event.trim() : settings.event;
  if (!POLL_EVENTS.includes(event as PollEventName)) {
    throw new ValidationError([{ field: 'event', message: `must be one of ${POLL_EVENTS.join(', ')}, not ${JSON.stringify(settings.event)}` }], {
      actionId: 'listUsers',
    });
  }
  let accessId: string | undefined;
  if (event !== 'newMember') {
    accessId = typeof settings.accessId === 'string' ? settings.accessId.trim() : undefined;
    if (!accessId) {
      throw new ValidationError(
        [{ field: 'accessId', message: `is required for ${event}: pick the offer (Access ID) whose holders to watch${settings.accessId === undefined || settings.accessId === '' ? '' : `, not ${JSON.stringify(settings.accessId)}`}` }],
        { actionId: 'listUsers' },
      );
    }
  }
  return {
    event: event as PollEventName,
    accessId,
    confirm: settings.confirmMassChanges === true,
    emitOnFirstPoll: settings.emitOnFirstPoll === true,
    signal: settings.signal,
    now: settings.now ?? (() => new Date()),
  };
}

function misread(message: string, page: number): ApiError {
  return new ApiError(`${message} (List Users, page ${page}), so this poll sent no events and kept its state.`, {
    actionId: 'listUsers',
    hint: 'The answer is not in a shape this node knows; the next poll tries again. If it stays so, report it with the answer (without your API key).',
  });
}

interface Listed {
  uid: string;
  email?: string;
  record: JsonObject;
}

/**
 * Every user (newMember) or holder (access events) page by page, POLL_PAGE_LENGTH at a time, read strictly.
 * Without a cursor field in the answer (a bare array), a full page continues after its last uid.
 */
async function* listed(client: MemberspotClient, settings: Settings, counter: { pages: number }): AsyncGenerator<Listed[]> {
  const filter = settings.event === 'newMember' ? {} : { accessId: settings.accessId, active: true };
  const cursors = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    let body: unknown;
    counter.pages += 1;
    await client.execute('listUsers', { ...filter, pageLength: POLL_PAGE_LENGTH, lastLoadedId: cursor }, { signal: settings.signal, onBody: (b) => (body = b) });
    const page = readUsersPage(body);
    if (!page) throw misread('Memberspot answered with no list of users (no "data", "users" or bare array of user objects)', counter.pages);
    const users = page.users.map((record, index) => {
      const { uid, email } = userFields(record);
      if (!uid) throw misread(`User ${index + 1} of the page has no uid (no "uid", "userId" or "id")`, counter.pages);
      return { uid, email, record };
    });
    yield users;
    const next = page.cursor === undefined ? (users.length >= POLL_PAGE_LENGTH ? users[users.length - 1].uid : null) : page.cursor;
    if (next === null || users.length === 0) return;
    if (cursors.has(next)) {
      throw new ApiError('Memberspot returned a page cursor it had returned before, so this poll stopped (no events, state kept).', {
        actionId: 'listUsers',
        hint: 'The next poll tries again.',
      });
    }
    cursors.add(next);
    cursor = next;
  }
}

/** The uid's hash as kept in the state (HASH_BYTES of its SHA-256). */
export function uidHash(uid: string): Buffer {
  return createHash('sha256').update(uid).digest().subarray(0, HASH_BYTES);
}

/** The stored state when it is one for these settings; undefined (take a baseline) otherwise. */
function usableState(stored: unknown, settings: Settings): PollState | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined;
  const state = stored as Partial<PollState>;
  if (state.v !== STATE_VERSION || state.event !== settings.event || (state.accessId ?? undefined) !== settings.accessId) return undefined;
  if (settings.event === 'newMember') return typeof state.seen === 'string' ? (state as PollState) : undefined;
  return typeof state.holders === 'object' && state.holders !== null && !Array.isArray(state.holders) ? (state as PollState) : undefined;
}

function text(record: JsonObject, ...keys: string[]): string | null {
  return pickString(record, ...keys) ?? null;
}

function eventOf(settings: Settings, detectedAt: string, user: Listed): PollEvent {
  const { record } = user;
  return {
    event: settings.event,
    uid: user.uid,
    email: user.email ?? null,
    // [D] Memberspot's wire names are `firstname` and `name` (the last name), as Grant Access sends them.
    firstName: text(record, 'firstName', 'firstname', 'first_name'),
    lastName: text(record, 'lastName', 'lastname', 'last_name', 'name'),
    ...(settings.accessId === undefined ? {} : { accessId: settings.accessId }),
    detectedAt,
    user: record,
  };
}

function checkMassChange(settings: Settings, what: string, known: number, vanished: number): void {
  if (!settings.confirm && vanished >= MASS_CHANGE_MIN && vanished > known * MASS_CHANGE_SHARE) throw new MassChangeError(what, known, vanished);
}

/**
 * One poll: reads every page, computes the events against `stored` (the state the last completed poll
 * returned, or undefined) and returns them with the new state. Throws (and the host keeps its old state)
 * on any failure: a request that failed after its retries, a misread page, the safety stop, a cancel.
 */
export async function poll(client: MemberspotClient, stored: unknown, options: PollSettings): Promise<PollResult> {
  const settings = pollSettings(options);
  const previous = usableState(stored, settings);
  const counter = { pages: 0 };
  const events: Listed[] = [];
  let listedCount = 0;

  if (settings.event === 'newMember') {
    const known = new Set<string>();
    if (previous?.seen) {
      const bytes = Buffer.from(previous.seen, 'base64');
      for (let at = 0; at + HASH_BYTES <= bytes.length; at += HASH_BYTES) known.add(bytes.toString('latin1', at, at + HASH_BYTES));
    }
    const hashes: Buffer[] = [];
    const current = new Set<string>();
    let stillThere = 0;
    for await (const page of listed(client, settings, counter)) {
      for (const user of page) {
        const hash = uidHash(user.uid);
        const key = hash.toString('latin1');
        if (current.has(key)) continue; // listed twice (a page boundary moved): one user
        current.add(key);
        hashes.push(hash);
        if (known.has(key)) stillThere += 1;
        else if (previous || settings.emitOnFirstPoll) events.push(user);
      }
    }
    listedCount = current.size;
    if (previous) checkMassChange(settings, 'users', known.size, known.size - stillThere);
    const detectedAt = settings.now().toISOString();
    return {
      events: events.map((user) => eventOf(settings, detectedAt, user)),
      state: { v: STATE_VERSION, event: settings.event, polledAt: detectedAt, seen: Buffer.concat(hashes).toString('base64') },
      baseline: !previous,
      listed: listedCount,
      pages: counter.pages,
    };
  }

  const before = previous?.holders ?? {};
  const holders: Record<string, string> = {};
  const granted: Listed[] = [];
  for await (const page of listed(client, settings, counter)) {
    for (const user of page) {
      if (Object.prototype.hasOwnProperty.call(holders, user.uid)) continue;
      // The email as listed now (a changed email is the same user); the one known before if none is listed.
      holders[user.uid] = user.email ?? before[user.uid] ?? '';
      if (!Object.prototype.hasOwnProperty.call(before, user.uid) && (previous || settings.emitOnFirstPoll)) granted.push(user);
    }
  }
  const ended = previous ? Object.keys(before).filter((uid) => !Object.prototype.hasOwnProperty.call(holders, uid)) : [];
  listedCount = Object.keys(holders).length;
  if (previous) checkMassChange(settings, `holders of ${settings.accessId}`, Object.keys(before).length, ended.length);
  const detectedAt = settings.now().toISOString();
  const out: PollEvent[] =
    settings.event === 'accessGranted'
      ? granted.map((user) => eventOf(settings, detectedAt, user))
      : ended.map((uid) => {
          const email = before[uid] || undefined;
          return eventOf(settings, detectedAt, { uid, email, record: email === undefined ? { uid } : { uid, email } });
        });
  return {
    events: out,
    state: { v: STATE_VERSION, event: settings.event, accessId: settings.accessId, polledAt: detectedAt, holders },
    baseline: !previous,
    listed: listedCount,
    pages: counter.pages,
  };
}

/**
 * n8n's "Fetch Test Event": one event built from a real user, the newest listed (the latest `createdAt`,
 * else the last listed), for the chosen event; undefined when nobody is listed. Reads every page, writes
 * nothing.
 */
export async function sampleEvent(client: MemberspotClient, options: PollSettings): Promise<PollEvent | undefined> {
  const settings = pollSettings(options);
  let newest: Listed | undefined;
  let newestAt = -Infinity;
  for await (const page of listed(client, settings, { pages: 0 })) {
    for (const user of page) {
      const created = Date.parse(pickString(user.record, 'createdAt', 'created_at', 'created') ?? '');
      const at = Number.isNaN(created) ? -Infinity : created;
      if (!newest || at >= newestAt) {
        newest = user;
        newestAt = at;
      }
    }
  }
  if (!newest) return undefined;
  const detectedAt = settings.now().toISOString();
  const user: Listed = settings.event === 'accessEnded' ? { uid: newest.uid, email: newest.email, record: newest.record } : newest;
  return eventOf(settings, detectedAt, user);
}

/** The state's size as stored (JSON, UTF-8 bytes). */
export function stateBytes(state: PollState): number {
  return Buffer.byteLength(JSON.stringify(state), 'utf8');
}
