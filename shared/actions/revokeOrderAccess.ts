import { z } from 'zod';
import { email, flag, text } from '../validation';
import { defineAction, emailField, orderIdField, orderIdFieldDe } from './define';
import { asObject } from './normalize';

export const revokeOrderAccess = defineAction({
  id: 'revokeOrderAccess',
  position: 5,
  resource: 'order',
  operation: 'revoke',
  label: 'Revoke Order Access',
  makeModule: 'Revoke Order Access',
  description:
    'Deactivates every access that was granted with this order number (e.g. on a refund or a cancelled subscription). ' +
    'Progress is kept; set Active to true to re-activate.',
  translations: {
    de: {
      label: 'Bestellzugang entziehen',
      description:
        'Deaktiviert den Zugang, der mit einer Bestellnummer vergeben wurde (z. B. bei Rückerstattung oder Kündigung); mit Aktiv = true wird er wieder aktiviert.',
      fields: {
        email: { label: 'E-Mail', help: 'Die E-Mail-Adresse des Benutzers in Memberspot' },
        orderId: orderIdFieldDe,
        active: { label: 'Aktiv', help: 'false deaktiviert den Zugang der Bestellung (der übliche Fall); true aktiviert ihn wieder' },
      },
    },
  },
  fields: [
    emailField,
    orderIdField,
    {
      name: 'active',
      label: 'Active',
      type: 'boolean',
      required: false,
      default: false,
      description: "False deactivates the order's access (the usual choice); true re-activates it",
    },
  ],
  schema: z.strictObject({
    email: email(),
    orderId: text("the shop's order number", 200),
    active: flag().default(false),
  }),
  request: (input) => ({
    method: 'POST',
    path: '/v1/users/set-order-state',
    body: { email: input.email, orderId: input.orderId, active: input.active },
  }),
  normalize: (body, input) => ({
    success: true,
    email: input.email,
    orderId: input.orderId,
    active: input.active,
    response: asObject(body),
  }),
  destructive: false,
  rateLimited: false,
  safeToRetry: true,
  notFound: (input) => `Memberspot has no access granted with the order ID "${input.orderId}" for ${input.email}.`,
});
