import { notFound } from '../http';
import type { Route, RouteContext } from './route';

/** What the account offers: offers, custom property definitions, exams. */
export const catalogueRoutes: Route[] = [
  { method: 'GET', path: '/v1/offers', handle: ({ state }) => state.offers },
  { method: 'GET', path: '/v1/custom-user-properties/list', handle: ({ state }) => state.customPropertyDefinitions },
  { method: 'GET', path: '/v1/exams/:examId/results', handle: examResults },
];

function examResults({ state, params }: RouteContext) {
  const exam = state.exam(params.examId);
  if (!exam) throw notFound(`Exam ${params.examId} not found`);
  return exam.results;
}
