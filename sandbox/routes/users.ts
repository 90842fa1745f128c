import { notFound } from '../http';
import type { SandboxState } from '../state';
import type { OfferGrant, User } from '../types';
import { Validator } from '../validate';
import { requireUser } from './lookups';
import type { Route, RouteContext, Schema } from './route';

const text: Schema = { type: 'string' };

/** Reading, deleting and annotating users. */
export const userRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/users/list',
    doc: {
      query: {
        lastLoadedId: text,
        pageLength: { type: 'integer' },
        offerId: text,
        courseId: text,
        active: { type: 'boolean' },
      },
    },
    handle: listUsers,
  },
  { method: 'GET', path: '/v1/users/find-by-mail/:email', rateLimited: true, handle: findUserByMail },
  { method: 'GET', path: '/v1/users/login-token/:uid', rateLimited: true, handle: issueLoginToken },
  {
    method: 'DELETE',
    path: '/v1/users/delete-users',
    doc: { body: { type: 'object', properties: { emails: { type: 'array', items: { type: 'string', format: 'email' } } }, required: ['emails'] } },
    handle: deleteUsers,
  },
  { method: 'POST', path: '/v1/users/set-custom-user-properties', doc: { body: customPropertiesBody('propertyId') }, handle: setCustomUserProperties },
];

interface UserFilter {
  offerId?: string;
  courseId?: string;
  active?: boolean;
}

/** Cursor pagination in uid order: a page starts after `lastLoadedId`; `nextPage` is set only when more users follow. */
/** The body of set-custom-user-properties, with the item key of the `customPropertyKey` variant. */
export function customPropertiesBody(key: 'propertyId' | 'id'): Schema {
  const item: Schema = { type: 'object', properties: { [key]: text, value: text }, required: [key, 'value'] };
  return { type: 'object', properties: { email: { type: 'string', format: 'email' }, properties: { type: 'array', items: item } }, required: ['email', 'properties'] };
}

function listUsers({ state, query, variants }: RouteContext) {
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
  let nextPage: string | null = null;
  for (const user of state.usersAfter(lastLoadedId)) {
    if (!matches(user)) continue;
    if (data.length === pageLength) {
      nextPage = data[data.length - 1].uid;
      break;
    }
    data.push(user);
  }
  if (variants.listUsers === 'array') return data;
  if (variants.cursor === 'absent') return { data };
  return { data, [variants.cursor]: nextPage };
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

function issueLoginToken({ state, params, loginTokenTtlMs, variants }: RouteContext) {
  if (!state.userByUid(params.uid)) throw notFound(`User with uid ${params.uid} not found`);
  const issued = state.issueLoginToken(params.uid, loginTokenTtlMs);
  if (variants.loginToken === 'string') return issued.token;
  return variants.loginToken === 'token' ? { token: issued.token } : issued;
}

/** Unknown emails are ignored, as Memberspot does. */
function deleteUsers({ state, body }: RouteContext) {
  const input = Validator.of(body);
  const emails = input.nonEmptyStringArray('emails');
  input.check();

  const users = emails.map((email) => state.userByEmail(email)).filter((user) => user !== undefined);
  return { deleted: state.deleteUsers(users) };
}

function setCustomUserProperties({ state, body, variants }: RouteContext) {
  const input = Validator.of(body);
  const email = input.email();
  const values = input.nonEmptyArray('properties').map((property, index) => {
    const item = input.item('properties', index, property);
    const propertyId = item.requiredString(variants.customPropertyKey);
    const value = item.string('value');
    if (propertyId && !state.customPropertyDefinition(propertyId)) input.fail(`property ${propertyId} is not defined`);
    return { propertyId, value };
  });
  input.check();

  const user = requireUser(state, email);
  for (const { propertyId, value } of values) user.customProperties[propertyId] = value;
  return { uid: user.uid, email: user.email, customProperties: user.customProperties };
}
