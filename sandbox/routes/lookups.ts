import { notFound } from '../http';
import type { SandboxState } from '../state';
import type { Course, OfferGrant, User } from '../types';

/** Lookups that answer 404 in Memberspot's words when something does not exist. */

export function requireUser(state: SandboxState, email: string): User {
  const user = state.userByEmail(email);
  if (!user) throw notFound(`User with email ${email} not found`);
  return user;
}

export function requireOffer(state: SandboxState, offerId: string): void {
  if (!state.offer(offerId)) throw notFound(`Offer ${offerId} not found`);
}

export function requireGrant(state: SandboxState, user: User, offerId: string): OfferGrant {
  requireOffer(state, offerId);
  const grant = user.offers.find((candidate) => candidate.offerId === offerId);
  if (!grant) throw notFound(`Offer ${offerId} not found for user with email ${user.email}`);
  return grant;
}

export function requireCourse(state: SandboxState, courseId: string): Course {
  const course = state.course(courseId);
  if (!course) throw notFound(`Course ${courseId} not found`);
  return course;
}
