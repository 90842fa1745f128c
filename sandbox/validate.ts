import { HttpError } from './http';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const INTEGER = /^-?\d+$/;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a body or a query the way NestJS's ValidationPipe does: every bad field adds one
 * class-validator style message, and `check()` throws them all together as one 400.
 * A getter returns a placeholder for a bad field, so call `check()` before using any value.
 */
export class Validator {
  private constructor(
    private readonly input: Record<string, unknown>,
    private readonly prefix: string,
    private readonly messages: string[],
  ) {}

  /** A body that is not an object validates like an empty one. */
  static of(input: unknown): Validator {
    return new Validator(isRecord(input) ? input : {}, '', []);
  }

  /** Validates an item of an array field; its messages name the item (`properties.0.value ...`) and join this validator's. */
  item(field: string, index: number, value: unknown): Validator {
    return new Validator(isRecord(value) ? value : {}, `${this.prefix}${field}.${index}.`, this.messages);
  }

  email(field = 'email'): string {
    const value = this.input[field];
    if (isAbsent(value)) return this.reject(`${field} should not be empty`, '');
    if (typeof value !== 'string' || !EMAIL.test(value)) return this.reject(`${field} must be an email`, '');
    return value;
  }

  optionalEmail(field: string): string | undefined {
    return isAbsent(this.input[field]) ? undefined : this.email(field);
  }

  /** A non-empty string. */
  requiredString(field: string): string {
    const value = this.input[field];
    if (isAbsent(value)) return this.reject(`${field} should not be empty`, '');
    if (typeof value !== 'string') return this.reject(`${field} must be a string`, '');
    return value;
  }

  /** A string that may be empty. */
  string(field: string): string {
    const value = this.input[field];
    if (typeof value !== 'string') return this.reject(`${field} must be a string`, '');
    return value;
  }

  /** Missing, null and empty count as absent. */
  optionalString(field: string): string | undefined {
    return isAbsent(this.input[field]) ? undefined : this.requiredString(field);
  }

  /**
   * Only a missing key counts as absent; null is refused. Where `active` is optional its absence means
   * "delete", so a client that sends `active: null` must not delete anything by accident.
   */
  optionalBoolean(field: string): boolean | undefined {
    const value = this.input[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') return this.reject(`${field} must be a boolean value`, undefined);
    return value;
  }

  /** An ISO 8601 date, normalised to UTC; null stays null (it clears the date). */
  nullableIsoDate(field: string): string | null {
    const value = this.input[field];
    if (value === null) return null;
    if (typeof value !== 'string' || !ISO_8601.test(value) || Number.isNaN(Date.parse(value))) {
      return this.reject(`${field} must be a valid ISO 8601 date string`, null);
    }
    return new Date(value).toISOString();
  }

  nonEmptyArray(field: string): unknown[] {
    const value = this.input[field];
    if (!Array.isArray(value)) return this.reject(`${field} must be an array`, []);
    if (value.length === 0) return this.reject(`${field} should not be empty`, []);
    return value;
  }

  nonEmptyStringArray(field: string): string[] {
    const value = this.nonEmptyArray(field);
    if (!value.every((item): item is string => typeof item === 'string')) {
      return this.reject(`each value in ${field} must be a string`, []);
    }
    return value;
  }

  /** A query parameter holding an integer in [min, max]. */
  queryInteger(field: string, { min, max, fallback }: { min: number; max: number; fallback: number }): number {
    const value = this.input[field];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !INTEGER.test(value)) return this.reject(`${field} must be an integer number`, fallback);
    const number = Number(value);
    if (number < min) return this.reject(`${field} must not be less than ${min}`, fallback);
    if (number > max) return this.reject(`${field} must not be greater than ${max}`, fallback);
    return number;
  }

  /** A query parameter holding `true` or `false`. */
  queryBoolean(field: string): boolean | undefined {
    const value = this.input[field];
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false') return this.reject(`${field} must be a boolean value`, undefined);
    return value === 'true';
  }

  /** Adds a message that no getter can express. */
  fail(message: string): void {
    this.messages.push(message);
  }

  check(): void {
    if (this.messages.length > 0) throw new HttpError(400, [...this.messages]);
  }

  private reject<T>(message: string, placeholder: T): T {
    this.messages.push(`${this.prefix}${message}`);
    return placeholder;
  }
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}
