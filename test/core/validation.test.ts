/**
 * Bad input is refused before anything is sent, with an error that names the field.
 */
import { actions, ValidationError } from '../../shared';
import { inspect } from 'node:util';
import { API_KEY, rejectionOf, useSandbox } from '../helpers/sandbox';

const env = useSandbox();

beforeEach(() => env.sandbox.clearLog());
afterEach(() => expect(env.requests()).toEqual([]));

const cases: Array<[string, keyof typeof actions, unknown, string[]]> = [
  ['missing email and access id', 'grantAccess', {}, ['email', 'accessId']],
  ['malformed email', 'grantAccess', { email: 'not-an-email', accessId: 'off_basic' }, ['email']],
  ['email with a line break', 'grantAccess', { email: 'a@example.com\r\nX-Evil: 1', accessId: 'off_basic' }, ['email']],
  ['email with dot segments', 'findUserByEmail', { email: 'a/../../offers@x.de' }, ['email']],
  ['email as a number', 'findUserByEmail', { email: 42 }, ['email']],
  ['blank access id', 'revokeAccess', { email: 'a@example.com', accessId: '   ' }, ['accessId']],
  ['access id with a slash', 'deleteAccess', { email: 'a@example.com', accessId: 'off/../x' }, ['accessId']],
  ['active not a boolean', 'revokeAccess', { email: 'a@example.com', accessId: 'x', active: 'yes' }, ['active']],
  ['unknown field (typo)', 'grantAccess', { email: 'a@example.com', accessID: 'x' }, ['accessId', 'accessID']],
  ['empty email list', 'deleteUsers', { emails: [] }, ['emails']],
  ['bad email in list', 'deleteUsers', { emails: ['ok@example.com', 'bad'] }, ['emails.1']],
  ['emails not a list', 'deleteUsers', { emails: { a: 1 } }, ['emails']],
  ['properties not an object', 'setCustomProperties', { email: 'a@example.com', properties: 'x' }, ['properties']],
  ['property value an object', 'setCustomProperties', { email: 'a@example.com', properties: { cp_phone: { a: 1 } } }, ['properties.cp_phone']],
  ['no properties', 'setCustomProperties', { email: 'a@example.com', properties: {} }, ['properties']],
  ['uid dot segment', 'getLoginToken', { uid: '..' }, ['uid']],
  ['exam id with a slash', 'getExamResults', { examId: '../users' }, ['examId']],
  ['bad date', 'setOfferExpiration', { email: 'a@example.com', accessId: 'x', expiresAt: 'next week' }, ['expiresAt']],
  ['page length out of range', 'listUsers', { pageLength: 0 }, ['pageLength']],
  ['1 MB order id', 'grantAccess', { email: 'a@example.com', accessId: 'x', orderId: 'x'.repeat(1_000_000) }, ['orderId']],
  ['api call to another host', 'apiCall', { path: 'https://evil.example.com/v1/offers' }, ['path']],
  ['api call protocol-relative', 'apiCall', { path: '//evil.example.com/v1/offers' }, ['path']],
  ['api call backslash trick', 'apiCall', { path: '/\\evil.example.com/v1/offers' }, ['path']],
  ['api call dot segments', 'apiCall', { path: '/v1/../admin' }, ['path']],
  ['api call invalid JSON body', 'apiCall', { method: 'POST', path: '/v1/x', body: '{oops' }, ['body']],
  ['api call body with GET', 'apiCall', { method: 'GET', path: '/v1/offers', body: { a: 1 } }, ['body']],
  ['api call header injection', 'apiCall', { path: '/v1/offers', headers: { 'X-A': 'v\r\nX-API-KEY: other' } }, ['headers.X-A']],
  ['api call overriding the key header', 'apiCall', { path: '/v1/offers', headers: { 'x-api-key': 'other' } }, ['headers.x-api-key']],
  ['api call unknown method', 'apiCall', { method: 'TRACE', path: '/v1/offers' }, ['method']],
  ['empty email', 'findUserByEmail', { email: '' }, ['email']],
  ['whitespace email', 'findUserByEmail', { email: '   ' }, ['email']],
  ['email without domain', 'revokeAccess', { email: 'anna@', accessId: 'x' }, ['email']],
  ['email with spaces inside', 'grantAccess', { email: 'an na@example.com', accessId: 'x' }, ['email']],
  ['1 MB email', 'findUserByEmail', { email: `${'a'.repeat(1_000_000)}@example.com` }, ['email']],
  ['email as a list', 'grantAccess', { email: ['a@example.com'], accessId: 'x' }, ['email']],
  ['email null', 'listCourseProgress', { email: null }, ['email']],
  ['access id with a NUL byte', 'grantAccess', { email: 'a@example.com', accessId: 'off\u0000basic' }, ['accessId']],
  ['access id as an object', 'grantAccess', { email: 'a@example.com', accessId: { id: 'x' } }, ['accessId']],
  ['first name with CRLF', 'grantAccess', { email: 'a@example.com', accessId: 'x', firstName: 'Anna\r\nX: y' }, ['firstName']],
  ['order id blank', 'revokeOrderAccess', { email: 'a@example.com', orderId: ' ' }, ['orderId']],
  ['order id fractional number', 'deleteOrderAccess', { orderId: 12.5 }, ['orderId']],
  ['course id traversal', 'getCourseProgress', { courseId: '..', email: 'a@example.com' }, ['courseId']],
  ['chapter id with a backslash', 'enableChapterAccess', { email: 'a@example.com', courseId: 'c', chapterId: 'a\\b' }, ['chapterId']],
  ['uid with a space', 'getLoginToken', { uid: 'u 1' }, ['uid']],
  ['property id with a slash', 'setCustomProperties', { email: 'a@example.com', properties: { 'cp/x': 'v' } }, ['properties.cp/x']],
  ['property value null', 'setCustomProperties', { email: 'a@example.com', properties: { cp_phone: null } }, ['properties.cp_phone']],
  ['too many emails', 'deleteUsers', { emails: Array.from({ length: 1001 }, (_, i) => `u${i}@example.com`) }, ['emails']],
  ['expiry a number', 'setOfferExpiration', { email: 'a@example.com', accessId: 'x', expiresAt: 1700000000 }, ['expiresAt']],
  ['impossible date', 'setOfferExpiration', { email: 'a@example.com', accessId: 'x', expiresAt: '2027-02-31x' }, ['expiresAt']],
  ['extra body not an object', 'setOfferExpiration', { email: 'a@example.com', accessId: 'x', expiresAt: '2027-01-01', extraBody: 'x' }, ['extraBody']],
  ['page length not a number', 'listUsers', { pageLength: 'ten' }, ['pageLength']],
  ['active filter not boolean', 'listUsers', { active: 'sometimes' }, ['active']],
  ['api call missing path', 'apiCall', { method: 'GET' }, ['path']],
  ['api call path with CRLF', 'apiCall', { path: '/v1/offers\r\nHost: evil' }, ['path']],
  ['api call ftp URL', 'apiCall', { path: 'ftp://evil.example.com/x' }, ['path']],
  ['api call headers not an object', 'apiCall', { path: '/v1/offers', headers: 'X-A: 1' }, ['headers']],
  ['api call bad header name', 'apiCall', { path: '/v1/offers', headers: { 'X A': '1' } }, ['headers.X A']],
  ['api call query not an object', 'apiCall', { path: '/v1/offers', query: 'a=1' }, ['query']],
  ['input not an object', 'findUserByEmail', 'a@example.com', ['']],
  ['the API key pasted as an email', 'findUserByEmail', { email: API_KEY }, ['email']],
  ['the API key pasted into a path', 'apiCall', { path: `https://evil.example.com/?k=${API_KEY}` }, ['path']],
  // 10.13: what undici would refuse is refused here, naming the field, instead of retried as a network error.
  ['api call Expect header', 'apiCall', { path: '/v1/offers', headers: { Expect: '100-continue' } }, ['headers.Expect']],
  ['api call Upgrade header', 'apiCall', { path: '/v1/offers', headers: { upgrade: 'websocket' } }, ['headers.upgrade']],
  ['api call Keep-Alive header', 'apiCall', { path: '/v1/offers', headers: { 'Keep-Alive': 'timeout=5' } }, ['headers.Keep-Alive']],
  ['api call Connection header', 'apiCall', { path: '/v1/offers', headers: { Connection: 'close' } }, ['headers.Connection']],
  ['api call Transfer-Encoding header', 'apiCall', { path: '/v1/offers', headers: { 'Transfer-Encoding': 'chunked' } }, ['headers.Transfer-Encoding']],
  ['api call Host header', 'apiCall', { path: '/v1/offers', headers: { HOST: 'evil.example.com' } }, ['headers.HOST']],
  ['api call Content-Length header', 'apiCall', { path: '/v1/offers', headers: { 'Content-Length': '5' } }, ['headers.Content-Length']],
  ['api call TE header', 'apiCall', { path: '/v1/offers', headers: { TE: 'trailers' } }, ['headers.TE']],
  ['api call header value beyond Latin-1', 'apiCall', { path: '/v1/offers', headers: { 'X-Name': 'Zoë €' } }, ['headers.X-Name']],
  ['api call header name beyond ASCII', 'apiCall', { path: '/v1/offers', headers: { 'X-Grüße': '1' } }, ['headers.X-Grüße']],
  ['api call path with a lone surrogate', 'apiCall', { path: '/v1/users/find-by-mail/\ud800@example.com' }, ['path']],
  ['api call with the key header twice in another case', 'apiCall', { path: '/v1/offers', headers: { 'X-Api-Key': 'other' } }, ['headers.X-Api-Key']],
];

describe.each(cases)('%s', (_name, actionId, input, fields) => {
  it(`is refused naming ${fields.join(', ')}`, async () => {
    const error = await rejectionOf(env.client().execute(actionId, input));
    expect(error).toBeInstanceOf(ValidationError);
    const validation = error as unknown as ValidationError;
    expect(validation.code).toBe('VALIDATION');
    expect(validation.attempts).toBe(0);
    for (const field of fields) expect(validation.message).toContain(field);
    expect(validation.fields.some((f) => fields.includes(f))).toBe(true);
    expect(validation.hint).toMatch(/Nothing was sent/);
    expect(validation.message.length).toBeLessThan(2000);
    const shown = [validation.message, validation.hint, validation.stack, JSON.stringify(validation), inspect(validation, { depth: 5 })].join('\n');
    expect(shown).not.toContain(API_KEY);
  });
});

it('names the action in the message', async () => {
  const error = await rejectionOf(env.client().execute('grantAccess', { accessId: 'x' }));
  expect(error.message).toMatch(/^Invalid input for Grant Access: email: is required/);
});

it('refuses an unknown action id', async () => {
  const error = await rejectionOf(env.client().execute('grantAcess' as never, {}));
  expect(error).toBeInstanceOf(ValidationError);
  expect(error.message).toContain('"grantAcess" is not a Memberspot action');
});

it('validate() checks without sending', () => {
  const client = env.client();
  expect(client.validate('grantAccess', { email: ' a@example.com ', accessId: 'off_basic' })).toEqual({ email: 'a@example.com', accessId: 'off_basic' });
  expect(() => client.validate('apiCall', { path: 'http://evil.example.com/' })).toThrow(ValidationError);
});

it('refuses a client without a key or with a bad base URL', () => {
  expect(() => env.client({ apiKey: '' })).toThrow(/apiKey: is required/);
  expect(() => env.client({ baseUrl: 'ftp://example.com' })).toThrow(/baseUrl/);
});
