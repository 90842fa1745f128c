import { notFound } from '../http';
import type { SandboxState } from '../state';
import type { OfferGrant, User } from '../types';
import { Validator } from '../validate';
import { requireUser } from './lookups';
import type { Route, RouteContext } from './route';

/** Reading, deleting and annotating users. */
export const userRoutes: Route[] = [
  { method: 'GET', path: '/v1/users/list', handle: listUsers },
  { method: 'GET', path: '/v1/users/find-by-mail/:email', rateLimited: true, handle: findUserByMail },
  { method: 'GET', path: '/v1/users/login-token/:uid', rateLimited: true, handle: issueLoginToken },
  { method: 'DELETE', path: '/v1/users/delete-users', handle: deleteUsers },
  { method: 'POST', path: '/v1/users/set-custom-user-properties', handle: setCustomUserProperties },
];

interface UserFilter {
  offerId?: string;
  courseId?: string;
  active?: boolean;
}

/** Cursor pagination in uid order: a page starts after `lastLoadedId`; `nextPage` is set only when more users follow. */
function listUsers({ state, query }: RouteContext) {
  const input = Validator.of(query);
  const lastLoadedId = input.optionalString('lastLoadedId');
  const pageLength = input.queryInteger('pageLength', { min: 1, max: 100, fallback: 10 });
  const filter: UserFilter = {
    offerId: input.optionalString('offerId'),
    courseId: input.optionalString('courseId'),
    active: input.queryBoolean('active'),
  };
  input.check();

  const matches = userMatcher(state, filter);
  const data: User[] = [];
  for (const user of state.usersAfter(lastLoadedId)) {
    if (!matches(user)) continue;
    if (data.length === pageLength) return { data, nextPage: data[data.length - 1].uid };
    data.push(user);
  }
  return { data, nextPage: null };
}

/**
 * A user matches when one of their grants passes every given filter: it is for `offerId`, its offer covers
 * `courseId`, and its state is `active`. Without filters every user matches, also users without offers.
 */
function userMatcher(state: SandboxState, { offerId, courseId, active }: UserFilter): (user: User) => boolean {
  if (offerId === undefined && courseId === undefined && active === undefined) return () => true;
  const grantMatches = (grant: OfferGrant) =>
    (offerId === undefined || grant.offerId === offerId) &&
    (courseId === undefined || (state.offer(grant.offerId)?.courseIds.includes(courseId) ?? false)) &&
    (active === undefined || grant.active === active);
  return (user) => user.offers.some(grantMatches);
}

function findUserByMail({ state, params }: RouteContext) {
  return requireUser(state, params.email);
}

function issueLoginToken({ state, params, loginTokenTtlMs }: RouteContext) {
  if (!state.userByUid(params.uid)) throw notFound(`User with uid ${params.uid} not found`);
  return state.issueLoginToken(params.uid, loginTokenTtlMs);
}

/** Unknown emails are ignored, as Memberspot does. */
function deleteUsers({ state, body }: RouteContext) {
  const input = Validator.of(body);
  const emails = input.nonEmptyStringArray('emails');
  input.check();

  const users = emails.map((email) => state.userByEmail(email)).filter((user) => user !== undefined);
  return { deleted: state.deleteUsers(users) };
}

function setCustomUserProperties({ state, body }: RouteContext) {
  const input = Validator.of(body);
  const email = input.email();
  const values = input.nonEmptyArray('properties').map((property, index) => {
    const item = input.item('properties', index, property);
    const propertyId = item.requiredString('propertyId');
    const value = item.string('value');
    if (propertyId && !state.customPropertyDefinition(propertyId)) input.fail(`property ${propertyId} is not defined`);
    return { propertyId, value };
  });
  input.check();

  const user = requireUser(state, email);
  for (const { propertyId, value } of values) user.customProperties[propertyId] = value;
  return { uid: user.uid, email: user.email, customProperties: user.customProperties };
}
