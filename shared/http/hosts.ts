/**
 * What both host wrappers need beyond the client: resource names for grouping, turning host field values
 * into an action's input, the offer and property pickers, and a one-line error text.
 */
import type { AnyAction } from '../actions';
import type { MemberspotClient } from '../client';
import { MemberspotError } from '../errors';
import type { Resource } from '../types';

/** Display names of the resources, in the order hosts list them. */
export const resourceLabels: Readonly<Record<Resource, string>> = Object.freeze({
  access: 'Access',
  order: 'Order Access',
  user: 'User',
  customProperty: 'Custom Property',
  offer: 'Offer',
  courseProgress: 'Course Progress',
  chapter: 'Chapter',
  exam: 'Exam',
  apiCall: 'API Call',
});

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value as object).length === 0;
  return false;
}

/**
 * Builds an action's input from host values by field name. Empty values of optional fields are left out
 * (hosts show every field, and an empty optional field means "not given"); empty required fields stay, so
 * that validation names them. For a destructive action, an optional field the user did set (`isSet`: an
 * added n8n Additional Field, an expression, a Node-RED source other than the default, a msg property that
 * is there) stays even when it resolves empty, so that the core refuses it instead of taking it as "not
 * given" (which can mean "delete").
 */
export function buildInput(
  action: AnyAction,
  valueOf: (fieldName: string) => unknown,
  isSet?: (fieldName: string) => boolean,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of action.fields) {
    const value = valueOf(field.name);
    if (!field.required && isEmpty(value)) {
      if (action.destructive && isSet?.(field.name)) input[field.name] = value;
      continue;
    }
    if (value !== undefined) input[field.name] = value;
  }
  return input;
}

export interface PickerOption {
  name: string;
  value: string;
  description?: string;
}

/** The choices for a field's picker (offers or custom properties), sorted by name, optionally filtered. */
export async function pickerOptions(
  client: MemberspotClient,
  picker: 'offers' | 'customProperties',
  filter?: string,
): Promise<PickerOption[]> {
  const entries = picker === 'offers' ? await client.execute('listOffers') : await client.execute('listCustomProperties');
  const needle = filter?.trim().toLowerCase();
  return entries
    .map((entry) => {
      const value = String(entry.id ?? '');
      const name = typeof entry.name === 'string' && entry.name ? entry.name : value;
      return { name, value, description: value };
    })
    .filter((o) => o.value !== '')
    .filter((o) => !needle || o.name.toLowerCase().includes(needle) || o.value.toLowerCase().includes(needle))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Message and hint of any error, in one line, for a node's status or an error item. */
export function describeError(error: unknown): { message: string; hint: string; code: string } {
  if (error instanceof MemberspotError) return { message: error.message, hint: error.hint, code: error.code };
  return { message: error instanceof Error ? error.message : String(error), hint: '', code: 'UNKNOWN' };
}
