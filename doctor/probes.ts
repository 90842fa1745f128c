import { randomBytes } from 'node:crypto';
import { redirectTarget } from '../shared/errors';
import { asList, isObject, pickString, type JsonObject } from '../shared/actions/normalize';
import { readUser, readUsers, userFields } from '../shared/users';
import type { DoctorHttp, Outcome } from './http';
import { describeOutcome, isAnswer } from './http';
import type { Check, Redactor } from './report';
import { firstKey, itemKeys, shapeOf } from './shapes';

/** What the probes share: where to send, where findings go, and what earlier probes learned. */
export interface Context {
  http: DoctorHttp;
  redactor: Redactor;
  checks: Check[];
  offers: JsonObject[];
  firstUser?: { email: string; uid?: string; alias: string };
  propertyIds: string[];
  /**
   * How List Users pages, as the read probe found it: follow the cursor under `key`, or pass the last uid as
   * `lastLoadedId`; `broken` when neither gave the next page. Unset: the probe had no second page to try.
   */
  paging?: { mode: 'cursor'; key: string } | { mode: 'lastUid' } | { mode: 'broken' };
}

const file = (actionId: string) => `shared/actions/${actionId}.ts`;

/** GET /v1/offers: does the key work? Returns why the doctor cannot go on, or undefined. */
export async function probeConnection(context: Context): Promise<string | undefined> {
  const outcome = await context.http.action('listOffers', {});
  const add = (status: Check['status'], detail: string) =>
    void context.checks.push({ area: 'connection', name: 'Key (GET /v1/offers)', status, detail, decision: '[D] credential test endpoint' });
  if (!isAnswer(outcome)) {
    const what = outcome.status === 'tls' ? 'the certificate was not trusted (expired, self-signed or for another host)' : 'Memberspot could not be reached';
    add('unchecked', `${describeOutcome(outcome)}: ${what}. Check the base URL, proxy and network.`);
    return `${describeOutcome(outcome)}`;
  }
  const { status, headers, body } = outcome;
  if (status >= 300 && status < 400) {
    const target = redirectTarget(headers.location, context.http.baseUrl) || (headers.location ? 'an address that is not a URL' : 'an address it did not give');
    add('unchecked', `HTTP ${status}: a redirect to ${target}. Not followed, nothing was sent there. Use the final address as the base URL if you trust it.`);
    return `redirect (HTTP ${status})`;
  }
  if (status === 401) {
    add('unchecked', 'HTTP 401: the key was refused. Copy the API key again from Memberspot (Settings > Integrations > API).');
    return 'the key was refused (401)';
  }
  if (status === 403) {
    add('unchecked', 'HTTP 403: the key is known but may not use the API: it needs the Enterprise plan or the API add-on.');
    return 'no API access (403)';
  }
  if (status < 200 || status >= 300) {
    add('unchecked', `HTTP ${status} from GET /v1/offers.`);
    return `HTTP ${status}`;
  }
  context.offers = asList(body, ['data', 'offers']);
  add('holds', `HTTP ${status}: the key works (${context.offers.length} offers).`);
  const offersCheck = (checkStatus: Check['status'], detail: string) =>
    void context.checks.push({ area: 'read', name: 'List Offers', status: checkStatus, detail, file: file('listOffers') });
  if (Array.isArray(body)) offersCheck('holds', `bare array, items ${itemKeys(body)}`);
  else if (isObject(body) && firstKey(body, ['data', 'offers'], Array.isArray)) {
    offersCheck('differs', `read through a fallback: the list is under "${firstKey(body, ['data', 'offers'], Array.isArray)}" (${shapeOf(body)}), not a bare array`);
  } else offersCheck('differs', `unknown shape: ${shapeOf(body)}`);
  return undefined;
}

const PAGE = 2;

/** List Users (two pages), Find User by Email, List Custom Properties, List Course Progress. */
export async function probeReads(context: Context): Promise<void> {
  await probeListUsers(context);
  await probeFindUser(context);
  await probeCustomProperties(context);
  await probeCourseProgress(context);
}

async function probeListUsers(context: Context): Promise<void> {
  const add = (name: string, status: Check['status'], detail: string, decision: string) =>
    void context.checks.push({ area: 'read', name, status, detail, decision, file: file('listUsers') });
  const outcome = await context.http.action('listUsers', { pageLength: PAGE });
  if (!isAnswer(outcome) || outcome.status !== 200) {
    add('List Users', 'unchecked', `${describeOutcome(outcome)} for GET /v1/users/list?pageLength=${PAGE}`, '[D] List Users page shape');
    return;
  }
  const { body } = outcome;
  const object = isObject(body) ? body : {};
  const listKey = isObject(body) ? firstKey(body, ['data', 'users'], Array.isArray) : undefined;
  const users = readUsers(body);
  if (Array.isArray(body)) add('List Users: users', 'differs', `read through a fallback: a bare array (${shapeOf(body)}), not { data }`, '[D] List Users page shape');
  else if (listKey === 'data') add('List Users: users', 'holds', `object { ${Object.keys(object).join(', ')} }, users under "data"`, '[D] List Users page shape');
  else if (listKey) add('List Users: users', 'differs', `read through a fallback: users under "${listKey}" (${shapeOf(body)}), not "data"`, '[D] List Users page shape');
  else add('List Users: users', 'differs', `unknown shape: ${shapeOf(body)}; the nodes would see no users`, '[D] List Users page shape');
  rememberUsers(context, users);
  await probeCursor(context, object, users, Array.isArray(body));
}

function rememberUsers(context: Context, users: JsonObject[]): void {
  for (const user of users) {
    const { email, uid } = userFields(user);
    const alias = context.redactor.member(email, pickString(user, 'firstname'), pickString(user, 'name'), pickString(user, 'firstName'), pickString(user, 'lastName'));
    if (!context.firstUser && email) context.firstUser = { email, uid, alias };
  }
  if (users.length > 0 && !users.some((user) => userFields(user).uid)) {
    context.checks.push({ area: 'read', name: 'List Users: uid', status: 'differs', detail: `users have no uid/userId/id (items ${itemKeys(users)}); Get Login Token needs it`, file: 'shared/users.ts' });
  }
}

async function probeCursor(context: Context, object: JsonObject, users: JsonObject[], bare: boolean): Promise<void> {
  const add = (status: Check['status'], detail: string) =>
    void context.checks.push({ area: 'read', name: 'List Users: cursor', status, detail, decision: '[D] List Users cursor name', file: file('listUsers') });
  const cursorKey = firstKey(object, ['nextPage', 'next_page'], (value) => typeof value === 'string' || value === null);
  const looksLikeCursor = (key: string) => /next|cursor|last|page/i.test(key);
  // Where a cursor may sit instead: another top-level key, or one level down (e.g. meta.nextPage).
  const others = [
    ...Object.keys(object).filter((key) => key !== 'data' && key !== 'users' && looksLikeCursor(key) && !isObject(object[key])),
    ...Object.entries(object).flatMap(([outer, inner]) => (isObject(inner) ? Object.keys(inner).filter(looksLikeCursor).map((key) => `${outer}.${key}`) : [])),
  ];
  const full = users.length >= PAGE;
  let cursor = cursorKey ? pickString(object, cursorKey) : undefined;
  if (cursorKey === 'nextPage') add(full && !cursor ? 'differs' : 'holds', full && !cursor ? 'the page is full but "nextPage" is empty' : 'top-level "nextPage"');
  else if (cursorKey) add('differs', `read through a fallback: the cursor is top-level "${cursorKey}", not "nextPage"`);
  else if (others.length > 0) add('differs', `no "nextPage"; possible cursor keys: ${others.join(', ')} (not read by the nodes)`);
  else if (!full) add('unchecked', `fewer than ${PAGE} users: no second page to look for`);
  else add('differs', `${bare ? 'a bare array has no cursor' : 'no cursor in the answer'} although the page is full: the nodes stop after the first page`);

  if (!full) return;
  const lastUid = userFields(users[users.length - 1]).uid;
  const via = cursor ? 'the cursor' : 'the last uid';
  cursor ??= lastUid;
  if (!cursor) {
    context.paging = { mode: 'broken' };
    return;
  }
  const next = await context.http.action('listUsers', { pageLength: PAGE, lastLoadedId: cursor });
  const name = 'List Users: next page';
  if (!isAnswer(next) || next.status !== 200) {
    context.checks.push({ area: 'read', name, status: 'unchecked', detail: `${describeOutcome(next)} for the follow-up page`, file: file('listUsers') });
    return;
  }
  const firstUids = new Set(users.map((user) => userFields(user).uid));
  const nextUsers = readUsers(next.body);
  rememberUsers(context, nextUsers);
  const fresh = nextUsers.length > 0 && nextUsers.every((user) => !firstUids.has(userFields(user).uid));
  context.paging = !fresh ? { mode: 'broken' } : via === 'the cursor' && cursorKey ? { mode: 'cursor', key: cursorKey } : { mode: 'lastUid' };
  context.checks.push({
    area: 'read',
    name,
    status: fresh ? 'holds' : 'differs',
    detail: fresh ? `lastLoadedId = ${via} gives the next ${nextUsers.length} users` : `lastLoadedId = ${via} did not give new users (${shapeOf(next.body)})`,
    decision: '[D] List Users cursor passed back as lastLoadedId',
    file: file('listUsers'),
  });
}

async function probeFindUser(context: Context): Promise<void> {
  const user = context.firstUser;
  const add = (name: string, status: Check['status'], detail: string, decision: string) =>
    void context.checks.push({ area: 'read', name, status, detail, decision, file: file('findUserByEmail') });
  if (!user) return add('Find User by Email', 'unchecked', 'no user listed to look up', '[1] Enterprise only');
  const outcome = await context.http.action('findUserByEmail', { email: user.email });
  if (isAnswer(outcome) && outcome.status === 403) return add('Find User by Email', 'unchecked', `HTTP 403 for ${user.alias}: find-by-mail needs the Enterprise plan`, '[1] Enterprise only');
  if (!isAnswer(outcome) || outcome.status !== 200) add('Find User by Email', 'differs', `${describeOutcome(outcome)} for ${user.alias}, who is listed`, '[1] Enterprise only');
  else {
    // readUser (shared/users.ts) decides where a user may sit; anything but the top level is a fallback.
    const found = readUser(outcome.body);
    const uid = found?.uid;
    user.uid ??= uid;
    if (!found) add('Find User by Email', 'differs', `unknown shape: ${shapeOf(outcome.body)}; no user in it`, '[1] Enterprise only');
    else if (found.path !== 'top level') add('Find User by Email', 'differs', `read through a fallback: the user is under ${found.path} (${shapeOf(outcome.body)}), not at the top level${uid ? '' : '; no uid'}`, '[1] Enterprise only');
    else add('Find User by Email', uid ? 'holds' : 'differs', `HTTP 200 for ${user.alias}: ${shapeOf(outcome.body)}${uid ? '' : '; no uid'}`, '[1] Enterprise only');
  }
  const unknown = await context.http.action('findUserByEmail', { email: unknownAddress() });
  const notFound = isAnswer(unknown) && unknown.status === 404;
  const detail = isAnswer(unknown) ? `HTTP ${unknown.status} (${shapeOf(unknown.body)})` : describeOutcome(unknown);
  const refused = !isAnswer(unknown) || unknown.status === 401 || unknown.status === 403 || unknown.status === 429 || unknown.status >= 500;
  add('Find User by Email: unknown address', notFound ? 'holds' : refused ? 'unchecked' : 'differs', notFound ? 'HTTP 404' : detail, '[D] not found is 404');
}

/** An address no school has (the .invalid top-level domain is reserved). */
export function unknownAddress(): string {
  return `memberspot-doctor-${randomBytes(6).toString('hex')}@example.invalid`;
}

async function probeCustomProperties(context: Context): Promise<void> {
  const add = (status: Check['status'], detail: string) =>
    void context.checks.push({ area: 'read', name: 'List Custom Properties', status, detail, decision: '[D] definitions carry id and name', file: file('listCustomProperties') });
  const outcome = await context.http.action('listCustomProperties', {});
  if (!isAnswer(outcome) || outcome.status !== 200) return add('unchecked', describeOutcome(outcome));
  const list = asList(outcome.body, ['data', 'properties']);
  context.propertyIds = list.map((item) => pickString(item, 'id', 'propertyId', 'key')).filter((id): id is string => id !== undefined);
  const listKey = isObject(outcome.body) ? firstKey(outcome.body, ['data', 'properties'], Array.isArray) : undefined;
  if (!Array.isArray(outcome.body) && !listKey) return add('differs', `unknown shape: ${shapeOf(outcome.body)}`);
  if (list.length === 0) return add('unchecked', 'no custom properties are defined: the shape of a definition is unknown');
  const fallbacks = [
    listKey ? `the list is under "${listKey}"` : '',
    list.every((item) => typeof item.id === 'string') ? '' : 'the id is not under "id"',
    list.every((item) => typeof item.name === 'string') ? '' : 'the name is not under "name"',
  ].filter(Boolean);
  if (fallbacks.length === 0) add('holds', `bare array, items ${itemKeys(list)}`);
  else add('differs', `${fallbacks.join('; ')} (items ${itemKeys(list)})`);
}

async function probeCourseProgress(context: Context): Promise<void> {
  const user = context.firstUser;
  const add = (status: Check['status'], detail: string) =>
    void context.checks.push({ area: 'read', name: 'List Course Progress', status, detail, file: file('listCourseProgress') });
  if (!user) return add('unchecked', 'no user listed');
  const outcome: Outcome = await context.http.action('listCourseProgress', { email: user.email });
  if (!isAnswer(outcome) || outcome.status !== 200) return add('unchecked', `${describeOutcome(outcome)} for ${user.alias}`);
  if (Array.isArray(outcome.body)) return add('holds', `HTTP 200 for ${user.alias}: ${shapeOf(outcome.body)}${outcome.body.length ? `, items ${itemKeys(outcome.body)}` : ''}`);
  const key = isObject(outcome.body) ? firstKey(outcome.body, ['data', 'progress', 'courses'], Array.isArray) : undefined;
  add('differs', key ? `read through a fallback: the list is under "${key}"` : `unknown shape: ${shapeOf(outcome.body)}`);
}
