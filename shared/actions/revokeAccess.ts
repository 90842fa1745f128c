import { z } from 'zod';
import { email, flag, id } from '../validation';
import { accessIdField, defineAction, emailField } from './define';
import { asObject } from './normalize';

export const revokeAccess = defineAction({
  id: 'revokeAccess',
  resource: 'access',
  operation: 'revoke',
  label: 'Revoke Access',
  makeModule: 'Revoke Access',
  description:
    "Deactivates a user's access to an offer. The user keeps their account and their course progress, so access can be " +
    'given back later (set Active to true to re-activate). Use Delete Access to remove the progress too.',
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
