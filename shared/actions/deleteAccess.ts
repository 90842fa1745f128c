import { z } from 'zod';
import { email, id } from '../validation';
import { accessIdField, defineAction, emailField } from './define';
import { asObject } from './normalize';

export const deleteAccess = defineAction({
  id: 'deleteAccess',
  position: 3,
  resource: 'access',
  operation: 'delete',
  label: 'Delete Access',
  makeModule: 'Delete Access',
  description:
    "DESTRUCTIVE: removes an offer from a user completely, and the user's progress in its courses is deleted. " +
    'The user account stays. Use Revoke Access to keep the progress.',
  translations: {
    de: {
      label: 'Zugang löschen',
      description:
        'ENDGÜLTIG: Entfernt den Zugang eines Benutzers zu einem Angebot samt Kursfortschritt. Das Benutzerkonto bleibt bestehen. Lässt sich nicht rückgängig machen.',
      fields: {
        email: { label: 'E-Mail', help: 'Die E-Mail-Adresse des Benutzers in Memberspot' },
        accessId: { label: 'Zugangs-ID', help: 'Das Angebot, das entfernt wird (Zugangs-ID)' },
      },
    },
  },
  fields: [emailField, accessIdField('The offer to remove (Access ID / Zugangs-ID)')],
  schema: z.strictObject({
    email: email(),
    accessId: id('the offer (Access ID) to remove'),
  }),
  request: (input) => ({
    method: 'POST',
    path: '/v1/users/set-offer-state',
    // [D] Memberspot's help says set-offer-state without `active` removes the offer completely; no public
    // source names another endpoint for deleting access. Flip here if the real API differs.
    body: { email: input.email, offerId: input.accessId },
  }),
  normalize: (body, input) => ({
    success: true,
    email: input.email,
    accessId: input.accessId,
    deleted: true,
    response: asObject(body),
  }),
  destructive: true,
  rateLimited: false,
  safeToRetry: true,
  notFound: (input) => `Memberspot found no user ${input.email} with the offer "${input.accessId}". Check the email and the Access ID.`,
});
