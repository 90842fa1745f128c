/**
 * How registry fields become Node-RED node properties: one property per field name (`email`, `accessId`,
 * ...) plus its typedInput type (`emailType`, ...). Shared by the runtime and the build-time form generator,
 * so both agree on names, types and the msg fallback.
 */
import { actionList, resourceLabels } from '../shared';
import type { AnyAction } from '../shared';
import type { FieldDefinition, FieldType } from '../shared';

/** The node properties of a paged list's controls (an action with `paging`): every page, up to a limit. */
export const PAGING = Object.freeze({ returnAll: 'returnAll', limit: 'limit' });

/**
 * The node property "Run once per element of msg.payload". New nodes save `false`; nodes saved before it
 * existed lack it and keep their behaviour (an array of objects in msg.payload runs once per element).
 */
export const BULK = 'bulk';

/** Node properties that fields must never overwrite. */
export const RESERVED = new Set(['id', 'type', 'z', 'x', 'y', 'g', 'd', 'wires', 'name', 'action', 'account', 'info', 'outputs', 'inputs', PAGING.returnAll, PAGING.limit, BULK]);

/** The typedInput type meaning "take it from msg.<field name>" (the default for every field). */
export const FALLBACK_TYPE = 'msgdefault';
/** The typedInput type of the Method select (Make an API Call). */
export const OPTIONS_TYPE = 'option';

/** typedInput types offered per field type; the first is the default. */
export function typedInputTypes(field: FieldDefinition): string[] {
  const context = ['msg', 'flow', 'global', 'env', 'jsonata'];
  const byType: Record<FieldType, string[]> = {
    string: ['str', ...context],
    email: ['str', ...context],
    dateTime: ['str', ...context],
    emailList: ['str', 'json', ...context],
    boolean: ['bool', ...context],
    number: ['num', ...context],
    options: [OPTIONS_TYPE, ...context],
    properties: ['json', ...context],
    keyValue: ['json', ...context],
    json: ['json', ...context],
  };
  return [FALLBACK_TYPE, ...byType[field.type]];
}

/** Types whose blank value means "not set here": the field falls back to msg.<field name>. */
export const BLANK_FALLS_BACK = new Set(['str', 'num', 'json', 'bool', 'jsonata', 'env', OPTIONS_TYPE]);

export interface FieldSlot {
  name: string;
  /** The field's type (the same across actions: the generator checks). */
  type: FieldType;
}

/** Every field name used by any action, in first-seen order, with its type. */
export function fieldSlots(actions: readonly AnyAction[] = actionList): FieldSlot[] {
  const slots = new Map<string, FieldSlot>();
  for (const action of actions) {
    for (const field of action.fields) {
      if (RESERVED.has(field.name) || field.name.endsWith('Type')) {
        throw new Error(`Field "${field.name}" of ${action.id} collides with a Node-RED node property; rename it in the registry`);
      }
      const seen = slots.get(field.name);
      if (seen && seen.type !== field.type) {
        throw new Error(`Field "${field.name}" has type ${field.type} in ${action.id} but ${seen.type} elsewhere`);
      }
      if (!seen) slots.set(field.name, { name: field.name, type: field.type });
    }
  }
  return [...slots.values()];
}

/** Actions grouped by resource, in the registry's order, the way the n8n node groups them. */
export function actionGroups(actions: readonly AnyAction[] = actionList): Array<{ resource: string; label: string; actions: AnyAction[] }> {
  const groups: Array<{ resource: string; label: string; actions: AnyAction[] }> = [];
  for (const resource of Object.keys(resourceLabels) as Array<keyof typeof resourceLabels>) {
    const members = actions.filter((a) => a.resource === resource);
    if (members.length) groups.push({ resource, label: resourceLabels[resource], actions: members });
  }
  return groups;
}
