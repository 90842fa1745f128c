/**
 * Reading one user out of a Memberspot answer. The shape of a user answer (Find User by Email, Grant Access,
 * a List Users item) is not settled by public sources: this is the ONE place that decides where a user may
 * sit and under which names its uid and email come, for the actions, memberspot-doctor and its clean-up.
 */
import { asList, isObject, pickString, type JsonObject } from './actions/normalize';

/**
 * [D] Where a user may sit in an answer, in the order they are tried: the top level, `data`, `user`,
 * `data.user`, `result`, or a one-element array (of any of these). An array of more than one element is
 * no single user. Flip or extend the order here.
 */
const USER_PATHS: ReadonlyArray<readonly string[]> = [[], ['data'], ['user'], ['data', 'user'], ['result']];
/** [D] The uid's names: `uid` (the contract), `userId`, `id`. */
export const UID_KEYS: readonly string[] = ['uid', 'userId', 'id'];
/** [D] The email's names: `email` (the contract), `mail`. */
export const EMAIL_KEYS: readonly string[] = ['email', 'mail'];

export interface FoundUser {
  /** The object that holds the user's uid or email. */
  user: JsonObject;
  uid?: string;
  email?: string;
  /** Where it was found, for reports: "top level", "data", "data.user", "one-element array > data", ... */
  path: string;
}

/** The uid and email of an object, under any of the accepted names. */
export function userFields(object: JsonObject): { uid?: string; email?: string } {
  return { uid: pickString(object, ...UID_KEYS), email: pickString(object, ...EMAIL_KEYS) };
}

/** The user an answer holds (one with a uid or an email), or undefined when it holds none. */
export function readUser(body: unknown): FoundUser | undefined {
  if (Array.isArray(body)) {
    if (body.length !== 1) return undefined;
    const inner = readUser(body[0]);
    return inner && { ...inner, path: inner.path === 'top level' ? 'one-element array' : `one-element array > ${inner.path}` };
  }
  if (!isObject(body)) return undefined;
  for (const path of USER_PATHS) {
    let value: unknown = body;
    for (const key of path) value = isObject(value) ? value[key] : undefined;
    if (!isObject(value)) continue;
    const { uid, email } = userFields(value);
    // The top level of `{ data: { uid } }` has no uid of its own: only an object that names the user counts.
    if (uid || email) return { user: value, uid, email, path: path.length === 0 ? 'top level' : path.join('.') };
  }
  return undefined;
}

/** The users of a List Users page: from `data`, `users` or a bare array ([D], as List Users reads them). */
export function readUsers(body: unknown): JsonObject[] {
  return asList(body, ['data', 'users']);
}

/** Nothing in it: null, an empty string, an empty array or object, or objects/arrays of only such values. */
export function isEmptyAnswer(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return true;
  if (Array.isArray(body)) return body.every(isEmptyAnswer);
  if (isObject(body)) return Object.values(body).every(isEmptyAnswer);
  return false;
}

/** Same address? Email addresses are compared without letter case (a school may store either). */
export function sameEmail(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** [D] The names of List Users' next-page cursor, as List Users reads it. */
export const CURSOR_KEYS: readonly string[] = ['nextPage', 'next_page'];

export interface UsersPage {
  users: JsonObject[];
  /** The next page's cursor; null when the answer says there is none; undefined when it has no cursor field. */
  cursor: string | null | undefined;
}

/**
 * A List Users page read strictly, for code that must not take a misread answer for an empty list (the
 * poll triggers): the users of `data`, `users` or a bare array, as readUsers finds them, but undefined when
 * the answer has none of these lists, or when an entry of the list is not an object.
 */
export function readUsersPage(body: unknown): UsersPage | undefined {
  let list: unknown;
  let cursor: string | null | undefined;
  if (Array.isArray(body)) {
    list = body;
  } else if (isObject(body)) {
    list = ['data', 'users'].map((key) => body[key]).find(Array.isArray);
    const key = CURSOR_KEYS.find((name) => name in body);
    if (key !== undefined) {
      const value = body[key];
      cursor = typeof value === 'string' && value !== '' ? value : null;
    }
  }
  if (!Array.isArray(list) || !list.every(isObject)) return undefined;
  return { users: list as JsonObject[], cursor };
}
