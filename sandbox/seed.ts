import { SandboxState, type Catalogue } from './state';
import type { ChapterAccess, CourseProgress, OfferGrant, SeedOption } from './types';

/** The demo data. Every timestamp is fixed, so a seeded state is the same on every run. */

function catalogue(): Catalogue {
  return {
    offers: [
      { id: 'off_basic', name: 'Online-Kurs Basis', courseIds: ['crs_yoga'] },
      { id: 'off_premium', name: 'Premium-Mitgliedschaft', courseIds: ['crs_yoga', 'crs_meditation'] },
      { id: 'off_coaching', name: 'Coaching-Paket', courseIds: ['crs_coaching'] },
      { id: 'off_meditation', name: 'Meditation kompakt', courseIds: ['crs_meditation'] },
      { id: 'off_bundle', name: 'Komplettpaket', courseIds: ['crs_yoga', 'crs_meditation', 'crs_coaching'] },
    ],
    courses: [
      {
        id: 'crs_yoga',
        name: 'Yoga für Anfänger',
        lessonCount: 12,
        chapters: [
          { id: 'ch_yoga_1', name: 'Grundlagen' },
          { id: 'ch_yoga_2', name: 'Atmung' },
          { id: 'ch_yoga_3', name: 'Sonnengruß' },
          { id: 'ch_yoga_4', name: 'Entspannung' },
        ],
      },
      {
        id: 'crs_meditation',
        name: 'Meditation',
        lessonCount: 9,
        chapters: [
          { id: 'ch_med_1', name: 'Ankommen' },
          { id: 'ch_med_2', name: 'Achtsamkeit' },
          { id: 'ch_med_3', name: 'Body-Scan' },
        ],
      },
      {
        id: 'crs_coaching',
        name: 'Coaching',
        lessonCount: 6,
        chapters: [
          { id: 'ch_coach_1', name: 'Zielklärung' },
          { id: 'ch_coach_2', name: 'Umsetzung' },
        ],
      },
    ],
    customPropertyDefinitions: [
      { id: 'cp_phone', name: 'Telefon', type: 'text' },
      { id: 'cp_company', name: 'Firma', type: 'text' },
      { id: 'cp_source', name: 'Quelle', type: 'text' },
    ],
    exams: [{ id: 'exam_yoga_final', name: 'Abschlussprüfung Yoga', courseId: 'crs_yoga', results: [] }],
  };
}

interface DemoUser {
  email: string;
  firstname: string;
  name: string;
  createdAt: string;
  offers: OfferGrant[];
  progress?: Record<string, CourseProgress>;
  customProperties?: Record<string, string>;
  chapterAccess?: ChapterAccess[];
  yogaExam?: { score: number; completedAt: string };
}

const YOGA_EXAM_MAX_SCORE = 20;
const YOGA_EXAM_PASS_SCORE = 12;

function progress(completedLessons: number, totalLessons: number, lastActivityAt: string): CourseProgress {
  return { completedLessons, totalLessons, percent: Math.round((completedLessons / totalLessons) * 100), lastActivityAt };
}

function demoUsers(): DemoUser[] {
  return [
    {
      email: 'anna.schmidt@example.com',
      firstname: 'Anna',
      name: 'Schmidt',
      createdAt: '2024-01-10T09:00:00.000Z',
      offers: [{ offerId: 'off_premium', active: true, orderId: 'DS24-0815', grantedAt: '2024-01-10T09:00:00.000Z' }],
      progress: {
        crs_yoga: progress(6, 12, '2024-03-02T18:30:00.000Z'),
        crs_meditation: progress(3, 9, '2024-02-20T07:15:00.000Z'),
      },
      customProperties: { cp_phone: '+49 30 1234567', cp_source: 'Instagram' },
      yogaExam: { score: 17, completedAt: '2024-03-02T19:00:00.000Z' },
    },
    {
      email: 'max.mueller@example.com',
      firstname: 'Max',
      name: 'Müller',
      createdAt: '2024-01-12T14:20:00.000Z',
      offers: [{ offerId: 'off_basic', active: true, grantedAt: '2024-01-12T14:20:00.000Z' }],
      progress: { crs_yoga: progress(12, 12, '2024-02-28T20:05:00.000Z') },
      customProperties: { cp_company: 'Müller GmbH' },
      yogaExam: { score: 20, completedAt: '2024-02-28T20:30:00.000Z' },
    },
    {
      email: 'lena.fischer@example.com',
      firstname: 'Lena',
      name: 'Fischer',
      createdAt: '2024-02-01T08:45:00.000Z',
      offers: [{ offerId: 'off_coaching', active: true, orderId: 'DS24-1001', grantedAt: '2024-02-01T08:45:00.000Z' }],
      progress: { crs_coaching: progress(1, 6, '2024-02-03T10:00:00.000Z') },
    },
    {
      email: 'tom.weber@example.com',
      firstname: 'Tom',
      name: 'Weber',
      createdAt: '2024-02-05T17:10:00.000Z',
      offers: [{ offerId: 'off_basic', active: false, orderId: 'DS24-0999', grantedAt: '2024-02-05T17:10:00.000Z' }],
      progress: { crs_yoga: progress(2, 12, '2024-02-07T21:40:00.000Z') },
      yogaExam: { score: 9, completedAt: '2024-02-08T09:00:00.000Z' },
    },
    {
      email: 'julia.becker@example.com',
      firstname: 'Julia',
      name: 'Becker',
      createdAt: '2024-02-14T11:30:00.000Z',
      offers: [
        {
          offerId: 'off_premium',
          active: true,
          grantedAt: '2024-02-14T11:30:00.000Z',
          expiresAt: '2026-12-31T23:59:59.000Z',
        },
      ],
      chapterAccess: [{ courseId: 'crs_coaching', chapterId: 'ch_coach_1' }],
    },
  ];
}

function addDemoUsers(state: SandboxState): void {
  const yogaExam = state.exam('exam_yoga_final');
  for (const demo of demoUsers()) {
    const user = state.addUser(demo);
    user.offers = demo.offers;
    user.progress = demo.progress ?? {};
    user.customProperties = demo.customProperties ?? {};
    user.chapterAccess = demo.chapterAccess ?? [];
    if (demo.yogaExam && yogaExam) {
      const { score, completedAt } = demo.yogaExam;
      yogaExam.results.push({
        uid: user.uid,
        email: user.email,
        score,
        maxScore: YOGA_EXAM_MAX_SCORE,
        passed: score >= YOGA_EXAM_PASS_SCORE,
        completedAt,
      });
    }
  }
}

const GENERATED_SINCE = Date.parse('2024-06-01T00:00:00.000Z');

/** Generated users `user{i}@example.com`, one active offer each, taking the offers in turn. */
function addGeneratedUsers(state: SandboxState, count: number): void {
  const offerIds = state.offers.map((offer) => offer.id);
  for (let i = 1; i <= count; i += 1) {
    const createdAt = new Date(GENERATED_SINCE + i * 60_000).toISOString();
    const user = state.addUser({ email: `user${i}@example.com`, firstname: 'Test', name: `User ${i}`, createdAt });
    user.offers.push({ offerId: offerIds[(i - 1) % offerIds.length], active: true, grantedAt: createdAt });
  }
}

export function createSeededState(seed: SeedOption): SandboxState {
  const state = new SandboxState(catalogue());
  if (seed === 'none') return state;
  addDemoUsers(state);
  if (typeof seed === 'object') addGeneratedUsers(state, seed.users ?? 0);
  return state;
}
