import { z } from 'zod';
import { flag, text } from '../validation';
import { defineAction, orderIdField, orderIdFieldDe } from './define';
import { asObject } from './normalize';

/**
 * Delete Order Access with its optional Active set, as its own action with Active required: an Active that
 * is missing or empty is a validation error here, never a removal (issue 19).
 */
export const setOrderState = defineAction({
  id: 'setOrderState',
  position: 5.5,
  resource: 'order',
  operation: 'setState',
  label: 'Set Order State',
  description:
    'Activates (true) or deactivates (false) every access that was granted with this order number, without an email ' +
    '(e.g. from a shop that only knows the order). Progress is kept. Active is required: nothing is removed.',
  translations: {
    de: {
      label: 'Bestellstatus setzen',
      description:
        'Aktiviert (true) oder deaktiviert (false) den Zugang, der mit einer Bestellnummer vergeben wurde, ohne E-Mail; der Fortschritt bleibt. Aktiv ist Pflicht: nichts wird entfernt.',
      fields: {
        orderId: orderIdFieldDe,
        active: { label: 'Aktiv', help: 'true aktiviert den Zugang der Bestellung, false deaktiviert ihn (Pflicht; ein leerer Wert ist ein Fehler)' },
      },
    },
  },
  fields: [
    orderIdField,
    {
      name: 'active',
      label: 'Active',
      type: 'boolean',
      required: true,
      description: "True activates the order's access, false deactivates it (required; an empty value is an error)",
    },
  ],
  schema: z.strictObject({
    orderId: text("the shop's order number", 200),
    active: flag(),
  }),
  request: (input) => ({
    method: 'POST',
    path: '/v1/users/set-order-state',
    body: { orderId: input.orderId, active: input.active },
  }),
  normalize: (body, input) => ({
    success: true,
    orderId: input.orderId,
    active: input.active,
    response: asObject(body),
  }),
  destructive: false,
  rateLimited: false,
  safeToRetry: true,
  notFound: (input) => `Memberspot has no access granted with the order ID "${input.orderId}".`,
});
