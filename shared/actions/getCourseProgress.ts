import { z } from 'zod';
import { email, id } from '../validation';
import { courseIdField, defineAction, emailField, segment } from './define';
import { asObject } from './normalize';

export const getCourseProgress = defineAction({
  id: 'getCourseProgress',
  position: 15,
  resource: 'courseProgress',
  operation: 'get',
  label: 'Get Course Progress',
  description: "Returns a user's progress in one course. Limited to 4 requests per second.",
  translations: {
    de: {
      label: 'Kursfortschritt abrufen',
      description: 'Liefert den Fortschritt eines Benutzers in einem Kurs (höchstens 4 Anfragen pro Sekunde).',
      fields: {
        courseId: { label: 'Kurs-ID', help: 'Die ID des Kurses in Memberspot' },
        email: { label: 'E-Mail', help: 'Die E-Mail-Adresse des Benutzers in Memberspot' },
      },
    },
  },
  fields: [courseIdField, emailField],
  schema: z.strictObject({ courseId: id('the course ID'), email: email() }),
  // The course comes first in this path, then the email.
  request: (input) => ({
    method: 'GET',
    path: `/v1/users/course-progress/${segment(input.courseId)}/${segment(input.email)}`,
  }),
  normalize: (body) => asObject(body),
  destructive: false,
  rateLimited: true,
  safeToRetry: true,
  notFound: (input) => `Memberspot has no user ${input.email} or no course "${input.courseId}".`,
});
