import { z } from 'zod';
import { email } from '../validation';
import { defineAction, emailField, segment } from './define';
import { asList } from './normalize';

export const listCourseProgress = defineAction({
  id: 'listCourseProgress',
  position: 14,
  resource: 'courseProgress',
  operation: 'list',
  label: 'List Course Progress',
  description: "Returns a user's progress in every course they have access to. Limited to 4 requests per second.",
  translations: {
    de: {
      label: 'Kursfortschritt auflisten',
      description:
        'Listet den Fortschritt eines Benutzers in allen Kursen auf (höchstens 4 Anfragen pro Sekunde).',
      fields: {
        email: { label: 'E-Mail', help: 'Die E-Mail-Adresse des Benutzers in Memberspot' },
      },
    },
  },
  fields: [emailField],
  schema: z.strictObject({ email: email() }),
  request: (input) => ({ method: 'GET', path: `/v1/users/course-progress/list/${segment(input.email)}` }),
  normalize: (body) => asList(body, ['data', 'progress', 'courses']),
  destructive: false,
  rateLimited: true,
  safeToRetry: true,
  notFound: (input) => `Memberspot has no user with the email ${input.email}.`,
});
