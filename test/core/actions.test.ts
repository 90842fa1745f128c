/**
 * Every action over real HTTP against the sandbox: the exact request on the wire and the normalised result.
 */
import { actionList, actions, isActionId } from '../../shared';
import { useSandbox } from '../helpers/sandbox';

const env = useSandbox();

beforeEach(() => env.sandbox.reset());

function lastRequest() {
  const requests = env.requests();
  expect(requests.length).toBeGreaterThan(0);
  return requests[requests.length - 1];
}

describe('the registry', () => {
  const ids = [
    'grantAccess', 'revokeAccess', 'deleteAccess', 'revokeOrderAccess', 'setOrderState', 'deleteOrderAccess', 'deleteUsers',
    'setCustomProperties', 'apiCall', 'listUsers', 'findUserByEmail', 'getLoginToken', 'setOfferExpiration',
    'listCourseProgress', 'getCourseProgress', 'listOffers', 'enableChapterAccess', 'listCustomProperties', 'getExamResults',
  ];

  it('has exactly the 19 actions of the contract', () => {
    expect(Object.keys(actions).sort()).toEqual([...ids].sort());
    expect(actionList).toHaveLength(19);
    expect(isActionId('grantAccess')).toBe(true);
    expect(isActionId('toString')).toBe(false);
  });

  it.each(actionList.map((a) => [a.id, a] as const))('%s declares what hosts need', (_id, action) => {
    expect(action.label).toMatch(/^[A-Z]/);
    expect(action.description.length).toBeGreaterThan(20);
    expect(typeof action.operation).toBe('string');
    for (const field of action.fields) {
      expect(field.name).toMatch(/^[a-z][A-Za-z]*$/);
      expect(field.label).toMatch(/^[A-Z]/);
      expect(field.description.length).toBeGreaterThan(5);
    }
    // Resource + operation identify an action, as n8n shows them.
    expect(actionList.filter((a) => a.resource === action.resource && a.operation === action.operation)).toHaveLength(1);
    // Destructive actions say so in their description.
    expect(action.destructive).toBe(/DESTRUCTIVE/.test(action.description));
  });

  it('marks the Make modules, and the offer and property pickers', () => {
    const make = actionList.filter((a) => a.makeModule).map((a) => a.id).sort();
    expect(make).toEqual(['apiCall', 'deleteAccess', 'deleteOrderAccess', 'deleteUsers', 'grantAccess', 'revokeAccess', 'revokeOrderAccess', 'setCustomProperties']);
    expect(actions.grantAccess.fields.find((f) => f.name === 'accessId')?.picker).toBe('offers');
    expect(actions.setCustomProperties.fields.find((f) => f.name === 'properties')?.picker).toBe('customProperties');
    expect(actionList.filter((a) => a.destructive).map((a) => a.id).sort()).toEqual(['deleteAccess', 'deleteOrderAccess', 'deleteUsers']);
    expect(actionList.filter((a) => a.rateLimited).map((a) => a.id).sort()).toEqual(
      ['apiCall', 'findUserByEmail', 'getCourseProgress', 'getLoginToken', 'listCourseProgress'],
    );
  });
});

describe('on the wire', () => {
  it('grantAccess sends firstname, name, grantOffer and orderId, and returns the uid', async () => {
    const result = await env.client().execute('grantAccess', {
      email: 'neu@example.com', firstName: 'Nora', lastName: 'Neumann', accessId: 'off_basic', orderId: 'DS24-2001',
    });
    const request = lastRequest();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/users/grant-user-offer-by-mail');
    expect(request.body).toEqual({ email: 'neu@example.com', firstname: 'Nora', name: 'Neumann', grantOffer: 'off_basic', orderId: 'DS24-2001' });
    expect(result).toMatchObject({ success: true, email: 'neu@example.com', accessId: 'off_basic', orderId: 'DS24-2001' });
    expect(result.uid).toEqual(expect.any(String));
    const user = await env.client().execute('findUserByEmail', { email: 'neu@example.com' });
    expect(user).toMatchObject({ uid: result.uid, firstname: 'Nora', name: 'Neumann' });
  });

  it('grantAccess with only the required fields sends no empty optional fields', async () => {
    await env.client().execute('grantAccess', { email: 'solo@example.com', accessId: 'off_basic' });
    expect(lastRequest().body).toEqual({ email: 'solo@example.com', grantOffer: 'off_basic' });
  });

  it('revokeAccess sends offerId and active:false by default; progress is kept', async () => {
    const client = env.client();
    const before = await client.execute('getCourseProgress', { courseId: 'crs_yoga', email: 'anna.schmidt@example.com' });
    const result = await client.execute('revokeAccess', { email: 'anna.schmidt@example.com', accessId: 'off_premium' });
    expect(lastRequest()).toMatchObject({ method: 'POST', path: '/v1/users/set-offer-state', body: { email: 'anna.schmidt@example.com', offerId: 'off_premium', active: false } });
    expect(result).toMatchObject({ success: true, active: false, accessId: 'off_premium' });
    const after = await client.execute('getCourseProgress', { courseId: 'crs_yoga', email: 'anna.schmidt@example.com' });
    expect(after.completedLessons).toBe(before.completedLessons);
    expect(Number(before.completedLessons)).toBeGreaterThan(0);
  });

  it('revokeAccess with active:true re-activates', async () => {
    await env.client().execute('revokeAccess', { email: 'anna.schmidt@example.com', accessId: 'off_premium', active: 'true' });
    expect(lastRequest().body).toEqual({ email: 'anna.schmidt@example.com', offerId: 'off_premium', active: true });
  });

  it('deleteAccess sends set-offer-state without active and the progress is gone', async () => {
    const client = env.client();
    const result = await client.execute('deleteAccess', { email: 'anna.schmidt@example.com', accessId: 'off_premium' });
    expect(lastRequest()).toMatchObject({ method: 'POST', path: '/v1/users/set-offer-state' });
    expect(lastRequest().body).toEqual({ email: 'anna.schmidt@example.com', offerId: 'off_premium' });
    expect(result).toMatchObject({ success: true, deleted: true });
    const user = await client.execute('findUserByEmail', { email: 'anna.schmidt@example.com' });
    expect(JSON.stringify(user.offers)).not.toContain('off_premium');
  });

  it('setOfferExpiration sends PATCH with offerId and an ISO date, and extra body fields', async () => {
    const result = await env.client().execute('setOfferExpiration', {
      email: 'anna.schmidt@example.com', accessId: 'off_premium', expiresAt: '2027-01-31', extraBody: { note: 'Laufzeit' },
    });
    expect(lastRequest()).toMatchObject({ method: 'PATCH', path: '/v1/users/set-offer-expires' });
    expect(lastRequest().body).toEqual({ email: 'anna.schmidt@example.com', offerId: 'off_premium', expiresAt: '2027-01-31T00:00:00.000Z', note: 'Laufzeit' });
    expect(result).toMatchObject({ success: true, expiresAt: '2027-01-31T00:00:00.000Z' });
  });

  it('revokeOrderAccess and deleteOrderAccess act on set-order-state', async () => {
    const client = env.client();
    await client.execute('grantAccess', { email: 'order@example.com', accessId: 'off_basic', orderId: 'CC-77' });
    const revoked = await client.execute('revokeOrderAccess', { email: 'order@example.com', orderId: 'CC-77' });
    expect(lastRequest()).toMatchObject({ method: 'POST', path: '/v1/users/set-order-state', body: { email: 'order@example.com', orderId: 'CC-77', active: false } });
    expect(revoked).toMatchObject({ success: true, active: false, orderId: 'CC-77' });
    const deleted = await client.execute('deleteOrderAccess', { orderId: 'CC-77' });
    expect(lastRequest().body).toEqual({ orderId: 'CC-77' });
    expect(deleted).toMatchObject({ success: true, deleted: true, orderId: 'CC-77' });
    const user = await client.execute('findUserByEmail', { email: 'order@example.com' });
    expect(JSON.stringify(user.offers)).not.toContain('off_basic');
  });

  it.each([[''], ['  '], [null], [undefined]])('deleteOrderAccess with an Active given but empty (%p) is refused, nothing sent', async (active) => {
    const client = env.client();
    await client.execute('grantAccess', { email: 'order@example.com', accessId: 'off_basic', orderId: 'CC-78' });
    const before = env.requests().length;
    await expect(client.execute('deleteOrderAccess', { orderId: 'CC-78', active })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [expect.objectContaining({ field: 'active', message: expect.stringMatching(/is set but empty/) })],
    });
    expect(() => client.validate('deleteOrderAccess', { orderId: 'CC-78', active })).toThrow(/active/);
    expect(env.requests()).toHaveLength(before);
    expect(env.sandbox.state.userByEmail('order@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'CC-78', active: true })]);
  });

  it('setOrderState sends orderId and the required active, and keeps the access', async () => {
    const client = env.client();
    await client.execute('grantAccess', { email: 'order@example.com', accessId: 'off_basic', orderId: 'CC-80' });
    const result = await client.execute('setOrderState', { orderId: 'CC-80', active: 'false' });
    expect(lastRequest()).toMatchObject({ method: 'POST', path: '/v1/users/set-order-state', body: { orderId: 'CC-80', active: false } });
    expect(result).toMatchObject({ success: true, orderId: 'CC-80', active: false });
    expect(env.sandbox.state.userByEmail('order@example.com')?.offers).toEqual([expect.objectContaining({ orderId: 'CC-80', active: false })]);
    const before = env.requests().length;
    for (const active of [undefined, null, '', ' ']) {
      await expect(client.execute('setOrderState', { orderId: 'CC-80', active })).rejects.toMatchObject({
        code: 'VALIDATION', issues: [expect.objectContaining({ field: 'active' })],
      });
    }
    await expect(client.execute('setOrderState', { orderId: 'CC-80' })).rejects.toMatchObject({ issues: [{ field: 'active', message: 'is required: true or false' }] });
    expect(env.requests()).toHaveLength(before);
  });

  it('deleteOrderAccess takes a numeric order id as text', async () => {
    const client = env.client();
    await client.execute('grantAccess', { email: 'num@example.com', accessId: 'off_basic', orderId: 123456 });
    await client.execute('deleteOrderAccess', { orderId: 123456, active: false });
    expect(lastRequest().body).toEqual({ orderId: '123456', active: false });
  });

  it('deleteUsers sends DELETE with a JSON list of emails, also from comma-separated text', async () => {
    const client = env.client();
    const result = await client.execute('deleteUsers', { emails: 'max.mueller@example.com, nobody@example.com' });
    expect(lastRequest()).toMatchObject({ method: 'DELETE', path: '/v1/users/delete-users', body: { emails: ['max.mueller@example.com', 'nobody@example.com'] } });
    // Memberspot deleted one of the two: the result says so.
    expect(result).toMatchObject({ success: false, deleted: 1, emails: ['max.mueller@example.com', 'nobody@example.com'], response: { deleted: 1 } });
    await expect(client.execute('findUserByEmail', { email: 'max.mueller@example.com' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('deleteUsers reports what Memberspot said: a look-alike address (Cyrillic а) deletes nobody and is not a success', async () => {
    const client = env.client();
    const result = await client.execute('deleteUsers', { emails: ['\u0430nna.schmidt@example.com'] });
    expect(result).toMatchObject({ success: false, deleted: 0 });
    expect(env.sandbox.state.userByEmail('anna.schmidt@example.com')).toBeDefined();
    const all = await client.execute('deleteUsers', { emails: ['anna.schmidt@example.com', 'max.mueller@example.com'] });
    expect(all).toMatchObject({ success: true, deleted: 2 });
  });

  it('deleteUsers with maxEmails: more addresses are refused naming emails, nothing sent', async () => {
    const client = env.client();
    const before = env.requests().length;
    await expect(client.execute('deleteUsers', { emails: 'anna.schmidt@example.com, max.mueller@example.com', maxEmails: 1 })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ field: 'emails', message: expect.stringMatching(/has 2 addresses, more than the maximum of 1/) }],
    });
    await expect(client.execute('deleteUsers', { emails: ['anna.schmidt@example.com'], maxEmails: '' })).rejects.toMatchObject({ issues: [expect.objectContaining({ field: 'maxEmails' })] });
    expect(env.requests()).toHaveLength(before);
    expect(env.sandbox.state.userByEmail('max.mueller@example.com')).toBeDefined();
    await client.execute('deleteUsers', { emails: ['max.mueller@example.com'], maxEmails: 1 });
    expect(lastRequest().body).toEqual({ emails: ['max.mueller@example.com'] });
  });

  it('setCustomProperties sends propertyId/value pairs with values as text', async () => {
    const result = await env.client().execute('setCustomProperties', {
      email: 'anna.schmidt@example.com', properties: { cp_phone: 4930123456, cp_company: 'Yoga GmbH' },
    });
    expect(lastRequest()).toMatchObject({ method: 'POST', path: '/v1/users/set-custom-user-properties' });
    expect(lastRequest().body).toEqual({
      email: 'anna.schmidt@example.com',
      properties: [{ propertyId: 'cp_phone', value: '4930123456' }, { propertyId: 'cp_company', value: 'Yoga GmbH' }],
    });
    expect(result.properties).toEqual({ cp_phone: '4930123456', cp_company: 'Yoga GmbH' });
  });

  it('setCustomProperties also takes a list of { propertyId, value }', async () => {
    await env.client().execute('setCustomProperties', { email: 'anna.schmidt@example.com', properties: [{ propertyId: 'cp_source', value: 'Webinar' }] });
    expect(lastRequest().body).toEqual({ email: 'anna.schmidt@example.com', properties: [{ propertyId: 'cp_source', value: 'Webinar' }] });
  });

  it('listUsers maps accessId to offerId and returns users with the cursor', async () => {
    const client = env.client();
    const page = await client.execute('listUsers', { accessId: 'off_premium', active: true, pageLength: 2 });
    const request = lastRequest();
    expect(request).toMatchObject({ method: 'GET', path: '/v1/users/list' });
    expect(request.query).toEqual({ offerId: 'off_premium', active: 'true', pageLength: '2' });
    expect(Array.isArray(page.users)).toBe(true);
    expect(page.users.length).toBeGreaterThan(0);
    expect(page).toHaveProperty('nextPage');
  });

  it('findUserByEmail encodes the email as one path segment', async () => {
    const user = await env.client().execute('findUserByEmail', { email: 'anna.schmidt@example.com' });
    expect(lastRequest()).toMatchObject({ method: 'GET', path: '/v1/users/find-by-mail/anna.schmidt%40example.com' });
    expect(user).toMatchObject({ email: 'anna.schmidt@example.com', uid: expect.any(String) });
  });

  it('getLoginToken takes the uid and returns the token', async () => {
    const client = env.client();
    const user = await client.execute('findUserByEmail', { email: 'anna.schmidt@example.com' });
    const token = await client.execute('getLoginToken', { uid: user.uid });
    expect(lastRequest()).toMatchObject({ method: 'GET', path: `/v1/users/login-token/${encodeURIComponent(String(user.uid))}` });
    expect(token).toMatchObject({ uid: user.uid, token: expect.any(String) });
    expect(String(token.token).length).toBeGreaterThan(10);
  });

  it('listCourseProgress and getCourseProgress (course first, then email)', async () => {
    const client = env.client();
    const list = await client.execute('listCourseProgress', { email: 'anna.schmidt@example.com' });
    expect(lastRequest().path).toBe('/v1/users/course-progress/list/anna.schmidt%40example.com');
    expect(list.map((p) => p.courseId)).toEqual(expect.arrayContaining(['crs_yoga', 'crs_meditation']));
    const one = await client.execute('getCourseProgress', { courseId: 'crs_yoga', email: 'anna.schmidt@example.com' });
    expect(lastRequest().path).toBe('/v1/users/course-progress/crs_yoga/anna.schmidt%40example.com');
    expect(one).toMatchObject({ courseId: 'crs_yoga' });
  });

  it('listOffers returns the offers as a list', async () => {
    const offers = await env.client().execute('listOffers', {});
    expect(lastRequest()).toMatchObject({ method: 'GET', path: '/v1/offers', body: undefined });
    expect(offers.map((o) => o.id)).toEqual(expect.arrayContaining(['off_basic', 'off_premium', 'off_coaching']));
    expect(offers.find((o) => o.id === 'off_basic')?.name).toBe('Online-Kurs Basis');
  });

  it('enableChapterAccess posts email, courseId and chapterId', async () => {
    const result = await env.client().execute('enableChapterAccess', { email: 'anna.schmidt@example.com', courseId: 'crs_yoga', chapterId: 'ch_yoga_3' });
    expect(lastRequest()).toMatchObject({ method: 'POST', path: '/v1/chapters/chapter-access/enable', body: { email: 'anna.schmidt@example.com', courseId: 'crs_yoga', chapterId: 'ch_yoga_3' } });
    expect(result).toMatchObject({ success: true, chapterId: 'ch_yoga_3' });
  });

  it('listCustomProperties returns definitions with id and name', async () => {
    const properties = await env.client().execute('listCustomProperties');
    expect(lastRequest().path).toBe('/v1/custom-user-properties/list');
    expect(properties).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'cp_phone', name: 'Telefon' })]));
  });

  it('getExamResults reads the results of an exam', async () => {
    const results = await env.client().execute('getExamResults', { examId: 'exam_yoga_final' });
    expect(lastRequest().path).toBe('/v1/exams/exam_yoga_final/results');
    expect(results.length).toBeGreaterThan(0);
  });

  it('apiCall sends method, path, query, headers and body, and returns status, headers and body', async () => {
    const client = env.client();
    const offers = await client.execute('apiCall', { method: 'get', path: '/v1/offers', query: { a: 1, b: [true, 'x'] }, headers: { 'X-Trace': 'abc' } });
    expect(lastRequest()).toMatchObject({ method: 'GET', path: '/v1/offers', query: { a: '1', b: 'x' } });
    expect(offers.statusCode).toBe(200);
    expect(Array.isArray(offers.body)).toBe(true);
    const granted = await client.execute('apiCall', {
      method: 'POST', path: 'v1/users/grant-user-offer-by-mail', body: '{"email":"raw@example.com","grantOffer":"off_basic"}',
    });
    expect(lastRequest()).toMatchObject({ method: 'POST', path: '/v1/users/grant-user-offer-by-mail', body: { email: 'raw@example.com', grantOffer: 'off_basic' } });
    expect(granted.statusCode).toBe(201);
  });

  it('apiCall accepts an absolute URL on the base URL itself', async () => {
    const result = await env.client().execute('apiCall', { path: `${env.sandbox.url}/v1/offers?x=1` });
    expect(lastRequest()).toMatchObject({ path: '/v1/offers', query: { x: '1' } });
    expect(result.statusCode).toBe(200);
  });
});

describe('listAll', () => {
  it('follows the cursor across pages and stops at the limit', async () => {
    const client = env.client();
    env.sandbox.clearLog();
    const all: unknown[] = [];
    for await (const user of client.listAll({ pageLength: 2 })) all.push(user);
    const pages = env.requests();
    expect(pages.length).toBeGreaterThan(2);
    expect(pages[0].query.lastLoadedId).toBeUndefined();
    for (let i = 1; i < pages.length; i += 1) expect(pages[i].query.lastLoadedId).toEqual(expect.any(String));
    const uids = all.map((u) => (u as { uid: string }).uid);
    expect(new Set(uids).size).toBe(uids.length);
    const single = await client.execute('listUsers', { pageLength: 100 });
    expect(uids.length).toBe(single.users.length);

    const limited: unknown[] = [];
    for await (const user of client.listAll({ pageLength: 2 }, { limit: 3 })) limited.push(user);
    expect(limited).toHaveLength(3);
  });
});
