import { z } from 'zod';
import { email } from '../validation';
import { defineAction, emailField, segment } from './define';
import { readUser, userFields } from '../users';
import { asObject } from './normalize';

export const findUserByEmail = defineAction({
  id: 'findUserByEmail',
  position: 7,
  resource: 'user',
  operation: 'findByEmail',
  label: 'Find User by Email',
  description: 'Looks a user up by email. Needs the Enterprise plan; limited to 4 requests per second.',
  translations: {
    de: {
      label: 'Benutzer per E-Mail finden',
      description:
        'Sucht einen Benutzer anhand seiner E-Mail-Adresse (Enterprise-Tarif; höchstens 4 Anfragen pro Sekunde).',
      fields: {
        email: { label: 'E-Mail', help: 'Die E-Mail-Adresse des Benutzers in Memberspot' },
      },
    },
  },
  fields: [emailField],
  schema: z.strictObject({ email: email() }),
  request: (input) => ({ method: 'GET', path: `/v1/users/find-by-mail/${segment(input.email)}` }),
  // The answer as it came, plus the user's fields at the top level when the user sits deeper (under `data`,
  // `user`, `result`, in a one-element array: readUser decides), so `uid` and `email` are always at the top.
  normalize: (body) => {
    const found = readUser(body);
    if (!found || found.path === 'top level') return asObject(body);
    const { uid, email } = userFields(found.user);
    return { ...asObject(body), ...found.user, ...(uid ? { uid } : {}), ...(email ? { email } : {}) };
  },
  destructive: false,
  rateLimited: true,
  safeToRetry: true,
  // [D] Not found is a 404.
  notFound: (input) => `Memberspot has no user with the email ${input.email}.`,
});
