import { z } from 'zod';
import { email, id, text } from '../validation';
import { accessIdField, defineAction, emailField, optional, orderIdField } from './define';
import { readUser } from '../users';
import { asObject } from './normalize';

export const grantAccess = defineAction({
  id: 'grantAccess',
  position: 1,
  resource: 'access',
  operation: 'grant',
  label: 'Grant Access',
  makeModule: 'Grant Access',
  description:
    'Gives a user access to an offer (Zugang). Creates the user with this email first if they do not exist yet. ' +
    'Safe to repeat: granting an offer the user already has re-activates it.',
  translations: {
    de: {
      label: 'Zugang gewähren',
      description:
        'Gibt einem Benutzer Zugang zu einem Angebot (Zugang). Gibt es noch keinen Benutzer mit dieser E-Mail-Adresse, wird er zuerst angelegt. Kann gefahrlos wiederholt werden: Ein Angebot, das der Benutzer schon hat, wird dabei wieder aktiviert.',
      fields: {
        email: { label: 'E-Mail', help: 'Die E-Mail-Adresse des Benutzers in Memberspot' },
        accessId: { label: 'Zugangs-ID', help: 'Das Angebot, das vergeben wird (Zugangs-ID), z. B. off_basic; unten aus der Liste wählbar' },
        firstName: { label: 'Vorname', help: 'Der Vorname des Benutzers (wird beim Anlegen des Benutzers verwendet)' },
        lastName: { label: 'Nachname', help: 'Der Nachname des Benutzers (wird beim Anlegen des Benutzers verwendet)' },
        orderId: { label: 'Bestellnummer', help: 'Die Bestellnummer des Shops; sie wird mit dem Zugang gespeichert, damit er später per Bestellung entzogen werden kann' },
      },
    },
  },
  fields: [
    emailField,
    accessIdField('The offer to grant (Access ID / Zugangs-ID)'),
    { name: 'firstName', label: 'First Name', type: 'string', required: false, description: "The user's first name (used when the user is created)" },
    { name: 'lastName', label: 'Last Name', type: 'string', required: false, description: "The user's last name (used when the user is created)" },
    optional(orderIdField, "The shop's order number, stored with the access so that it can be revoked by order later"),
  ],
  schema: z.strictObject({
    email: email(),
    accessId: id('the offer (Access ID) to grant'),
    firstName: text("the user's first name", 200).optional(),
    lastName: text("the user's last name", 200).optional(),
    orderId: text("the shop's order number", 200).optional(),
  }),
  request: (input) => ({
    method: 'POST',
    path: '/v1/users/grant-user-offer-by-mail',
    // Wire names confirmed by two sources: first name `firstname`, last name `name`, the offer `grantOffer`.
    body: {
      email: input.email,
      firstname: input.firstName,
      name: input.lastName,
      grantOffer: input.accessId,
      orderId: input.orderId,
    },
  }),
  normalize: (body, input) => ({
    success: true,
    email: input.email,
    accessId: input.accessId,
    orderId: input.orderId ?? null,
    uid: readUser(body)?.uid ?? null,
    response: asObject(body),
  }),
  destructive: false,
  rateLimited: false,
  safeToRetry: true,
  notFound: (input) => `Memberspot has no offer with the Access ID "${input.accessId}". Pick the offer from the list or copy its ID from Memberspot.`,
});
