import { randomBytes } from 'node:crypto';
import { asList, isObject, pickString } from '../shared/actions/normalize';
import { readUser, sameEmail } from '../shared/users';
import type { ActionId } from '../shared/types';
import { describeOutcome, isAnswer, type Answer, type Outcome } from './http';
import { baseline, combine, createdFlag, findPresence, listPresence, type Baseline, type Presence } from './members';
import type { Context } from './probes';
import type { Check } from './report';
import { shapeOf } from './shapes';

export interface WriteOptions {
  /** The throwaway user's address: made by the doctor (`generated`), or given with --email. */
  email: string;
  generated: boolean;
  offerId: string;
}

type OfferState = 'active' | 'inactive' | 'absent' | { unknown: string };
/** Whether this run's first grant created the throwaway user: only then does the clean-up delete it. */
type Created = 'yes' | 'no' | 'existed' | 'unknown';

/** A step that got an answer it cannot go on from: the remaining steps are skipped, the clean-up still runs. */
class StepFailed extends Error {}

const ok = (outcome: Outcome): boolean => isAnswer(outcome) && outcome.status >= 200 && outcome.status < 300;
const statusOf = (outcome: Outcome) => (isAnswer(outcome) ? outcome.status : 0);

/** Read checks whose "differs" means the doctor cannot be sure which users exist: no write probe runs then. */
const SHAPE_CHECKS = ['List Users', 'List Users: users', 'List Users: cursor', 'List Users: next page', 'List Users: uid', 'Find User by Email'];

/** The address doctor-made addresses start with, followed by 12 random hex digits. */
export const GENERATED_PREFIX = 'memberspot-doctor-';

/** A throwaway address no member can have: `memberspot-doctor-<random>@<domain>`. */
export function throwawayAddress(domain: string): string {
  return `${GENERATED_PREFIX}${randomBytes(6).toString('hex')}@${domain}`;
}

/**
 * Writes with a throwaway user: grant, revoke, re-grant, expiry, custom property, delete access, the order
 * steps, a login token; at the end the user is deleted, but only when this run's first grant created it.
 * Nothing is written unless the address is new beyond doubt. Returns why the run failed, if it did.
 */
export async function probeWrites(context: Context, options: WriteOptions): Promise<string | undefined> {
  const { http } = context;
  const who = '<throwaway user>';
  context.redactor.alias(options.email, who);
  if (!context.offers.some((offer) => pickString(offer, 'id', 'offerId') === options.offerId)) {
    return 'the offer given with --offer is not among the school\'s offers (GET /v1/offers); nothing was written';
  }
  const differing = context.checks.filter((check) => check.area === 'read' && check.status === 'differs' && SHAPE_CHECKS.includes(check.name));
  if (differing.length > 0) {
    return `refused: the read probes found ${differing.map((check) => `"${check.name}"`).join(', ')} differing, so the doctor cannot be sure which users exist; nothing was written`;
  }
  const checked = await newBeyondDoubt(context, options);
  if ('refusal' in checked) return checked.refusal;
  const base = checked.baseline;
  const presence = () => (base.noEnterprise ? listPresence(context, options.email) : findPresence(context, options.email, base.outcome));

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
  /** The name of the first step whose result could not be read back: nothing is deleted on a guess after it. */
  let blind: string | undefined;
  const verify = async (name: string, expected: OfferState, decision: string, actionId: ActionId, done: string) => {
    const state = await offerState(context, options.email, options.offerId);
    if (typeof state === 'object') {
      blind ??= name;
      return add(name, 'unchecked', `${done}; the result could not be read back: ${state.unknown}`, decision, actionId);
    }
    add(name, state === expected ? 'holds' : 'differs', `${done}; read back: the offer is ${state}${state === expected ? '' : `, expected ${expected as string}`}`, decision, actionId);
  };
  const destructive = async (actionId: ActionId, actionInput: unknown, name: string): Promise<boolean> => {
    if (!blind) {
      await run(actionId, actionInput, name);
      return true;
    }
    add(name, 'unchecked', `not run: the result of "${blind}" could not be read back, so the doctor does not delete access on a guess`, undefined, actionId);
    return false;
  };

  let failure: string | undefined;
  let created: Created | undefined;
  let uid: string | undefined;
  try {
    const first = await http.action('grantAccess', { ...input, orderId: order, firstName: 'Memberspot', lastName: 'Doctor' });
    created = await createdBy(first, options.email, presence);
    if (!ok(first)) {
      add('Grant Access', 'unchecked', `${describeOutcome(first)}; the remaining write steps were skipped`, undefined, 'grantAccess');
      throw new StepFailed(`Grant Access: ${describeOutcome(first)}`);
    }
    if (created !== 'yes') {
      const why = created === 'existed' ? 'the answer says the user already existed' : 'neither its answer nor a read-back shows the user it created';
      add('Grant Access', 'unchecked', `HTTP ${statusOf(first)}, but ${why}; the remaining write steps were skipped`, undefined, 'grantAccess');
      throw new StepFailed(`Grant Access: ${why}`);
    }
    const granted = first as Answer;
    uid = readUser(granted.body)?.uid;
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
    if (await destructive('deleteAccess', input, 'Delete Access')) {
      await verify('Delete Access', 'absent', '[D] set-offer-state without active removes the offer', 'deleteAccess', 'set-offer-state without active');
    }
    await run('grantAccess', { ...input, orderId: order }, 'Grant Access by order');
    await run('revokeOrderAccess', { email: options.email, orderId: order, active: false }, 'Revoke Order Access');
    await verify('Revoke Order Access', 'inactive', 'set-order-state { active: false } deactivates', 'revokeOrderAccess', 'set-order-state { active: false }');
    if (await destructive('deleteOrderAccess', { orderId: order }, 'Delete Order Access')) {
      await verify('Delete Order Access', 'absent', '[D] set-order-state without active removes the order\'s offers', 'deleteOrderAccess', 'set-order-state { orderId } without active');
    }
    uid ??= await findUid(context, options.email);
    if (uid) await probeLoginToken(context, uid, add);
    else add('Get Login Token', 'unchecked', 'no uid known for the throwaway user', '[D] login token shape', 'getLoginToken');
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    failure = `a write step failed (${error.message})`;
  } finally {
    const cleanup = created && (await cleanUp(context, options, created, presence));
    if (cleanup) failure = failure ? `${failure}; ${cleanup}` : cleanup;
  }
  return failure;
}

/**
 * Makes sure no member has the address. A doctor-made address is new by construction; Find User by Email
 * must still answer for it as for an address that cannot exist. A given --email must also be on no page of
 * List Users, in any letter case (a lookup may match letter case exactly). Without Enterprise (find-by-mail
 * 403) List Users alone decides.
 */
async function newBeyondDoubt(context: Context, options: WriteOptions): Promise<{ baseline: Baseline } | { refusal: string }> {
  const what = options.generated ? 'the throwaway address the doctor made' : 'the --email address';
  const refuse = (why: string) => ({ refusal: `refused: the doctor cannot be sure ${what} is new: ${why}; nothing was written` });
  const base = await baseline(context);
  if ('unsure' in base) return refuse(base.unsure);
  const presences: Presence[] = [];
  if (!base.noEnterprise) presences.push(await findPresence(context, options.email, base.outcome));
  if (!options.generated && combine(...presences).kind === 'absent') presences.push(await listPresence(context, options.email));
  const presence = combine(...presences);
  if (presence.kind === 'present') {
    return { refusal: `refused: ${what} belongs to a member (${presence.how}); the doctor never writes to an existing member. Leave out --email and give --email-domain: the doctor then makes a throwaway address itself (nothing was written)` };
  }
  return presence.kind === 'unsure' ? refuse(presence.why) : { baseline: base };
}

/** Whether the first grant created the user: its answer shows the user, or a read-back finds it (it did not exist before). */
async function createdBy(first: Outcome, email: string, presence: () => Promise<Presence>): Promise<Created> {
  if (ok(first)) {
    const { body } = first as Answer;
    if (createdFlag(body) === false) return 'existed';
    const found = readUser(body);
    if (found && (found.email === undefined || sameEmail(found.email, email))) return 'yes';
  }
  const after = await presence();
  if (after.kind === 'present') return 'yes';
  return after.kind === 'absent' && !ok(first) ? 'no' : 'unknown';
}

/** The state of one offer of a user, read through Find User by Email. */
async function offerState(context: Context, email: string, offerId: string): Promise<OfferState> {
  const outcome = await context.http.action('findUserByEmail', { email });
  if (!isAnswer(outcome) || outcome.status !== 200) return { unknown: `Find User by Email answered ${describeOutcome(outcome)}` };
  const found = readUser(outcome.body);
  if (!found) return { unknown: `no user in the answer (${shapeOf(outcome.body)})` };
  const user = found.user;
  const key = ['offers', 'accesses', 'grants'].find((name) => Array.isArray(user[name]));
  if (!key) return { unknown: `the user has no list of offers (${shapeOf(user)})` };
  const grant = asList(user[key]).find((item) => pickString(item, 'offerId', 'id', 'offer') === offerId);
  if (!grant) return 'absent';
  if (typeof grant.active !== 'boolean') return { unknown: `an offer has no "active" flag (${shapeOf(grant)})` };
  return grant.active ? 'active' : 'inactive';
}

async function findUid(context: Context, email: string): Promise<string | undefined> {
  const outcome = await context.http.action('findUserByEmail', { email });
  return ok(outcome) ? readUser((outcome as Answer).body)?.uid : undefined;
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

/**
 * The clean-up: deletes the throwaway user only when this run's first grant created it, and reports it
 * gone only when the read-back answers as for an address that cannot exist. Returns a message when the
 * user may be left in the school (or was never this run's to delete).
 */
async function cleanUp(context: Context, options: WriteOptions, created: Created, presence: () => Promise<Presence>): Promise<string | undefined> {
  const name = 'Delete Users (clean-up)';
  const file = 'shared/actions/deleteUsers.ts';
  const push = (status: Check['status'], detail: string) => void context.checks.push({ area: 'write', name, status, detail, file });
  // The address in words the report may carry: a doctor-made local part is no personal data.
  const address = options.generated ? `${options.email.split('@')[0]}@ (the --email-domain)` : '<throwaway user> (the --email address)';
  if (created === 'no') {
    push('info', 'nothing to delete: the first grant failed and created no user (read back)');
    return undefined;
  }
  if (created !== 'yes') {
    const why = created === 'existed' ? 'the first grant answered that the user already existed' : 'this run could not tell whether its first grant created the user';
    push('unchecked', `NOTHING DELETED: ${why}. Check by hand in Memberspot whether a user ${address} exists; delete it only if it is the doctor's (first name Memberspot, last name Doctor, the --offer, an order ID starting memberspot-doctor-)`);
    return `nothing was deleted (${why}): check ${address} by hand`;
  }
  const deleted = await context.http.action('deleteUsers', { emails: [options.email] });
  if (!ok(deleted)) {
    push('unchecked', `CLEAN-UP FAILED (${describeOutcome(deleted)}): delete <throwaway user> in Memberspot by hand`);
    return `the throwaway user could not be deleted (${describeOutcome(deleted)}): delete it by hand`;
  }
  const after = await presence();
  if (after.kind === 'absent') {
    push('holds', `HTTP ${statusOf(deleted)}; the throwaway user is gone (read back: ${after.how})`);
    return undefined;
  }
  if (after.kind === 'present') {
    push('differs', `HTTP ${statusOf(deleted)}, but the throwaway user is NOT gone: ${after.how}. Delete ${address} in Memberspot by hand`);
    return `the throwaway user is still there after Delete Users: delete ${address} by hand`;
  }
  push('unchecked', `HTTP ${statusOf(deleted)}; whether the throwaway user is gone could not be read back (${after.why}): check ${address} in Memberspot by hand`);
  return undefined;
}

/** Which of our field names a 400's message mentions (the message itself may echo values). */
function fieldsNamed(answer: Answer, fields: string[]): string {
  const text = JSON.stringify(answer.body ?? '');
  const named = fields.filter((field) => text.includes(field));
  return named.length > 0 ? `; the message names ${named.join(', ')}` : '';
}
