import type { User } from '../../sandbox';
import { ANNA, JULIA, LENA, MAX, TOM, useSandbox } from './helpers';

const fixture = useSandbox({ rateLimit: false });
const { api } = fixture;
const user = (email: string): User | undefined => fixture.sandbox.state.userByEmail(email);

describe('POST /v1/users/grant-user-offer-by-mail', () => {
  const grant = (body: Record<string, unknown>) => api.post('/v1/users/grant-user-offer-by-mail', body);

  it('creates a missing user with the offer', async () => {
    const answer = await grant({ email: 'neu@example.com', firstname: 'Nina', name: 'Neu', grantOffer: 'off_basic', orderId: 'DS24-2001' });

    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      uid: expect.stringMatching(/^u_\d{6}$/),
      email: 'neu@example.com',
      firstname: 'Nina',
      name: 'Neu',
      offerId: 'off_basic',
      orderId: 'DS24-2001',
      created: true,
    });
    expect(user('neu@example.com')).toMatchObject({
      firstname: 'Nina',
      name: 'Neu',
      offers: [{ offerId: 'off_basic', active: true, orderId: 'DS24-2001', grantedAt: expect.any(String) }],
    });
  });

  it('never duplicates a grant, and updates the order id and non-empty names', async () => {
    const answer = await grant({ email: 'ANNA.schmidt@example.com', grantOffer: 'off_premium', orderId: 'DS24-4711', firstname: 'Annabell', name: '' });

    expect(answer.body).toMatchObject({ uid: 'u_000001', email: ANNA, firstname: 'Annabell', name: 'Schmidt', orderId: 'DS24-4711', created: false });
    expect(user(ANNA)?.offers).toEqual([expect.objectContaining({ offerId: 'off_premium', active: true, orderId: 'DS24-4711' })]);
    expect(fixture.sandbox.state.users).toHaveLength(5);
  });

  it('keeps the order id when a re-grant gives none', async () => {
    const answer = await grant({ email: ANNA, grantOffer: 'off_premium' });

    expect(answer.body).toMatchObject({ orderId: 'DS24-0815', created: false });
  });

  it('re-activates an inactive grant', async () => {
    await grant({ email: TOM, grantOffer: 'off_basic' });

    expect(user(TOM)?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', active: true })]);
  });

  it('answers 404 to an unknown offer and creates no user', async () => {
    const answer = await grant({ email: 'neu@example.com', grantOffer: 'off_nope' });

    expect(answer).toMatchObject({ status: 404, body: { statusCode: 404, message: 'Offer off_nope not found', error: 'Not Found' } });
    expect(user('neu@example.com')).toBeUndefined();
  });
});

describe('POST /v1/users/set-offer-state', () => {
  const setOfferState = (body: Record<string, unknown>) => api.post('/v1/users/set-offer-state', body);

  it('revokes with active:false and keeps the progress', async () => {
    const answer = await setOfferState({ email: ANNA, offerId: 'off_premium', active: false });

    expect(answer).toMatchObject({ status: 201, body: { uid: 'u_000001', email: ANNA, offerId: 'off_premium', active: false } });
    expect(user(ANNA)?.offers[0].active).toBe(false);
    expect(Object.keys(user(ANNA)?.progress ?? {})).toEqual(['crs_yoga', 'crs_meditation']);
  });

  it('re-activates with active:true', async () => {
    await setOfferState({ email: TOM, offerId: 'off_basic', active: true });

    expect(user(TOM)?.offers[0].active).toBe(true);
  });

  it('without active deletes the offer and the progress of its courses', async () => {
    const answer = await setOfferState({ email: ANNA, offerId: 'off_premium' });

    expect(answer.body).toEqual({ uid: 'u_000001', email: ANNA, offerId: 'off_premium', removed: true });
    expect(user(ANNA)).toMatchObject({ offers: [], progress: {} });
  });

  it('keeps the progress of courses that another offer of the user still covers', async () => {
    await api.post('/v1/users/grant-user-offer-by-mail', { email: ANNA, grantOffer: 'off_basic' });

    await setOfferState({ email: ANNA, offerId: 'off_premium' });

    expect(user(ANNA)?.offers.map((grant) => grant.offerId)).toEqual(['off_basic']);
    expect(Object.keys(user(ANNA)?.progress ?? {})).toEqual(['crs_yoga']);
  });

  it('refuses an active that is not a boolean, null included (absence would delete)', async () => {
    for (const active of [null, 'false', 0]) {
      const answer = await setOfferState({ email: ANNA, offerId: 'off_premium', active });
      expect(answer).toMatchObject({ status: 400, body: { message: ['active must be a boolean value'] } });
    }
    expect(user(ANNA)?.offers).toHaveLength(1);
  });

  it('answers 404 to an unknown user and to an offer the user does not have', async () => {
    const unknownUser = await setOfferState({ email: 'nobody@example.com', offerId: 'off_basic', active: false });
    const notOnUser = await setOfferState({ email: MAX, offerId: 'off_premium', active: false });

    expect(unknownUser.body).toMatchObject({ statusCode: 404, message: 'User with email nobody@example.com not found' });
    expect(notOnUser.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});

describe('POST /v1/users/set-order-state', () => {
  const setOrderState = (body: Record<string, unknown>) => api.post('/v1/users/set-order-state', body);

  beforeEach(async () => {
    // One order covering two people, e.g. a purchase for a colleague.
    await api.post('/v1/users/grant-user-offer-by-mail', { email: MAX, grantOffer: 'off_coaching', orderId: 'DS24-1001' });
  });

  it('switches every grant of the order, across users', async () => {
    const answer = await setOrderState({ orderId: 'DS24-1001', active: false });

    expect(answer).toMatchObject({ status: 201, body: { orderId: 'DS24-1001', active: false, affected: 2 } });
    expect(user(LENA)?.offers[0].active).toBe(false);
    expect(user(MAX)?.offers.find((grant) => grant.orderId === 'DS24-1001')?.active).toBe(false);
    expect(user(MAX)?.offers.find((grant) => grant.offerId === 'off_basic')?.active).toBe(true);
  });

  it('acts only on the given user when an email is given', async () => {
    const answer = await setOrderState({ orderId: 'DS24-1001', email: MAX, active: false });

    expect(answer.body).toMatchObject({ affected: 1 });
    expect(user(LENA)?.offers[0].active).toBe(true);
  });

  it('without active removes the grants of the order and their progress', async () => {
    const answer = await setOrderState({ orderId: 'DS24-1001' });

    expect(answer.body).toEqual({ orderId: 'DS24-1001', removed: true, affected: 2 });
    expect(user(LENA)).toMatchObject({ offers: [], progress: {} });
    expect(user(MAX)?.offers.map((grant) => grant.offerId)).toEqual(['off_basic']);
    expect(user(MAX)?.progress.crs_yoga?.completedLessons).toBe(12);
  });

  it('answers 404 to an unknown order', async () => {
    const answer = await setOrderState({ orderId: 'DS24-9999', active: false });

    expect(answer).toMatchObject({ status: 404, body: { message: 'Order DS24-9999 not found' } });
  });

  it('validates its fields', async () => {
    const answer = await setOrderState({ email: 'nope', active: 'yes' });

    expect(answer.body).toMatchObject({
      statusCode: 400,
      message: ['orderId should not be empty', 'email must be an email', 'active must be a boolean value'],
    });
  });
});

describe('PATCH /v1/users/set-offer-expires', () => {
  const setExpiry = (body: Record<string, unknown>) => api.patch('/v1/users/set-offer-expires', body);

  it('sets an ISO 8601 expiry and ignores unknown body fields', async () => {
    const answer = await setExpiry({ email: MAX, offerId: 'off_basic', expiresAt: '2025-12-31T23:59:59+01:00', comment: 'extra' });

    expect(answer).toMatchObject({
      status: 200,
      body: { uid: 'u_000002', email: MAX, offerId: 'off_basic', expiresAt: '2025-12-31T22:59:59.000Z' },
    });
    expect(user(MAX)?.offers[0].expiresAt).toBe('2025-12-31T22:59:59.000Z');
  });

  it('clears the expiry with null', async () => {
    const answer = await setExpiry({ email: JULIA, offerId: 'off_premium', expiresAt: null });

    expect(answer.body).toMatchObject({ expiresAt: null });
    expect(user(JULIA)?.offers[0]).not.toHaveProperty('expiresAt');
  });

  it('refuses a date that is not ISO 8601', async () => {
    for (const expiresAt of ['31.12.2025', '2025-13-45', 1735689600000, undefined]) {
      const answer = await setExpiry({ email: MAX, offerId: 'off_basic', expiresAt });
      expect(answer.body).toMatchObject({ statusCode: 400, message: ['expiresAt must be a valid ISO 8601 date string'] });
    }
  });

  it('answers 404 to an unknown user or an offer the user does not have', async () => {
    const unknownUser = await setExpiry({ email: 'nobody@example.com', offerId: 'off_basic', expiresAt: null });
    const notOnUser = await setExpiry({ email: MAX, offerId: 'off_coaching', expiresAt: null });

    expect(unknownUser.status).toBe(404);
    expect(notOnUser.status).toBe(404);
  });
});

describe('POST /v1/chapters/chapter-access/enable', () => {
  const enable = (body: Record<string, unknown>) => api.post('/v1/chapters/chapter-access/enable', body);

  it('enables a chapter, idempotently', async () => {
    const first = await enable({ email: MAX, courseId: 'crs_coaching', chapterId: 'ch_coach_2' });
    await enable({ email: MAX, courseId: 'crs_coaching', chapterId: 'ch_coach_2' });

    expect(first).toMatchObject({
      status: 201,
      body: { uid: 'u_000002', email: MAX, courseId: 'crs_coaching', chapterId: 'ch_coach_2', enabled: true },
    });
    expect(user(MAX)?.chapterAccess).toEqual([{ courseId: 'crs_coaching', chapterId: 'ch_coach_2' }]);
  });

  it('answers 404 to an unknown user, course, or a chapter of another course', async () => {
    const answers = await Promise.all([
      enable({ email: 'nobody@example.com', courseId: 'crs_yoga', chapterId: 'ch_yoga_1' }),
      enable({ email: MAX, courseId: 'crs_nope', chapterId: 'ch_yoga_1' }),
      enable({ email: MAX, courseId: 'crs_yoga', chapterId: 'ch_med_1' }),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404]);
    expect(answers[2].body).toMatchObject({ message: 'Chapter ch_med_1 not found in course crs_yoga' });
    expect(user(MAX)?.chapterAccess).toEqual([]);
  });
});
