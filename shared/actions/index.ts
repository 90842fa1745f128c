/**
 * The action registry: every Memberspot action this package knows, one file each. Both hosts build their
 * UI from this list, so adding an endpoint means adding one file here and one line below.
 */
import type { ActionDefinition, ActionId } from '../types';
import { apiCall } from './apiCall';
import { deleteAccess } from './deleteAccess';
import { deleteOrderAccess } from './deleteOrderAccess';
import { deleteUsers } from './deleteUsers';
import { enableChapterAccess } from './enableChapterAccess';
import { findUserByEmail } from './findUserByEmail';
import { getCourseProgress } from './getCourseProgress';
import { getExamResults } from './getExamResults';
import { getLoginToken } from './getLoginToken';
import { grantAccess } from './grantAccess';
import { listCourseProgress } from './listCourseProgress';
import { listCustomProperties } from './listCustomProperties';
import { listOffers } from './listOffers';
import { listUsers } from './listUsers';
import { revokeAccess } from './revokeAccess';
import { revokeOrderAccess } from './revokeOrderAccess';
import { setCustomProperties } from './setCustomProperties';
import { setOfferExpiration } from './setOfferExpiration';

/** Every action by id, in the order hosts list them: the Make modules first, then the read endpoints. */
export const actions = Object.freeze({
  grantAccess,
  revokeAccess,
  deleteAccess,
  setOfferExpiration,
  revokeOrderAccess,
  deleteOrderAccess,
  findUserByEmail,
  listUsers,
  getLoginToken,
  deleteUsers,
  setCustomProperties,
  listCustomProperties,
  listOffers,
  listCourseProgress,
  getCourseProgress,
  enableChapterAccess,
  getExamResults,
  apiCall,
}) satisfies Record<ActionId, AnyAction>;

export type Actions = typeof actions;
/** What an action returns, e.g. `ActionOutput<'grantAccess'>`. */
export type ActionOutput<A extends ActionId> = ReturnType<Actions[A]['normalize']>;
/** The input an action accepts after validation. */
export type ActionInput<A extends ActionId> = Parameters<Actions[A]['request']>[0];

export type AnyAction = ActionDefinition<any, unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The actions as a list, for hosts that build their UI from it. */
export const actionList: readonly AnyAction[] = Object.values(actions);

export function isActionId(value: unknown): value is ActionId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(actions, value);
}

export {
  apiCall,
  deleteAccess,
  deleteOrderAccess,
  deleteUsers,
  enableChapterAccess,
  findUserByEmail,
  getCourseProgress,
  getExamResults,
  getLoginToken,
  grantAccess,
  listCourseProgress,
  listCustomProperties,
  listOffers,
  listUsers,
  revokeAccess,
  revokeOrderAccess,
  setCustomProperties,
  setOfferExpiration,
};
