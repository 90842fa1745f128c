import { z } from 'zod';
import { id } from '../validation';
import { defineAction, segment } from './define';
import { asList } from './normalize';

export const getExamResults = defineAction({
  id: 'getExamResults',
  position: 17,
  resource: 'exam',
  operation: 'getResults',
  label: 'Get Exam Results',
  description: "Returns the results of an exam (quiz), one entry per participant's attempt.",
  translations: {
    de: {
      label: 'Prüfungsergebnisse abrufen',
      description: 'Liefert die Ergebnisse einer Prüfung.',
      fields: {
        examId: { label: 'Prüfungs-ID', help: 'Die ID der Prüfung in Memberspot' },
      },
    },
  },
  fields: [{ name: 'examId', label: 'Exam ID', type: 'string', required: true, description: 'The ID of the exam in Memberspot' }],
  schema: z.strictObject({ examId: id('the exam ID') }),
  request: (input) => ({ method: 'GET', path: `/v1/exams/${segment(input.examId)}/results` }),
  normalize: (body) => asList(body, ['data', 'results']),
  destructive: false,
  rateLimited: false,
  safeToRetry: true,
  notFound: (input) => `Memberspot has no exam with the ID "${input.examId}".`,
});
