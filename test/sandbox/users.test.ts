import { startSandbox, type LoginToken, type User } from '../../sandbox';
import { ANNA, Api, JULIA, MAX, TOM, segment, useSandbox } from './helpers';

const fixture = useSandbox({ rateLimit: false });
const { api } = fixture;

interface Page {
  data: User[];
  nextPage: string | null;
}

describe('DELETE /v1/users/delete-users', () => {
  it('deletes the users with everything that belongs to them, ignoring unknown emails', async () => {
    await api.get(`/v1/users/login-token/u_000002`);

    const answer = await api.delete('/v1/users/delete-users', { emails: ['ANNA.schmidt@example.com', MAX, 'nobody@example.com'] });

    expect(answer).toMatchObject({ status: 200, body: { deleted: 2 } });
    const { state } = fixture.sandbox;
    expect(state.users.map((user) => user.email)).toEqual(['lena.fischer@example.com', TOM, JULIA]);
    expect(state.loginTokens).toEqual([]);
    expect(state.exam('exam_yoga_final')?.results.map((result) => result.email)).toEqual([TOM]);
    expect((await api.get(`/v1/users/find-by-mail/${segment(ANNA)}`)).status).toBe(404);
  });

  it('wants a non-empty array of strings', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'emails must be an array'],
      [{ emails: ANNA }, 'emails must be an array'],
      [{ emails: [] }, 'emails should not be empty'],
      [{ emails: [ANNA, 7] }, 'each value in emails must be a string'],
    ];
    for (const [body, message] of cases) {
      const answer = await api.delete('/v1/users/delete-users', body);
      expect(answer).toMatchObject({ status: 400, body: { message: [message] } });
    }
    expect(fixture.sandbox.state.users).toHaveLength(5);
  });
});

describe('POST /v1/users/set-custom-user-properties', () => {
  const setProperties = (body: unknown) => api.post('/v1/users/set-custom-user-properties', body);

  it('sets string values and keeps the others', async () => {
    const answer = await setProperties({
      email: ANNA,
      properties: [
        { propertyId: 'cp_company', value: 'Schmidt & Co' },
        { propertyId: 'cp_source', value: '' },
      ],
    });

    expect(answer).toMatchObject({
      status: 201,
      body: { uid: 'u_000001', email: ANNA, customProperties: { cp_phone: '+49 30 1234567', cp_company: 'Schmidt & Co', cp_source: '' } },
    });
  });

  it('names every bad property and changes nothing', async () => {
    const answer = await setProperties({
      email: ANNA,
      properties: [
        { propertyId: 'cp_nope', value: 'x' },
        { propertyId: 'cp_phone', value: 12345 },
        { value: 'x' },
      ],
    });

    expect(answer.body).toEqual({
      statusCode: 400,
      message: ['property cp_nope is not defined', 'properties.1.value must be a string', 'properties.2.propertyId should not be empty'],
      error: 'Bad Request',
    });
    expect(fixture.sandbox.state.userByEmail(ANNA)?.customProperties.cp_phone).toBe('+49 30 1234567');
  });

  it('wants a non-empty properties array', async () => {
    const empty = await setProperties({ email: ANNA, properties: [] });
    const missing = await setProperties({ email: ANNA });

    expect(empty.body).toMatchObject({ message: ['properties should not be empty'] });
    expect(missing.body).toMatchObject({ message: ['properties must be an array'] });
  });

  it('answers 404 to an unknown user', async () => {
    const answer = await setProperties({ email: 'nobody@example.com', properties: [{ propertyId: 'cp_phone', value: '1' }] });

    expect(answer.status).toBe(404);
  });
});

describe('GET /v1/users/list', () => {
  /** Follows nextPage until the end; returns the pages. */
  async function allPages(query: string): Promise<Page[]> {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const after: string = cursor === null ? '' : `&lastLoadedId=${segment(cursor)}`;
      const answer = await api.get<Page>(`/v1/users/list?${query}${after}`);
      expect(answer.status).toBe(200);
      pages.push(answer.body);
      cursor = answer.body.nextPage;
    } while (cursor !== null);
    return pages;
  }
  const uidsOf = (pages: Page[]) => pages.flatMap((page) => page.data.map((user) => user.uid));

  it('pages through every user in uid order with a default page length of 10', async () => {
    fixture.sandbox.reset({ users: 20 });

    const pages = await allPages('');

    expect(pages.map((page) => page.data.length)).toEqual([10, 10, 5]);
    expect(pages.map((page) => page.nextPage)).toEqual(['u_000010', 'u_000020', null]);
    expect(uidsOf(pages)).toEqual(fixture.sandbox.state.users.map((user) => user.uid));
  });

  it('sets nextPage only when more users follow', async () => {
    const pages = await allPages('pageLength=5');

    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ nextPage: null });
    expect(pages[0].data[0]).toMatchObject({ uid: 'u_000001', email: ANNA, offers: [{ offerId: 'off_premium' }] });
  });

  it('filters by course and by active state', async () => {
    const byCourse = await allPages('courseId=crs_yoga&pageLength=2');
    const active = await allPages('courseId=crs_yoga&active=true&pageLength=2');
    const inactiveBasic = await allPages('offerId=off_basic&active=false');
    const anyInactive = await allPages('active=false');

    expect(uidsOf(byCourse)).toEqual(['u_000001', 'u_000002', 'u_000004', 'u_000005']);
    expect(byCourse.map((page) => page.nextPage)).toEqual(['u_000002', null]);
    expect(uidsOf(active)).toEqual(['u_000001', 'u_000002', 'u_000005']);
    expect(uidsOf(inactiveBasic)).toEqual(['u_000004']);
    expect(uidsOf(anyInactive)).toEqual(['u_000004']);
  });

  it('filters by offer across many pages', async () => {
    fixture.sandbox.reset({ users: 60 });
    const expected = fixture.sandbox.state.users
      .filter((user) => user.offers.some((grant) => grant.offerId === 'off_coaching'))
      .map((user) => user.uid);

    const pages = await allPages('offerId=off_coaching&pageLength=3');

    expect(expected.length).toBeGreaterThan(9);
    expect(uidsOf(pages)).toEqual(expected);
    expect(pages.slice(0, -1).every((page) => page.data.length === 3)).toBe(true);
  });

  it('starts after a lastLoadedId that no longer exists', async () => {
    await api.delete('/v1/users/delete-users', { emails: [MAX] });

    const answer = await api.get<Page>('/v1/users/list?lastLoadedId=u_000002');

    expect(answer.body.data.map((user) => user.uid)).toEqual(['u_000003', 'u_000004', 'u_000005']);
  });

  it('validates the query', async () => {
    const cases: Array<[string, string]> = [
      ['pageLength=0', 'pageLength must not be less than 1'],
      ['pageLength=101', 'pageLength must not be greater than 100'],
      ['pageLength=ten', 'pageLength must be an integer number'],
      ['active=yes', 'active must be a boolean value'],
    ];
    for (const [query, message] of cases) {
      const answer = await api.get(`/v1/users/list?${query}`);
      expect(answer).toMatchObject({ status: 400, body: { message: [message] } });
    }
  });
});

describe('GET /v1/users/find-by-mail/:email', () => {
  it('answers the user', async () => {
    const answer = await api.get<User>(`/v1/users/find-by-mail/${segment(TOM)}`);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      uid: 'u_000004',
      email: TOM,
      firstname: 'Tom',
      name: 'Weber',
      createdAt: '2024-02-05T17:10:00.000Z',
      offers: [{ offerId: 'off_basic', active: false, orderId: 'DS24-0999', grantedAt: '2024-02-05T17:10:00.000Z' }],
      progress: { crs_yoga: { completedLessons: 2, totalLessons: 12, percent: 17, lastActivityAt: '2024-02-07T21:40:00.000Z' } },
      customProperties: {},
      chapterAccess: [],
    });
  });

  it('answers 404 to an unknown email', async () => {
    const answer = await api.get(`/v1/users/find-by-mail/${segment('nobody@example.com')}`);

    expect(answer.body).toEqual({ statusCode: 404, message: 'User with email nobody@example.com not found', error: 'Not Found' });
  });
});

describe('GET /v1/users/login-token/:uid', () => {
  it('issues a token valid for an hour and stores it', async () => {
    const before = Date.now();
    const answer = await api.get<LoginToken>('/v1/users/login-token/u_000001');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ uid: 'u_000001', token: expect.stringMatching(/^[\w-]{16,}$/), expiresAt: expect.any(String) });
    const lifetime = Date.parse(answer.body.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(3_500_000);
    expect(lifetime).toBeLessThanOrEqual(3_600_000 + 60_000);
    expect(fixture.sandbox.state.loginTokens).toEqual([answer.body]);
  });

  it('answers 404 to an unknown uid', async () => {
    const answer = await api.get('/v1/users/login-token/u_999999');

    expect(answer).toMatchObject({ status: 404, body: { message: 'User with uid u_999999 not found' } });
  });

  it('forgets expired tokens', async () => {
    const sandbox = await startSandbox({ loginTokenTtlMs: 0 });
    const shortLived = new Api(() => sandbox.url, () => sandbox.apiKey);
    try {
      const first = await shortLived.get<LoginToken>('/v1/users/login-token/u_000001');
      const second = await shortLived.get<LoginToken>('/v1/users/login-token/u_000001');

      expect(first.body.token).not.toBe(second.body.token);
      expect(sandbox.state.loginTokens).toEqual([second.body]);
    } finally {
      await sandbox.close();
    }
  });
});
