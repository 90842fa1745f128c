import { z } from 'zod';
import { email, id } from '../validation';
import { courseIdField, defineAction, emailField } from './define';
import { asObject } from './normalize';

export const enableChapterAccess = defineAction({
  id: 'enableChapterAccess',
  position: 16,
  resource: 'chapter',
  operation: 'enableAccess',
  label: 'Enable Chapter Access',
  description: 'Unlocks one chapter of a course for a user (e.g. drip content or a bonus chapter).',
  translations: {
    de: {
      label: 'Kapitel freischalten',
      description: 'Schaltet einem Benutzer ein einzelnes Kapitel eines Kurses frei.',
      fields: {
        email: { label: 'E-Mail', help: 'Die E-Mail-Adresse des Benutzers in Memberspot' },
        courseId: { label: 'Kurs-ID', help: 'Die ID des Kurses in Memberspot' },
        chapterId: { label: 'Kapitel-ID', help: 'Die ID des Kapitels im Kurs' },
      },
    },
  },
  fields: [
    emailField,
    courseIdField,
    { name: 'chapterId', label: 'Chapter ID', type: 'string', required: true, description: 'The ID of the chapter within the course' },
  ],
  schema: z.strictObject({ email: email(), courseId: id('the course ID'), chapterId: id('the chapter ID') }),
  request: (input) => ({
    method: 'POST',
    path: '/v1/chapters/chapter-access/enable',
    body: { email: input.email, courseId: input.courseId, chapterId: input.chapterId },
  }),
  normalize: (body, input) => ({
    success: true,
    email: input.email,
    courseId: input.courseId,
    chapterId: input.chapterId,
    response: asObject(body),
  }),
  destructive: false,
  rateLimited: false,
  safeToRetry: true,
  notFound: (input) =>
    `Memberspot has no user ${input.email}, no course "${input.courseId}" or no chapter "${input.chapterId}" in that course.`,
});
