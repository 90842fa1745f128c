import { randomBytes } from 'node:crypto';
import type {
  Course,
  CustomPropertyDefinition,
  Exam,
  LoginToken,
  Offer,
  OfferGrant,
  User,
} from './types';

/** Zero-padded so that the string order of uids is their creation order: the list endpoint pages in uid order. */
const UID_DIGITS = 6;

export interface Catalogue {
  offers: Offer[];
  courses: Course[];
  customPropertyDefinitions: CustomPropertyDefinition[];
  exams: Exam[];
}

export interface NewUser {
  email: string;
  firstname: string;
  name: string;
  createdAt?: string;
}

export interface StateSnapshot extends Catalogue {
  users: readonly User[];
  loginTokens: LoginToken[];
}

/** The live data of one sandbox: the catalogue, the users (indexed by uid and email) and issued login tokens. */
export class SandboxState {
  readonly offers: Offer[];
  readonly courses: Course[];
  readonly customPropertyDefinitions: CustomPropertyDefinition[];
  readonly exams: Exam[];
  readonly loginTokens: LoginToken[] = [];

  private readonly usersInUidOrder: User[] = [];
  private readonly usersByEmail = new Map<string, User>();
  private readonly usersByUid = new Map<string, User>();
  private createdUsers = 0;

  constructor(catalogue: Catalogue) {
    this.offers = catalogue.offers;
    this.courses = catalogue.courses;
    this.customPropertyDefinitions = catalogue.customPropertyDefinitions;
    this.exams = catalogue.exams;
  }

  /** Every user in uid order (which is creation order). */
  get users(): readonly User[] {
    return this.usersInUidOrder;
  }

  offer(id: string): Offer | undefined {
    return this.offers.find((offer) => offer.id === id);
  }

  course(id: string): Course | undefined {
    return this.courses.find((course) => course.id === id);
  }

  exam(id: string): Exam | undefined {
    return this.exams.find((exam) => exam.id === id);
  }

  customPropertyDefinition(id: string): CustomPropertyDefinition | undefined {
    return this.customPropertyDefinitions.find((definition) => definition.id === id);
  }

  /** Emails match case-insensitively. */
  userByEmail(email: string): User | undefined {
    return this.usersByEmail.get(email.toLowerCase());
  }

  userByUid(uid: string): User | undefined {
    return this.usersByUid.get(uid);
  }

  addUser({ email, firstname, name, createdAt = new Date().toISOString() }: NewUser): User {
    this.createdUsers += 1;
    const uid = `u_${String(this.createdUsers).padStart(UID_DIGITS, '0')}`;
    const user: User = {
      uid,
      email,
      firstname,
      name,
      createdAt,
      offers: [],
      progress: {},
      customProperties: {},
      chapterAccess: [],
    };
    this.usersInUidOrder.push(user);
    this.usersByEmail.set(email.toLowerCase(), user);
    this.usersByUid.set(uid, user);
    return user;
  }

  /** Gives a user another email (their uid stays); throws a TypeError when another user has it. */
  changeEmail(user: User, email: string): void {
    const other = this.userByEmail(email);
    if (other && other !== user) throw new TypeError(`another user already has the email ${email}`);
    this.usersByEmail.delete(user.email.toLowerCase());
    user.email = email;
    this.usersByEmail.set(email.toLowerCase(), user);
  }

  /** Deletes users with everything that belongs to them (login tokens, exam results). Returns how many were deleted. */
  deleteUsers(users: Iterable<User>): number {
    const doomed = new Set(users);
    if (doomed.size === 0) return 0;
    for (const user of doomed) {
      this.usersByEmail.delete(user.email.toLowerCase());
      this.usersByUid.delete(user.uid);
    }
    removeInPlace(this.usersInUidOrder, (user) => doomed.has(user));
    const doomedUids = new Set([...doomed].map((user) => user.uid));
    removeInPlace(this.loginTokens, (token) => doomedUids.has(token.uid));
    for (const exam of this.exams) removeInPlace(exam.results, (result) => doomedUids.has(result.uid));
    return doomed.size;
  }

  /** Users whose uid sorts after `uid` (all users when undefined), in uid order; `uid` need not exist. */
  *usersAfter(uid: string | undefined): Generator<User> {
    const users = this.usersInUidOrder;
    let start = 0;
    if (uid !== undefined) {
      // Binary search for the first uid greater than `uid`.
      let end = users.length;
      while (start < end) {
        const middle = (start + end) >>> 1;
        if (users[middle].uid <= uid) start = middle + 1;
        else end = middle;
      }
    }
    for (let index = start; index < users.length; index += 1) yield users[index];
  }

  /** The courses that the given grants (by default all of the user's, active or not) cover. */
  coveredCourseIds(user: User, grants: readonly OfferGrant[] = user.offers): Set<string> {
    return new Set(grants.flatMap((grant) => this.offer(grant.offerId)?.courseIds ?? []));
  }

  /**
   * Removes the user's grants that match, and the progress of their courses, except for courses that a
   * remaining grant still covers (deleting access deletes progress; the other offers' progress stays).
   * Returns how many grants were removed.
   */
  removeGrants(user: User, matches: (grant: OfferGrant) => boolean): number {
    const removed = user.offers.filter(matches);
    if (removed.length === 0) return 0;
    user.offers = user.offers.filter((grant) => !matches(grant));
    const stillCovered = this.coveredCourseIds(user);
    for (const courseId of this.coveredCourseIds(user, removed)) {
      if (!stillCovered.has(courseId)) delete user.progress[courseId];
    }
    return removed.length;
  }

  /** Issues a login token, and forgets tokens that have expired. */
  issueLoginToken(uid: string, ttlMs: number): LoginToken {
    const now = Date.now();
    removeInPlace(this.loginTokens, (token) => Date.parse(token.expiresAt) <= now);
    const token: LoginToken = {
      uid,
      token: randomBytes(24).toString('base64url'),
      expiresAt: new Date(now + ttlMs).toISOString(),
    };
    this.loginTokens.push(token);
    return { ...token };
  }

  toJSON(): StateSnapshot {
    return {
      offers: this.offers,
      courses: this.courses,
      customPropertyDefinitions: this.customPropertyDefinitions,
      exams: this.exams,
      users: this.usersInUidOrder,
      loginTokens: this.loginTokens,
    };
  }
}

/** Removes matching items without replacing the array, so references handed out (e.g. `state.users`) stay live. */
function removeInPlace<T>(items: T[], matches: (item: T) => boolean): void {
  let kept = 0;
  for (const item of items) {
    if (!matches(item)) items[kept++] = item;
  }
  items.length = kept;
}
