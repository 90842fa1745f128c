import { z } from 'zod';
import { dateTime, email, id } from '../validation';
import { accessIdField, defineAction, emailField } from './define';
import { asObject } from './normalize';

export const setOfferExpiration = defineAction({
  id: 'setOfferExpiration',
  position: 4,
  resource: 'access',
  operation: 'setExpiration',
  label: 'Set Offer Expiration',
  description: "Sets the date when a user's access to an offer ends (e.g. for fixed-term memberships).",
  translations: {
    de: {
      label: 'Ablaufdatum setzen',
      description: 'Legt fest, wann der Zugang eines Benutzers zu einem Angebot endet (ISO-8601-Datum).',
      fields: {
        email: { label: 'E-Mail', help: 'Die E-Mail-Adresse des Benutzers in Memberspot' },
        accessId: { label: 'Zugangs-ID', help: 'Das Angebot, dessen Ablaufdatum gesetzt wird (Zugangs-ID)' },
        expiresAt: { label: 'Läuft ab am', help: 'Ablaufdatum als ISO-8601-Datum, z. B. 2027-01-31 oder 2027-01-31T23:59:59Z' },
        extraBody: { label: 'Weitere Body-Felder', help: 'Weitere JSON-Felder für den Body, oder solche, die die obigen überschreiben (der Body dieses Endpunkts ist nicht öffentlich dokumentiert)' },
      },
    },
  },
  fields: [
    emailField,
    accessIdField('The offer whose expiry to set (Access ID / Zugangs-ID)'),
    {
      name: 'expiresAt',
      label: 'Expires At',
      type: 'dateTime',
      required: true,
      description: 'When the access ends, as an ISO 8601 date (e.g. 2027-01-31 or 2027-01-31T23:59:59Z)',
    },
    {
      name: 'extraBody',
      label: 'Extra Body Fields',
      type: 'json',
      required: false,
      description: 'Further JSON fields to send, or to override the ones above; the body of this endpoint is not publicly documented',
      advanced: true,
    },
  ],
  schema: z.strictObject({
    email: email(),
    accessId: id('the offer (Access ID)'),
    expiresAt: dateTime(),
    extraBody: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).optional(),
  }),
  request: (input) => ({
    method: 'PATCH',
    path: '/v1/users/set-offer-expires',
    // [D] Memberspot lists this endpoint but no public source shows its body; `{ email, offerId, expiresAt }`
    // follows set-offer-state. `extraBody` lets users add or override fields without a new release.
    body: { email: input.email, offerId: input.accessId, expiresAt: input.expiresAt, ...input.extraBody },
  }),
  normalize: (body, input) => ({
    success: true,
    email: input.email,
    accessId: input.accessId,
    expiresAt: input.expiresAt,
    response: asObject(body),
  }),
  destructive: false,
  rateLimited: false,
  safeToRetry: true,
  notFound: (input) => `Memberspot found no user ${input.email} with the offer "${input.accessId}".`,
});
