import { randomBytes } from 'node:crypto';
import { asList, isObject, pickString, pickUid } from '../shared/actions/normalize';
import type { ActionId } from '../shared/types';
import { describeOutcome, isAnswer, type Answer, type Outcome } from './http';
import type { Context } from './probes';
import type { Check } from './report';
import { shapeOf } from './shapes';

export interface WriteOptions {
  email: string;
  offerId: string;
}

type OfferState = 'active' | 'inactive' | 'absent' | { unknown: string };

/** A step that got an answer it cannot go on from: the remaining steps are skipped, the clean-up still runs. */
class StepFailed extends Error {}

const ok = (outcome: Outcome): boolean => isAnswer(outcome) && outcome.status >= 200 && outcome.status < 300;
const statusOf = (outcome: Outcome) => (isAnswer(outcome) ? outcome.status : 0);

/**
 * Writes with a throwaway user: grant, revoke, re-grant, expiry, custom property, delete access, the order
 * steps, a login token; whatever happens, the user is deleted at the end. Returns why the run failed, if it did.
 */
export async function probeWrites(context: Context, options: WriteOptions): Promise<string | undefined> {
  const { http } = context;
  const who = '<throwaway user>';
  context.redactor.alias(options.email, who);
  if (!context.offers.some((offer) => pickString(offer, 'id', 'offerId') === options.offerId)) {
    return 'the offer given with --offer is not among the school\'s offers (GET /v1/offers); nothing was written';
  }
  const refusal = await refuseExisting(context, options.email);
  if (refusal) return refusal;

  const order = `memberspot-doctor-${randomBytes(4).toString('hex')}`;
  const input = { email: options.email, accessId: options.offerId };
  const add = (name: string, status: Check['status'], detail: string, decision?: string, actionId?: ActionId) =>
    void context.checks.push({ area: 'write', name, status, detail, decision, file: actionId && `shared/actions/${actionId}.ts` });
  const run = async (actionId: ActionId, actionInput: unknown, name: string): Promise<Answer> => {
    const outcome = await http.action(actionId, actionInput);
    if (ok(outcome)) return outcome as Answer;
    add(name, 'unchecked', `${describeOutcome(outcome)}; the remaining write steps were skipped`, undefined, actionId);
    throw new StepFailed(`${name}: ${describeOutcome(outcome)}`);
  };
  const verify = async (name: string, expected: OfferState, decision: string, actionId: ActionId, done: string) => {
    const state = await offerState(context, options.email, options.offerId);
    if (typeof state === 'object') return add(name, 'unchecked', `${done}; the result could not be read back: ${state.unknown}`, decision, actionId);
    add(name, state === expected ? 'holds' : 'differs', `${done}; read back: the offer is ${state}${state === expected ? '' : `, expected ${expected as string}`}`, decision, actionId);
  };

  let failure: string | undefined;
  let uid: string | undefined;
  try {
    const granted = await run('grantAccess', { ...input, orderId: order, firstName: 'Memberspot', lastName: 'Doctor' }, 'Grant Access');
    uid = pickUid(granted.body);
    add('Grant Access', uid ? 'holds' : 'differs', `HTTP ${granted.status}, ${uid ? 'the answer has the uid' : `no uid in the answer (${shapeOf(granted.body)})`}`, '[1] grant answers the uid', 'grantAccess');
    await run('revokeAccess', { ...input, active: false }, 'Revoke Access');
    await verify('Revoke Access', 'inactive', 'active: false deactivates', 'revokeAccess', 'set-offer-state { active: false }');
    await run('grantAccess', { ...input, orderId: order }, 'Grant Access again');
    await verify('Grant Access again', 'active', 'granting again re-activates', 'grantAccess', 'grant-user-offer-by-mail');
    const expires = await http.action('setOfferExpiration', { ...input, expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    if (ok(expires)) add('Set Offer Expiration', 'holds', `HTTP ${statusOf(expires)} for { email, offerId, expiresAt }`, '[D] set-offer-expires body', 'setOfferExpiration');
    else if (isAnswer(expires) && expires.status === 400) add('Set Offer Expiration', 'differs', `HTTP 400 for { email, offerId, expiresAt }${fieldsNamed(expires as Answer, ['email', 'offerId', 'expiresAt'])}`, '[D] set-offer-expires body', 'setOfferExpiration');
    else await run('setOfferExpiration', { ...input, expiresAt: new Date().toISOString() }, 'Set Offer Expiration');
    await probeCustomProperty(context, options.email, add);
    await run('deleteAccess', input, 'Delete Access');
    await verify('Delete Access', 'absent', '[D] set-offer-state without active removes the offer', 'deleteAccess', 'set-offer-state without active');
    await run('grantAccess', { ...input, orderId: order }, 'Grant Access by order');
    await run('revokeOrderAccess', { email: options.email, orderId: order, active: false }, 'Revoke Order Access');
    await verify('Revoke Order Access', 'inactive', 'set-order-state { active: false } deactivates', 'revokeOrderAccess', 'set-order-state { active: false }');
    await run('deleteOrderAccess', { orderId: order }, 'Delete Order Access');
    await verify('Delete Order Access', 'absent', '[D] set-order-state without active removes the order\'s offers', 'deleteOrderAccess', 'set-order-state { orderId } without active');
    uid ??= await findUid(context, options.email);
    if (uid) await probeLoginToken(context, uid, add);
    else add('Get Login Token', 'unchecked', 'no uid known for the throwaway user', '[D] login token shape', 'getLoginToken');
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    failure = `a write step failed (${error.message})`;
  } finally {
    const cleanup = await deleteThrowaway(context, options.email);
    if (cleanup) failure = failure ? `${failure}; ${cleanup}` : cleanup;
  }
  return failure;
}

/** Refuses an address that already belongs to a member: the doctor must never touch a real account. */
async function refuseExisting(context: Context, email: string): Promise<string | undefined> {
  const found = await context.http.action('findUserByEmail', { email });
  if (isAnswer(found) && found.status === 404) return undefined;
  // A 200 that holds no user is how an API without 404s might say "not found" (the read probes report it).
  if (isAnswer(found) && found.status === 200 && (pickUid(found.body) || (isObject(found.body) && pickString(found.body, 'email')))) {
    return 'refused: the --email address already exists in the school; give an address no member has (nothing was written)';
  }
  if (isAnswer(found) && found.status === 200) return undefined;
  if (!(isAnswer(found) && found.status === 403)) return `could not make sure the --email address is new (${describeOutcome(found)}); nothing was written`;
  // Without Enterprise, find-by-mail is refused: look through the whole list instead.
  let cursor: string | undefined;
  for (let page = 0; page < 100; page += 1) {
    const outcome = await context.http.action('listUsers', { pageLength: 100, ...(cursor ? { lastLoadedId: cursor } : {}) });
    if (!ok(outcome)) return `could not make sure the --email address is new (${describeOutcome(outcome)}); nothing was written`;
    const { body } = outcome as Answer;
    const users = asList(body, ['data', 'users']);
    if (users.some((user) => pickString(user, 'email')?.toLowerCase() === email.toLowerCase())) return 'refused: the --email address already exists in the school (nothing was written)';
    const next = isObject(body) ? pickString(body, 'nextPage', 'next_page') : undefined;
    if (!next || users.length === 0) return undefined;
    cursor = next;
  }
  return 'could not make sure the --email address is new (more than 10,000 users); nothing was written';
}

/** The state of one offer of a user, read through Find User by Email. */
async function offerState(context: Context, email: string, offerId: string): Promise<OfferState> {
  const outcome = await context.http.action('findUserByEmail', { email });
  if (!isAnswer(outcome) || outcome.status !== 200) return { unknown: `Find User by Email answered ${describeOutcome(outcome)}` };
  const user = isObject(outcome.body) ? outcome.body : {};
  const key = ['offers', 'accesses', 'grants'].find((name) => Array.isArray(user[name]));
  if (!key) return { unknown: `the user has no list of offers (${shapeOf(outcome.body)})` };
  const grant = asList(user[key]).find((item) => pickString(item, 'offerId', 'id', 'offer') === offerId);
  if (!grant) return 'absent';
  if (typeof grant.active !== 'boolean') return { unknown: `an offer has no "active" flag (${shapeOf(grant)})` };
  return grant.active ? 'active' : 'inactive';
}

async function findUid(context: Context, email: string): Promise<string | undefined> {
  const outcome = await context.http.action('findUserByEmail', { email });
  return ok(outcome) ? pickUid((outcome as Answer).body) : undefined;
}

type Add = (name: string, status: Check['status'], detail: string, decision?: string, actionId?: ActionId) => void;

/** `{ propertyId, value }` first; after a 400, `{ id, value }`. */
async function probeCustomProperty(context: Context, email: string, add: Add): Promise<void> {
  const decision = '[D] custom property items { propertyId, value }';
  const propertyId = context.propertyIds[0];
  if (!propertyId) return add('Set Custom Property Values', 'unchecked', 'the school has no custom property to set', decision, 'setCustomProperties');
  const input = { email, properties: { [propertyId]: 'memberspot-doctor' } };
  const first = await context.http.action('setCustomProperties', input);
  if (ok(first)) return add('Set Custom Property Values', 'holds', `HTTP ${statusOf(first)} for items { propertyId, value }`, decision, 'setCustomProperties');
  if (!(isAnswer(first) && first.status === 400)) return add('Set Custom Property Values', 'unchecked', `${describeOutcome(first)} for items { propertyId, value }`, decision, 'setCustomProperties');
  const request = context.http.build('setCustomProperties', input);
  const body = request.body as { email: string; properties: Array<{ propertyId: string; value: string }> };
  const second = await context.http.send({ ...request, body: { ...body, properties: body.properties.map(({ propertyId: id, value }) => ({ id, value })) } });
  add(
    'Set Custom Property Values',
    'differs',
    ok(second) ? `items { propertyId, value } got HTTP 400; items { id, value } work (HTTP ${statusOf(second)}): key the items "id"` : `items { propertyId, value } got HTTP 400 and items { id, value } ${describeOutcome(second)}`,
    decision,
    'setCustomProperties',
  );
}

async function probeLoginToken(context: Context, uid: string, add: Add): Promise<void> {
  const decision = '[D] login token: a string or { token }';
  const outcome = await context.http.action('getLoginToken', { uid });
  if (!ok(outcome)) return add('Get Login Token', 'unchecked', describeOutcome(outcome), decision, 'getLoginToken');
  const { body, status } = outcome as Answer;
  if (typeof body === 'string' && body !== '') return add('Get Login Token', 'holds', `HTTP ${status}: a bare string (the string form of the decision)`, decision, 'getLoginToken');
  if (isObject(body) && typeof body.token === 'string') return add('Get Login Token', 'holds', `HTTP ${status}: ${shapeOf(body)} (the { token } form of the decision)`, decision, 'getLoginToken');
  const fallback = isObject(body) && typeof body.loginToken === 'string';
  add('Get Login Token', 'differs', fallback ? `read through a fallback: the token is under "loginToken" (${shapeOf(body)})` : `unknown shape: ${shapeOf(body)}`, decision, 'getLoginToken');
}

/** Deletes the throwaway user and reads back that it is gone. Returns a message when that failed. */
async function deleteThrowaway(context: Context, email: string): Promise<string | undefined> {
  const name = 'Delete Users (clean-up)';
  const deleted = await context.http.action('deleteUsers', { emails: [email] });
  if (!ok(deleted)) {
    context.checks.push({ area: 'write', name, status: 'unchecked', detail: `CLEAN-UP FAILED (${describeOutcome(deleted)}): delete <throwaway user> in Memberspot by hand`, file: 'shared/actions/deleteUsers.ts' });
    return `the throwaway user could not be deleted (${describeOutcome(deleted)}): delete it by hand`;
  }
  const after = await context.http.action('findUserByEmail', { email });
  const gone = isAnswer(after) && (after.status === 404 || (after.status === 200 && !pickUid(after.body)));
  const unknown = isAnswer(after) && after.status === 403;
  context.checks.push({
    area: 'write',
    name,
    status: gone ? 'holds' : unknown ? 'unchecked' : 'differs',
    detail: gone ? `HTTP ${statusOf(deleted)}; the throwaway user is gone (read back with find-by-mail)` : `HTTP ${statusOf(deleted)}; read back: ${describeOutcome(after)}${unknown ? '' : ': the user may still exist, check by hand'}`,
    file: 'shared/actions/deleteUsers.ts',
  });
  return undefined;
}

/** Which of our field names a 400's message mentions (the message itself may echo values). */
function fieldsNamed(answer: Answer, fields: string[]): string {
  const text = JSON.stringify(answer.body ?? '');
  const named = fields.filter((field) => text.includes(field));
  return named.length > 0 ? `; the message names ${named.join(', ')}` : '';
}
