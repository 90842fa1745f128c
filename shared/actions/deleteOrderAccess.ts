import { z } from 'zod';
import { flag, text } from '../validation';
import { defineAction, orderIdField, orderIdFieldDe } from './define';
import { asObject } from './normalize';

export const deleteOrderAccess = defineAction({
  id: 'deleteOrderAccess',
  position: 6,
  resource: 'order',
  operation: 'delete',
  label: 'Delete Order Access',
  makeModule: 'Delete Order Access',
  description:
    'DESTRUCTIVE: removes every access that was granted with this order number (e.g. on a chargeback), and the ' +
    "progress in those offers' courses is deleted. The user accounts stay.",
  translations: {
    de: {
      label: 'Bestellzugang löschen',
      description:
        'ENDGÜLTIG: Entfernt den Zugang, der mit einer Bestellnummer vergeben wurde, samt Fortschritt (z. B. bei einer Rücklastschrift). Lässt sich nicht rückgängig machen.',
      fields: {
        orderId: orderIdFieldDe,
        active: { label: 'Aktiv', help: 'Das optionale Feld aus Make: wenn gesetzt, wird der Zugang der Bestellung auf diesen Zustand gesetzt, statt ihn zu entfernen (gesetzt, aber leer ist ein Fehler). Für neue Abläufe: Bestellstatus setzen' },
      },
    },
  },
  fields: [
    orderIdField,
    {
      name: 'active',
      label: 'Active',
      type: 'boolean',
      required: false,
      description: "Make's optional field: when set, the order's access is set to this state instead of being removed (an Active that is set but empty is an error). For new workflows use Set Order State",
      advanced: true,
    },
  ],
  schema: z.strictObject({
    orderId: text("the shop's order number", 200),
    active: flag().optional(),
  }),
  request: (input) => ({
    method: 'POST',
    path: '/v1/users/set-order-state',
    // [D] Make's module sends only the order ID (and an optional Active); without `active` the state is
    // removed completely, the same reasoning as Delete Access.
    body: { orderId: input.orderId, active: input.active },
  }),
  normalize: (body, input) => ({
    success: true,
    orderId: input.orderId,
    ...(input.active === undefined ? { deleted: true } : { active: input.active }),
    response: asObject(body),
  }),
  destructive: true,
  rateLimited: false,
  safeToRetry: true,
  notFound: (input) => `Memberspot has no access granted with the order ID "${input.orderId}".`,
});
