/**
 * Helpers for reading Memberspot's answers. Where public sources disagree on a response's shape, the
 * actions accept every known shape ([D] in the contract) through these helpers.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown): JsonObject {
  if (isObject(value)) return value;
  return value === undefined || value === null || value === '' ? {} : { value };
}

/** A list from a bare array or from the first of the given keys that holds one. */
export function asList(value: unknown, keys: string[] = ['data', 'items', 'results']): JsonObject[] {
  let list: unknown = value;
  if (isObject(value)) list = keys.map((k) => value[k]).find(Array.isArray) ?? [];
  if (!Array.isArray(list)) return [];
  return list.map((entry) => asObject(entry));
}

/** The first string among the given keys. */
export function pickString(source: JsonObject, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = source[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

// Reading a user (its uid, its email) out of an answer: readUser in ../users.ts, the one place for it.
