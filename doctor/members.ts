/**
 * Is an address a member of the school? The write probes ask before writing (never touch a member) and
 * after the clean-up (is the throwaway user gone?). Every answer the doctor cannot read is "unsure", never
 * "absent": only an answer exactly like the one for an address that cannot exist says "absent".
 */
import { isObject, type JsonObject } from '../shared/actions/normalize';
import { isEmptyAnswer, readUser, readUsers, sameEmail, userFields } from '../shared/users';
import { describeOutcome, isAnswer, type Outcome } from './http';
import type { Context } from './probes';
import { unknownAddress } from './probes';
import { shapeOf } from './shapes';

export type Presence = { kind: 'absent'; how: string } | { kind: 'present'; how: string } | { kind: 'unsure'; why: string };

const PAGE_LENGTH = 100;
/** 100,000 users: beyond that the doctor does not claim to have seen every page. */
const MAX_PAGES = 1000;

/** What Find User by Email answers for an address that cannot exist: the measure of "not found". */
export interface Baseline {
  outcome: Outcome;
  /** Find-by-mail is refused (no Enterprise plan): only List Users can tell. */
  noEnterprise: boolean;
}

export async function baseline(context: Context): Promise<Baseline | { unsure: string }> {
  const outcome = await context.http.action('findUserByEmail', { email: unknownAddress() });
  if (isAnswer(outcome) && outcome.status === 403) return { outcome, noEnterprise: true };
  // [D] not found is a 404; a 2xx that holds nothing is accepted as the other plausible "not found".
  if (isAnswer(outcome) && (outcome.status === 404 || (outcome.status >= 200 && outcome.status < 300 && isEmptyAnswer(outcome.body))) && !readUser(outcome.body)) {
    return { outcome, noEnterprise: false };
  }
  return { unsure: `Find User by Email answered ${describeAnswer(outcome)} for an address that cannot exist, so its answers cannot tell a new address from a member` };
}

/** Whether an answer is exactly like the cannot-exist address's: same status, same shape, nothing in a 2xx. */
export function likeUnknown(outcome: Outcome, base: Outcome): boolean {
  if (!isAnswer(outcome) || !isAnswer(base) || outcome.status !== base.status) return false;
  if (readUser(outcome.body)) return false;
  if (outcome.status >= 200 && outcome.status < 300 && !isEmptyAnswer(outcome.body)) return false;
  return shapeOf(outcome.body) === shapeOf(base.body);
}

/** Find User by Email for the address, measured against the cannot-exist answer. */
export async function findPresence(context: Context, email: string, base: Outcome): Promise<Presence> {
  const outcome = await context.http.action('findUserByEmail', { email });
  if (likeUnknown(outcome, base)) return { kind: 'absent', how: 'Find User by Email answered as for an address that cannot exist' };
  const found = isAnswer(outcome) && outcome.status >= 200 && outcome.status < 300 ? readUser(outcome.body) : undefined;
  if (found && (found.email === undefined || sameEmail(found.email, email))) return { kind: 'present', how: `Find User by Email found it (HTTP ${(outcome as { status: number }).status}, the user ${found.path === 'top level' ? 'at the top level' : `under ${found.path}`})` };
  return { kind: 'unsure', why: `Find User by Email answered ${describeAnswer(outcome)}, not as for an address that cannot exist (${describeAnswer(base)})` };
}

/**
 * Walks List Users to the end, the way the read probe found paging works, and looks for the address in any
 * letter case. "absent" only when every page was seen: the cursor said there is no next page, or (paging by
 * the last uid) a page came back empty; each page must bring users not seen before, each with an email.
 */
export async function listPresence(context: Context, email: string): Promise<Presence> {
  const paging = context.paging;
  if (paging?.mode === 'broken') return { kind: 'unsure', why: 'the read probe found that List Users does not give a next page (neither by the cursor nor by the last uid)' };
  const seen = new Set<string>();
  let lastLoadedId: string | undefined;
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const outcome = await context.http.action('listUsers', { pageLength: PAGE_LENGTH, ...(lastLoadedId ? { lastLoadedId } : {}) });
    if (!isAnswer(outcome) || outcome.status !== 200) return { kind: 'unsure', why: `List Users page ${page} answered ${describeOutcome(outcome)}` };
    const { body } = outcome;
    if (!Array.isArray(body) && !(isObject(body) && (Array.isArray(body.data) || Array.isArray(body.users)))) {
      return { kind: 'unsure', why: `List Users page ${page} is no list of users (${shapeOf(body)})` };
    }
    const users = readUsers(body);
    if (users.length === 0) return { kind: 'absent', how: `no page of List Users holds it (${pagesOf(page)}, the last one empty)` };
    const fields = users.map((user) => userFields(user));
    if (fields.some((user) => user.email === undefined)) return { kind: 'unsure', why: `List Users page ${page} has users without an email (items ${keysOf(users)})` };
    if (fields.some((user) => sameEmail(user.email, email))) return { kind: 'present', how: `List Users page ${page} holds the address${fields.some((user) => user.email === email) ? '' : ' (in another letter case)'}` };
    const uids = fields.map((user) => user.uid);
    if (uids.some((uid) => uid !== undefined && seen.has(uid))) return { kind: 'unsure', why: `List Users page ${page} repeats users of an earlier page: the paging does not move on` };
    for (const uid of uids) if (uid) seen.add(uid);

    const cursorKey = isObject(body) ? ['nextPage', 'next_page'].find((key) => Object.prototype.hasOwnProperty.call(body, key)) : undefined;
    const mode = paging?.mode ?? (cursorKey ? 'cursor' : 'lastUid');
    if (mode === 'cursor') {
      const key = paging?.mode === 'cursor' ? paging.key : cursorKey;
      const value = key && isObject(body) ? body[key] : undefined;
      if (value === null || value === '') return { kind: 'absent', how: `no page of List Users holds it (${pagesOf(page)}, the last one without a next page)` };
      if (typeof value !== 'string') return { kind: 'unsure', why: `List Users page ${page} has no cursor${key ? ` "${key}"` : ''} (${shapeOf(body)}): the doctor cannot tell whether more pages follow` };
      lastLoadedId = value;
    } else {
      const last = uids[uids.length - 1];
      if (!last) return { kind: 'unsure', why: `the last user of List Users page ${page} has no uid to ask for the next page with` };
      lastLoadedId = last;
    }
  }
  return { kind: 'unsure', why: `more than ${MAX_PAGES * PAGE_LENGTH} users: the doctor did not look at every page` };
}

/** Present in either source wins; otherwise unsure in either wins; absent only when every source asked says so. */
export function combine(...presences: Presence[]): Presence {
  const absent = presences.map((p) => (p.kind === 'absent' ? p.how : '')).filter(Boolean);
  return presences.find((p) => p.kind === 'present') ?? presences.find((p) => p.kind === 'unsure') ?? { kind: 'absent', how: absent.join('; ') };
}

const pagesOf = (count: number) => `${count} page${count === 1 ? '' : 's'}`;

function describeAnswer(outcome: Outcome): string {
  return isAnswer(outcome) ? `HTTP ${outcome.status} (${shapeOf(outcome.body)})` : describeOutcome(outcome);
}

function keysOf(users: JsonObject[]): string {
  return `{ ${Object.keys(users[0] ?? {}).join(', ')} }`;
}

/** The `created` flag a grant answer may carry ([D]: the sandbox's; Memberspot's is unknown). */
export function createdFlag(body: unknown): boolean | undefined {
  const found = readUser(body);
  const holders = [isObject(body) ? body : undefined, found?.user].filter(isObject);
  for (const holder of holders) if (typeof holder.created === 'boolean') return holder.created;
  return undefined;
}
