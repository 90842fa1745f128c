import { isObject, type JsonObject } from '../shared/actions/normalize';

/** A value's shape in words, with key names but never values: "object { data, nextPage }", "array of 3 objects". */
export function shapeOf(value: unknown): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return 'empty array';
    const kinds = [...new Set(value.map(kindOf))];
    return `array of ${value.length} ${kinds.length === 1 ? `${kinds[0]}s` : 'mixed values'}`;
  }
  if (isObject(value)) return Object.keys(value).length === 0 ? 'empty object' : `object { ${Object.keys(value).join(', ')} }`;
  return kindOf(value);
}

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value === undefined) return 'nothing';
  return typeof value === 'string' && value === '' ? 'empty string' : typeof value;
}

/** The keys of the first object of a list, for "items { id, name }". */
export function itemKeys(list: unknown[]): string {
  const first = list.find(isObject) as JsonObject | undefined;
  return first ? `{ ${Object.keys(first).join(', ')} }` : '(no objects)';
}

/** Which of the keys (in order) the object has, and whether the first one it has is the first choice. */
export function firstKey(object: JsonObject, keys: string[], accept: (value: unknown) => boolean): string | undefined {
  return keys.find((key) => Object.prototype.hasOwnProperty.call(object, key) && accept(object[key]));
}
