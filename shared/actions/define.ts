import type { z } from 'zod';
import { ValidationError } from '../errors';
import type { ActionDefinition, FieldDefinition } from '../types';

/** Declares an action with its input type inferred from its zod schema. */
export function defineAction<const Id extends string, S extends z.ZodType, O>(
  definition: Omit<ActionDefinition<z.output<S>, O, Id>, 'schema'> & { schema: S },
): ActionDefinition<z.output<S>, O, Id> {
  return definition as ActionDefinition<z.output<S>, O, Id>;
}

/**
 * Encodes one path parameter as exactly one URL path segment. encodeURIComponent leaves dots alone, so an
 * empty, `.` or `..` value (which validation refuses anyway) is refused here too rather than sent.
 */
export function segment(value: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new ValidationError([{ field: 'path', message: `a path parameter must not be empty, "." or ".." (got ${JSON.stringify(value)})` }]);
  }
  return encodeURIComponent(value);
}

// Field definitions used by several actions, so labels and help read the same everywhere.

export const emailField: FieldDefinition = {
  name: 'email',
  label: 'Email',
  type: 'email',
  required: true,
  description: "The user's email address in Memberspot",
  placeholder: 'name@example.com',
};

export function accessIdField(description: string): FieldDefinition {
  return {
    name: 'accessId',
    label: 'Access ID',
    type: 'string',
    required: true,
    description,
    picker: 'offers',
  };
}

export const orderIdField: FieldDefinition = {
  name: 'orderId',
  label: 'Order ID',
  type: 'string',
  required: true,
  description: "The shop's order number, as stored when access was granted (e.g. from Digistore24, Stripe or CopeCart)",
};

/** The German label and help of orderIdField, for the actions that look an order up by it. */
export const orderIdFieldDe = { label: 'Bestellnummer', help: 'Die Bestellnummer des Shops, wie sie beim Vergeben des Zugangs gespeichert wurde (z. B. von Digistore24, Stripe oder CopeCart)' };

export const courseIdField: FieldDefinition = {
  name: 'courseId',
  label: 'Course ID',
  type: 'string',
  required: true,
  description: 'The ID of the course in Memberspot',
};

/** Makes an optional field from a shared one. */
export function optional(field: FieldDefinition, description?: string): FieldDefinition {
  return { ...field, required: false, description: description ?? field.description };
}
