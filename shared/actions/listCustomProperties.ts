import { z } from 'zod';
import { defineAction } from './define';
import { asList, pickString } from './normalize';

export const listCustomProperties = defineAction({
  id: 'listCustomProperties',
  position: 12,
  resource: 'customProperty',
  operation: 'list',
  label: 'List Custom Properties',
  description: "Lists the account's custom user property definitions, whose IDs Set Custom Property Values takes.",
  translations: {
    de: {
      label: 'Benutzerdefinierte Eigenschaften auflisten',
      description: 'Listet die benutzerdefinierten Eigenschaften des Kontos mit ID und Namen auf.',
      fields: {},
    },
  },
  fields: [],
  schema: z.strictObject({}),
  request: () => ({ method: 'GET', path: '/v1/custom-user-properties/list' }),
  // [D] Definitions carry an id and a name; `propertyId`/`key` and `label` are accepted as alternatives.
  normalize: (body) =>
    asList(body, ['data', 'properties']).map((p) => ({
      ...p,
      id: pickString(p, 'id', 'propertyId', 'key') ?? null,
      name: pickString(p, 'name', 'label', 'key') ?? null,
    })),
  destructive: false,
  rateLimited: false,
  safeToRetry: true,
});
