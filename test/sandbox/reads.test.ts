import { ANNA, JULIA, segment, useSandbox } from './helpers';

const { api } = useSandbox({ rateLimit: false });

describe('catalogue endpoints', () => {
  it('GET /v1/offers answers a bare array of offers', async () => {
    const answer = await api.get('/v1/offers');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(
      expect.arrayContaining([
        { id: 'off_basic', name: 'Online-Kurs Basis', courseIds: ['crs_yoga'] },
        { id: 'off_premium', name: 'Premium-Mitgliedschaft', courseIds: ['crs_yoga', 'crs_meditation'] },
        { id: 'off_coaching', name: 'Coaching-Paket', courseIds: ['crs_coaching'] },
      ]),
    );
    expect(answer.body).toHaveLength(5);
  });

  it('GET /v1/custom-user-properties/list answers the definitions', async () => {
    const answer = await api.get('/v1/custom-user-properties/list');

    expect(answer.body).toEqual([
      { id: 'cp_phone', name: 'Telefon', type: 'text' },
      { id: 'cp_company', name: 'Firma', type: 'text' },
      { id: 'cp_source', name: 'Quelle', type: 'text' },
    ]);
  });

  it('GET /v1/exams/:examId/results answers the results', async () => {
    const answer = await api.get('/v1/exams/exam_yoga_final/results');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      { uid: 'u_000001', email: ANNA, score: 17, maxScore: 20, passed: true, completedAt: '2024-03-02T19:00:00.000Z' },
      expect.objectContaining({ uid: 'u_000002', score: 20, passed: true }),
      expect.objectContaining({ uid: 'u_000004', score: 9, passed: false }),
    ]);
  });

  it('answers 404 to an unknown exam', async () => {
    const answer = await api.get('/v1/exams/exam_nope/results');

    expect(answer).toMatchObject({ status: 404, body: { message: 'Exam exam_nope not found' } });
  });
});

describe('GET /v1/users/course-progress/list/:email', () => {
  it("lists every course of the user's offers", async () => {
    const answer = await api.get(`/v1/users/course-progress/list/${segment(ANNA)}`);

    expect(answer).toMatchObject({ status: 200 });
    expect(answer.body).toEqual([
      { courseId: 'crs_yoga', courseName: 'Yoga für Anfänger', completedLessons: 6, totalLessons: 12, percent: 50, lastActivityAt: '2024-03-02T18:30:00.000Z' },
      { courseId: 'crs_meditation', courseName: 'Meditation', completedLessons: 3, totalLessons: 9, percent: 33, lastActivityAt: '2024-02-20T07:15:00.000Z' },
    ]);
  });

  it('reports zero progress for courses not started', async () => {
    const answer = await api.get(`/v1/users/course-progress/list/${segment(JULIA)}`);

    expect(answer.body).toEqual([
      expect.objectContaining({ courseId: 'crs_yoga', completedLessons: 0, totalLessons: 12, percent: 0, lastActivityAt: null }),
      expect.objectContaining({ courseId: 'crs_meditation', completedLessons: 0, totalLessons: 9, percent: 0, lastActivityAt: null }),
    ]);
  });

  it('answers 404 to an unknown user', async () => {
    const answer = await api.get(`/v1/users/course-progress/list/${segment('nobody@example.com')}`);

    expect(answer.status).toBe(404);
  });
});

describe('GET /v1/users/course-progress/:courseId/:email', () => {
  it("answers one course's progress", async () => {
    const answer = await api.get(`/v1/users/course-progress/crs_yoga/${segment(ANNA)}`);

    expect(answer.body).toEqual({
      courseId: 'crs_yoga',
      courseName: 'Yoga für Anfänger',
      email: ANNA,
      uid: 'u_000001',
      completedLessons: 6,
      totalLessons: 12,
      percent: 50,
      lastActivityAt: '2024-03-02T18:30:00.000Z',
    });
  });

  it('answers 404 to an unknown course or user', async () => {
    const unknownCourse = await api.get(`/v1/users/course-progress/crs_nope/${segment(ANNA)}`);
    const unknownUser = await api.get(`/v1/users/course-progress/crs_yoga/${segment('nobody@example.com')}`);

    expect(unknownCourse).toMatchObject({ status: 404, body: { message: 'Course crs_nope not found' } });
    expect(unknownUser).toMatchObject({ status: 404, body: { message: 'User with email nobody@example.com not found' } });
  });
});
