import { z } from 'zod';
import { email } from '../validation';
import { defineAction, emailField, segment } from './define';
import { asList } from './normalize';

export const listCourseProgress = defineAction({
  id: 'listCourseProgress',
  resource: 'courseProgress',
  operation: 'list',
  label: 'List Course Progress',
  description: "Returns a user's progress in every course they have access to. Limited to 4 requests per second.",
  fields: [emailField],
  schema: z.strictObject({ email: email() }),
  request: (input) => ({ method: 'GET', path: `/v1/users/course-progress/list/${segment(input.email)}` }),
  normalize: (body) => asList(body, ['data', 'progress', 'courses']),
  destructive: false,
  rateLimited: true,
  safeToRetry: true,
  notFound: (input) => `Memberspot has no user with the email ${input.email}.`,
});
