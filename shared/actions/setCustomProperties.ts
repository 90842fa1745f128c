import { z } from 'zod';
import { email, id } from '../validation';
import { defineAction, emailField } from './define';
import { asObject, isObject } from './normalize';

const propertyValue = z
  .union([z.string(), z.number(), z.boolean()], {
    error: 'must be text, a number or true/false (Memberspot stores every value as text)',
  })
  .transform(String)
  .refine((s) => s.length <= 10_000, { error: 'is too long (at most 10000 characters)' });

/** Accepts `{ propertyId: value }` or a list of `{ propertyId, value }` pairs; sends the pairs as text. */
const properties = z.preprocess(
  (v) =>
    Array.isArray(v) && v.every((p) => isObject(p) && ('propertyId' in p || 'id' in p))
      ? Object.fromEntries(v.map((p) => [String(p.propertyId ?? p.id), p.value]))
      : v,
  z
    .record(id('the custom property ID'), propertyValue, {
      error: (issue) =>
        issue.input === undefined || issue.input === null
          ? 'is required: the custom property values to set'
          : 'must be an object of property ID to value, e.g. {"cp_phone": "+49 30 1234"}',
    })
    .refine((r) => Object.keys(r).length > 0, { error: 'must contain at least one property' }),
);

export const setCustomProperties = defineAction({
  id: 'setCustomProperties',
  position: 11,
  resource: 'customProperty',
  operation: 'set',
  label: 'Set Custom Property Values',
  makeModule: 'Set Users Custom Property Values',
  description: "Sets values of the account's custom user properties (e.g. phone, company, lead source) for a user.",
  translations: {
    de: {
      label: 'Benutzerdefinierte Eigenschaften setzen',
      description:
        'Setzt Werte der benutzerdefinierten Eigenschaften eines Benutzers (z. B. Telefon, Firma, Quelle).',
      fields: {
        email: { label: 'E-Mail', help: 'Die E-Mail-Adresse des Benutzers in Memberspot' },
        properties: { label: 'Eigenschaften', help: 'Paare aus benutzerdefinierter Eigenschaft und Wert, z. B. [{"propertyId": "cp_phone", "value": "+49 30 1234"}]; Werte werden als Text gespeichert' },
      },
    },
  },
  fields: [
    emailField,
    {
      name: 'properties',
      label: 'Properties',
      type: 'properties',
      required: true,
      description: 'Pairs of custom property and value; values are stored as text',
      picker: 'customProperties',
    },
  ],
  schema: z.strictObject({ email: email(), properties }),
  request: (input) => ({
    method: 'POST',
    path: '/v1/users/set-custom-user-properties',
    // [D] Each item's key is `propertyId`; one public client sends `id` instead. Flip here if needed.
    body: {
      email: input.email,
      properties: Object.entries(input.properties).map(([propertyId, value]) => ({ propertyId, value })),
    },
  }),
  normalize: (body, input) => ({
    success: true,
    email: input.email,
    properties: input.properties,
    response: asObject(body),
  }),
  destructive: false,
  rateLimited: false,
  safeToRetry: true,
  notFound: (input) => `Memberspot has no user with the email ${input.email}. Grant an offer first, which creates the user.`,
});
