import { notFound } from '../http';
import type { OfferGrant, User } from '../types';
import { Validator } from '../validate';
import { requireCourse, requireGrant, requireOffer, requireUser } from './lookups';
import type { Route, RouteContext, Schema } from './route';

const text: Schema = { type: 'string' };
const email: Schema = { type: 'string', format: 'email' };
const object = (properties: Record<string, Schema>, required: string[]): Schema => ({ type: 'object', properties, required });

/** Granting, revoking and deleting access: to offers, to the offers of an order, and to single chapters. */
export const accessRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/users/grant-user-offer-by-mail',
    doc: { body: object({ email, firstname: text, name: text, grantOffer: text, orderId: text }, ['email', 'grantOffer']) },
    handle: grantUserOffer,
  },
  {
    method: 'POST',
    path: '/v1/users/set-offer-state',
    doc: { body: object({ email, offerId: text, active: { type: 'boolean' } }, ['email', 'offerId']) },
    handle: setOfferState,
  },
  {
    method: 'POST',
    path: '/v1/users/set-order-state',
    doc: { body: object({ orderId: text, email, active: { type: 'boolean' } }, ['orderId']) },
    handle: setOrderState,
  },
  {
    method: 'PATCH',
    path: '/v1/users/set-offer-expires',
    doc: { body: object({ email, offerId: text, expiresAt: { type: 'string', format: 'date-time' } }, ['email', 'offerId', 'expiresAt']) },
    handle: setOfferExpires,
  },
  {
    method: 'POST',
    path: '/v1/chapters/chapter-access/enable',
    doc: { body: object({ email, courseId: text, chapterId: text }, ['email', 'courseId', 'chapterId']) },
    handle: enableChapterAccess,
  },
];

/** Creates the user when missing; granting an offer the user has re-activates it instead of adding it again. */
function grantUserOffer({ state, body }: RouteContext) {
  const input = Validator.of(body);
  const email = input.email();
  const firstname = input.optionalString('firstname');
  const name = input.optionalString('name');
  const offerId = input.requiredString('grantOffer');
  const orderId = input.optionalString('orderId');
  input.check();
  requireOffer(state, offerId);

  const existing = state.userByEmail(email);
  const user = existing ?? state.addUser({ email, firstname: '', name: '' });
  // Given names fill in a new user and update an existing one; missing or empty names never erase.
  if (firstname) user.firstname = firstname;
  if (name) user.name = name;
  const grant = grantOffer(user, offerId, orderId);
  return {
    uid: user.uid,
    email: user.email,
    firstname: user.firstname,
    name: user.name,
    offerId,
    orderId: grant.orderId ?? null,
    created: !existing,
  };
}

function grantOffer(user: User, offerId: string, orderId: string | undefined): OfferGrant {
  let grant = user.offers.find((candidate) => candidate.offerId === offerId);
  if (!grant) {
    grant = { offerId, active: true, grantedAt: new Date().toISOString() };
    user.offers.push(grant);
  }
  grant.active = true;
  if (orderId) grant.orderId = orderId;
  return grant;
}

/** `active` true/false switches the offer (progress stays); without `active` the offer and its progress are deleted. */
function setOfferState({ state, body, variants }: RouteContext) {
  const input = Validator.of(body);
  const email = input.email();
  const offerId = input.requiredString('offerId');
  const active = input.optionalBoolean('active');
  input.check();

  const user = requireUser(state, email);
  const grant = requireGrant(state, user, offerId);
  const identity = { uid: user.uid, email: user.email, offerId };
  if (active === undefined && variants.deleteAccess === 'remove') {
    state.removeGrants(user, (candidate) => candidate === grant);
    return { ...identity, removed: true };
  }
  if (active === undefined) {
    grant.active = false;
    return { ...identity, active: false };
  }
  grant.active = active;
  return { ...identity, active };
}

/** Like set-offer-state, for every grant of an order: across all users, or only the given user's. */
function setOrderState({ state, body, variants }: RouteContext) {
  const input = Validator.of(body);
  const orderId = input.requiredString('orderId');
  const email = input.optionalEmail('email');
  const given = input.optionalBoolean('active');
  input.check();
  // The `deactivate` variant reads a missing `active` as false.
  const active = given === undefined && variants.deleteAccess === 'deactivate' ? false : given;

  const users = email === undefined ? state.users : [requireUser(state, email)];
  const ofOrder = (grant: OfferGrant) => grant.orderId === orderId;
  let affected = 0;
  for (const user of users) {
    if (active === undefined) {
      affected += state.removeGrants(user, ofOrder);
      continue;
    }
    const grants = user.offers.filter(ofOrder);
    for (const grant of grants) grant.active = active;
    affected += grants.length;
  }
  if (affected === 0) throw notFound(`Order ${orderId} not found`);
  return active === undefined ? { orderId, removed: true, affected } : { orderId, active, affected };
}

/** Body keys beyond the three known ones are ignored (they are unconfirmed, so clients may send extra ones). */
function setOfferExpires({ state, body }: RouteContext) {
  const input = Validator.of(body);
  const email = input.email();
  const offerId = input.requiredString('offerId');
  const expiresAt = input.nullableIsoDate('expiresAt');
  input.check();

  const user = requireUser(state, email);
  const grant = requireGrant(state, user, offerId);
  if (expiresAt === null) delete grant.expiresAt;
  else grant.expiresAt = expiresAt;
  return { uid: user.uid, email: user.email, offerId, expiresAt };
}

function enableChapterAccess({ state, body }: RouteContext) {
  const input = Validator.of(body);
  const email = input.email();
  const courseId = input.requiredString('courseId');
  const chapterId = input.requiredString('chapterId');
  input.check();

  const user = requireUser(state, email);
  const course = requireCourse(state, courseId);
  if (!course.chapters.some((chapter) => chapter.id === chapterId)) {
    throw notFound(`Chapter ${chapterId} not found in course ${courseId}`);
  }
  const enabled = user.chapterAccess.some((access) => access.courseId === courseId && access.chapterId === chapterId);
  if (!enabled) user.chapterAccess.push({ courseId, chapterId });
  return { uid: user.uid, email: user.email, courseId, chapterId, enabled: true };
}
