import type { Course, User } from '../types';
import { requireCourse, requireUser } from './lookups';
import type { Route, RouteContext } from './route';

/** Course progress, rate-limited by Memberspot. The `list` route comes first so that `list` is never taken for a course id. */
export const progressRoutes: Route[] = [
  { method: 'GET', path: '/v1/users/course-progress/list/:email', rateLimited: true, handle: listCourseProgress },
  { method: 'GET', path: '/v1/users/course-progress/:courseId/:email', rateLimited: true, handle: getCourseProgress },
];

/** Every course the user's offers cover (active or not, as revoked access keeps its progress), in catalogue order. */
function listCourseProgress({ state, params }: RouteContext) {
  const user = requireUser(state, params.email);
  const covered = state.coveredCourseIds(user);
  return state.courses.filter((course) => covered.has(course.id)).map((course) => progressReport(user, course));
}

function getCourseProgress({ state, params }: RouteContext) {
  const course = requireCourse(state, params.courseId);
  const user = requireUser(state, params.email);
  const { courseId, courseName, ...progress } = progressReport(user, course);
  return { courseId, courseName, email: user.email, uid: user.uid, ...progress };
}

/** A course without progress reports zero completed lessons of the course's total. */
function progressReport(user: User, course: Course) {
  const progress = user.progress[course.id];
  return {
    courseId: course.id,
    courseName: course.name,
    completedLessons: progress?.completedLessons ?? 0,
    totalLessons: progress?.totalLessons ?? course.lessonCount,
    percent: progress?.percent ?? 0,
    lastActivityAt: progress?.lastActivityAt ?? null,
  };
}
