import type { ActionId } from '../shared/types';

/**
 * Inputs for building each action's request for the OpenAPI diff: `full` fills every field (so every field
 * the action can send is sent), `minimal` only the required ones (so a field the document requires but the
 * action sends only sometimes shows up). Make an API Call is left out: its path is the user's.
 */
const EMAIL = 'doctor@example.com';
const ORDER = 'doctor-order';
const OFFER = 'doctor-offer';

export const SAMPLES: Partial<Record<ActionId, { minimal: Record<string, unknown>; full?: Record<string, unknown> }>> = {
  grantAccess: { minimal: { email: EMAIL, accessId: OFFER }, full: { email: EMAIL, accessId: OFFER, firstName: 'Doc', lastName: 'Tor', orderId: ORDER } },
  revokeAccess: { minimal: { email: EMAIL, accessId: OFFER, active: false } },
  deleteAccess: { minimal: { email: EMAIL, accessId: OFFER } },
  setOfferExpiration: { minimal: { email: EMAIL, accessId: OFFER, expiresAt: '2030-01-31T00:00:00Z' } },
  revokeOrderAccess: { minimal: { email: EMAIL, orderId: ORDER, active: false } },
  deleteOrderAccess: { minimal: { orderId: ORDER }, full: { orderId: ORDER, active: false } },
  setOrderState: { minimal: { orderId: ORDER, active: false } },
  findUserByEmail: { minimal: { email: EMAIL } },
  listUsers: { minimal: {}, full: { accessId: OFFER, courseId: 'doctor-course', active: true, pageLength: 10, lastLoadedId: 'doctor-uid' } },
  getLoginToken: { minimal: { uid: 'doctor-uid' } },
  deleteUsers: { minimal: { emails: [EMAIL] } },
  setCustomProperties: { minimal: { email: EMAIL, properties: { 'doctor-property': 'value' } } },
  listCustomProperties: { minimal: {} },
  listOffers: { minimal: {} },
  listCourseProgress: { minimal: { email: EMAIL } },
  getCourseProgress: { minimal: { courseId: 'doctor-course', email: EMAIL } },
  enableChapterAccess: { minimal: { email: EMAIL, courseId: 'doctor-course', chapterId: 'doctor-chapter' } },
  getExamResults: { minimal: { examId: 'doctor-exam' } },
};
