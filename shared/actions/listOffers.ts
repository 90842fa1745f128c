import { z } from 'zod';
import { defineAction } from './define';
import { asList } from './normalize';

export const listOffers = defineAction({
  id: 'listOffers',
  position: 13,
  resource: 'offer',
  operation: 'list',
  label: 'List Offers',
  description: "Lists the account's offers (Zugänge) with their IDs, the values every Access ID field takes.",
  translations: {
    de: {
      label: 'Angebote auflisten',
      description: 'Listet alle Angebote (Zugänge) des Kontos mit ID und Namen auf.',
      fields: {},
    },
  },
  fields: [],
  schema: z.strictObject({}),
  request: () => ({ method: 'GET', path: '/v1/offers' }),
  // A bare array of `{ id, name, ... }` (confirmed); `data` is accepted as well.
  normalize: (body) => asList(body, ['data', 'offers']),
  destructive: false,
  rateLimited: false,
  safeToRetry: true,
});
