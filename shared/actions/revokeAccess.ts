import { z } from 'zod';
import { email, flag, id } from '../validation';
import { accessIdField, defineAction, emailField } from './define';
import { asObject } from './normalize';

export const revokeAccess = defineAction({
  id: 'revokeAccess',
  position: 2,
  resource: 'access',
  operation: 'revoke',
  label: 'Revoke Access',
  makeModule: 'Revoke Access',
  description:
    "Deactivates a user's access to an offer. The user keeps their account and their course progress, so access can be " +
    'given back later (set Active to true to re-activate). Use Delete Access to remove the progress too.',
  translations: {
    de: {
      label: 'Zugang entziehen',
      description:
        'Deaktiviert den Zugang eines Benutzers zu einem Angebot. Konto und Kursfortschritt bleiben erhalten; mit Aktiv = true wird der Zugang wieder aktiviert. Zugang löschen entfernt auch den Fortschritt.',
      fields: {
        email: { label: 'E-Mail', help: 'Die E-Mail-Adresse des Benutzers in Memberspot' },
        accessId: { label: 'Zugangs-ID', help: 'Das Angebot, dessen Zugang entzogen wird (Zugangs-ID)' },
        active: { label: 'Aktiv', help: 'false deaktiviert den Zugang (der übliche Fall); true aktiviert einen entzogenen Zugang wieder' },
      },
    },
  },
  fields: [
    emailField,
    accessIdField('The offer to revoke (Access ID / Zugangs-ID)'),
    {
      name: 'active',
      label: 'Active',
      type: 'boolean',
      required: false,
      default: false,
      description: 'False deactivates the access (the usual choice); true re-activates an access that was revoked',
    },
  ],
  schema: z.strictObject({
    email: email(),
    accessId: id('the offer (Access ID) to revoke'),
    active: flag().default(false),
  }),
  request: (input) => ({
    method: 'POST',
    path: '/v1/users/set-offer-state',
    // Here the offer's wire name is `offerId` (not `grantOffer` as in grant), confirmed by two sources.
    body: { email: input.email, offerId: input.accessId, active: input.active },
  }),
  normalize: (body, input) => ({
    success: true,
    email: input.email,
    accessId: input.accessId,
    active: input.active,
    response: asObject(body),
  }),
  destructive: false,
  rateLimited: false,
  safeToRetry: true,
  notFound: (input) => `Memberspot found no user ${input.email} with the offer "${input.accessId}". Check the email and the Access ID.`,
});
