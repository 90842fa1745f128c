import { z } from 'zod';
import { emailList } from '../validation';
import { defineAction } from './define';
import { asObject } from './normalize';

export const deleteUsers = defineAction({
  id: 'deleteUsers',
  position: 10,
  resource: 'user',
  operation: 'delete',
  label: 'Delete Users',
  makeModule: 'Delete Users',
  description:
    'DESTRUCTIVE and permanent: deletes the users with these emails, with all their access and progress ' +
    '(e.g. for a GDPR deletion request). Emails that are not in the account are ignored.',
  translations: {
    de: {
      label: 'Benutzer löschen',
      description:
        'ENDGÜLTIG: Löscht Benutzer mit allen Zugängen und allem Fortschritt (z. B. für eine DSGVO-Löschung). Lässt sich nicht rückgängig machen.',
      fields: {
        emails: { label: 'E-Mail-Adressen', help: 'Die E-Mail-Adressen der zu löschenden Benutzer: als Liste oder durch Kommas bzw. Zeilenumbrüche getrennt' },
      },
    },
  },
  fields: [
    {
      name: 'emails',
      label: 'Emails',
      type: 'emailList',
      required: true,
      description: 'The email addresses of the users to delete: a list, or text separated by commas or line breaks',
      placeholder: 'anna@example.com, max@example.com',
    },
  ],
  schema: z.strictObject({ emails: emailList() }),
  request: (input) => ({
    method: 'DELETE',
    path: '/v1/users/delete-users',
    body: { emails: input.emails },
  }),
  normalize: (body, input) => ({
    success: true,
    emails: input.emails,
    response: asObject(body),
  }),
  destructive: true,
  rateLimited: false,
  safeToRetry: true,
});
