import type { LogLimits } from './log';
import type { SandboxState } from './state';
import type { Variants } from './variants';

/** The data model of the sandbox, the options of `startSandbox` and the running `Sandbox`. */

export interface Offer {
  id: string;
  name: string;
  courseIds: string[];
}

export interface Chapter {
  id: string;
  name: string;
}

export interface Course {
  id: string;
  name: string;
  lessonCount: number;
  chapters: Chapter[];
}

export interface CustomPropertyDefinition {
  id: string;
  name: string;
  type: 'text';
}

export interface ExamResult {
  uid: string;
  email: string;
  score: number;
  maxScore: number;
  passed: boolean;
  completedAt: string;
}

export interface Exam {
  id: string;
  name: string;
  courseId: string;
  results: ExamResult[];
}

/** One offer granted to a user. */
export interface OfferGrant {
  offerId: string;
  active: boolean;
  orderId?: string;
  grantedAt: string;
  expiresAt?: string;
}

export interface CourseProgress {
  completedLessons: number;
  totalLessons: number;
  percent: number;
  lastActivityAt: string;
}

export interface ChapterAccess {
  courseId: string;
  chapterId: string;
}

export interface User {
  uid: string;
  email: string;
  firstname: string;
  name: string;
  createdAt: string;
  offers: OfferGrant[];
  /** Keyed by course id. */
  progress: Record<string, CourseProgress>;
  /** Keyed by custom property id. */
  customProperties: Record<string, string>;
  chapterAccess: ChapterAccess[];
}

export interface LoginToken {
  uid: string;
  token: string;
  expiresAt: string;
}

/** `default`: the fixed demo data; `none`: the catalogue without users; `{ users: N }`: the default data plus N generated users. */
export type SeedOption = 'default' | 'none' | { users?: number };

export type RateLimitScope = 'limited' | 'all';

export interface RateLimitOptions {
  /** Counted requests allowed per window; 0 turns the limit off. */
  limit: number;
  windowMs?: number;
  /** `limited`: only the endpoints this package treats as limited (find-by-mail, course progress as Memberspot and public sources name them; login-token as decided in its action); `all`: every /v1 request. */
  scope?: RateLimitScope;
}

export interface FaultOptions {
  /** 0..1: fraction of requests answered with an injected error before being processed. */
  errorRate?: number;
  /** Statuses for injected errors, picked at random. Default [500, 503]. */
  errorStatuses?: number[];
  /** 0..1: fraction of requests whose socket is destroyed without an answer. */
  resetRate?: number;
  /** Delay added before a request is handled. */
  latencyMs?: number;
  /** 0..1: fraction of requests that get `latencyMs`. Default 1. */
  latencyRate?: number;
  /** 0..1: fraction of requests answered 429 with `Retry-After: 1`, whatever the rate limit window says. */
  rateLimitBurstRate?: number;
  /** Only requests whose raw path starts with this get faults. Default `/v1`. */
  pathPrefix?: string;
  /** Injectable PRNG returning numbers in [0, 1). Default Math.random. */
  random?: () => number;
  /**
   * A PRNG per request, over `random` (in process only): for runs whose faults must not depend on the order
   * in which concurrent requests arrive, e.g. one seeded from the request and how often it was seen.
   */
  randomFor?: (request: FaultRequest) => () => number;
}

/** What `randomFor` is told about a request. */
export interface FaultRequest {
  method: string;
  path: string;
  /** The raw body as text ('' for none). */
  body: string;
}

/** One fault for the next matching request: an answer, a dropped connection, or a delay before normal processing. */
export type ScriptedFault =
  | { status: number; retryAfter?: string; body?: unknown }
  | { reset: true }
  | { delayMs: number };

export interface SandboxOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default `sandbox-key`. */
  apiKey?: string;
  /** Default `default`. */
  seed?: SeedOption;
  /** Default { limit: 4, windowMs: 1000, scope: 'limited' }; false turns it off. */
  rateLimit?: RateLimitOptions | false;
  /** Default: no faults. */
  faults?: FaultOptions;
  /** Lifetime of login tokens. Default one hour. */
  loginTokenTtlMs?: number;
  /** Switches for the [D] points of the contract (see Variants); default: what the package assumes. */
  variants?: Partial<Variants>;
  /** Bounds of the request log. Default 10,000 entries, bodies up to 64 KB (larger ones as a size marker). */
  log?: Partial<LogLimits>;
}

export type AuthResult = 'valid' | 'invalid' | 'missing';

export interface RequestLogEntry {
  /** Date.now() at arrival. */
  time: number;
  method: string;
  /** The raw path as received: without the query, not decoded. */
  path: string;
  query: Record<string, string>;
  /** The parsed JSON body, or undefined. */
  body: unknown;
  /** The key itself is never stored. */
  auth: AuthResult;
  /** The answer's status, or `reset` when the socket was destroyed without one. */
  status: number | 'reset';
  /**
   * True when the request targets an endpoint in the rate limit's scope, whether or not it was refused
   * (while the limit is off: the endpoints Memberspot limits).
   */
  rateLimited: boolean;
}

/** A running sandbox. */
export interface Sandbox {
  /** e.g. http://127.0.0.1:54321, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  /** The live state; replaced by `reset()`, so read it from here each time. */
  readonly state: SandboxState;
  /** The request log, oldest first (a live array, cleared in place). */
  readonly requests: RequestLogEntry[];
  clearLog(): void;
  /** The current variants (a copy). */
  readonly variants: Variants;
  /** Switches the given variants; kept across `reset()`, like the rate limit settings. */
  setVariants(variants: Partial<Variants>): void;
  setFaults(faults: FaultOptions | null): void;
  /** New settings start with an empty window. */
  setRateLimit(rateLimit: RateLimitOptions | false): void;
  /** Each of the next matching requests consumes one scripted fault, in order, before any random fault. */
  script(...faults: ScriptedFault[]): void;
  /** A fresh seeded state (by default the seed the sandbox started with), an empty log, no faults, an empty rate limit window. */
  reset(seed?: SeedOption): void;
  /** Closes the server and destroys open (keep-alive) connections. */
  close(): Promise<void>;
}
