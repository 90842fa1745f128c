/**
 * The action registry: every Memberspot action this package knows, one file each in this folder. The list
 * of files is ./registry.ts, generated at build time (scripts/actions-index.js), so adding an endpoint means
 * adding one file here; both hosts build their UI from `actionList`.
 */
import type { ActionDefinition } from '../types';
import { definitions } from './registry';

type Definitions = typeof definitions;

/** Every action by id. */
export type Actions = { readonly [K in keyof Definitions as Definitions[K]['id']]: Definitions[K] };
export type ActionId = keyof Actions;
/** What the action with this id returns. */
export type ActionOutput<A extends ActionId> = ReturnType<Actions[A]['normalize']>;
/** The input an action accepts after validation. */
export type ActionInput<A extends ActionId> = Parameters<Actions[A]['request']>[0];

export type AnyAction = ActionDefinition<any, unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The order hosts list actions in: by `position`, then by id. */
function byPosition(a: AnyAction, b: AnyAction): number {
  return (a.position ?? Infinity) - (b.position ?? Infinity) || a.id.localeCompare(b.id);
}

/** The actions as a list, in the order hosts list them (the Make modules first, then the read endpoints). */
export const actionList: readonly AnyAction[] = Object.freeze((Object.values(definitions) as AnyAction[]).sort(byPosition));

/** Every action by id, in the order of `actionList`. */
export const actions: Actions = Object.freeze(Object.fromEntries(actionList.map((a) => [a.id, a]))) as unknown as Actions;

export function isActionId(value: unknown): value is ActionId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(actions, value);
}

export * from './registry';
