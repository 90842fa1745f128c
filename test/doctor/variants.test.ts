import { startSandbox, type Sandbox, type Variants } from '../../sandbox';
import { detailOf, doctor, named, parseReport } from './helpers';

const KEY = 'doctor-test-key';
const THROWAWAY = 'doctor.throwaway@example.org';
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ apiKey: KEY });
});
afterAll(() => sandbox.close());

async function check(variants: Partial<Variants>, probes: string[]) {
  sandbox.reset();
  sandbox.setVariants({ ...defaults, ...variants });
  const offer = sandbox.state.offers[0].id;
  const write = probes.includes('--write') ? ['--email', THROWAWAY, '--offer', offer, '--yes'] : [];
  const run = await doctor(['--json', ...probes, ...write], { MEMBERSPOT_API_KEY: KEY, MEMBERSPOT_BASE_URL: sandbox.url });
  return { run, report: parseReport(run) };
}

const defaults: Variants = { customPropertyKey: 'propertyId', cursor: 'nextPage', loginToken: 'object', deleteAccess: 'remove', retryAfter: true, rateLimitHeaders: 'none', listUsers: 'object', openapi: 'match' };

describe('memberspot-doctor against the sandbox', () => {
  it('default: every assumption holds, with every probe (exit 0)', async () => {
    const { run, report } = await check({}, ['--rate', '--write']);

    expect(named(report, 'differs')).toEqual([]);
    expect(named(report, 'unchecked')).toEqual([]);
    expect(named(report, 'holds')).toEqual(expect.arrayContaining([
      'connection: Key (GET /v1/offers)', 'openapi: Grant Access', 'read: List Users: cursor', 'write: Delete Access',
      'write: Set Custom Property Values', 'write: Delete Users (clean-up)', 'rate: Rate limit',
    ]));
    expect(detailOf(report, 'rate', 'Rate limit')).toMatch(/429 on call 5 .*Retry-After: 1/);
    expect(run.code).toBe(0);
    expect(sandbox.state.userByEmail(THROWAWAY)).toBeUndefined();
  });

  it.each<[string, Partial<Variants>, string[], string[], RegExp]>([
    ['custom property items keyed id', { customPropertyKey: 'id' }, ['--write'], ['write: Set Custom Property Values'], /items \{ id, value \} work/],
    ['the cursor as next_page', { cursor: 'next_page' }, [], ['read: List Users: cursor'], /"next_page"/],
    ['no cursor', { cursor: 'absent' }, [], ['read: List Users: cursor'], /no cursor in the answer/],
    ['List Users as a bare array', { listUsers: 'array' }, [], ['read: List Users: users', 'read: List Users: cursor'], /bare array/],
    ['Delete Access meaning deactivate', { deleteAccess: 'deactivate' }, ['--write'], ['write: Delete Access', 'write: Delete Order Access'], /the offer is inactive, expected absent/],
    ['429 without Retry-After', { retryAfter: false }, ['--rate'], ['rate: Rate limit'], /without Retry-After/],
    ['RateLimit-* headers', { rateLimitHeaders: 'RateLimit' }, ['--rate'], ['rate: Rate limit headers'], /ratelimit-limit, ratelimit-remaining, ratelimit-reset/],
    ['X-RateLimit-* headers', { rateLimitHeaders: 'X-RateLimit' }, ['--rate'], ['rate: Rate limit headers'], /x-ratelimit-limit/],
    ['an OpenAPI document that differs', { openapi: 'differs' }, [], ['openapi: Grant Access', 'openapi: Set Offer Expiration', 'openapi: Enable Chapter Access'], /field "grantOffer": not in the document/],
  ])('%s: exactly that difference is reported (exit 1)', async (_name, variants, probes, differing, detail) => {
    const { run, report } = await check(variants, probes);

    expect(named(report, 'differs')).toEqual(differing);
    const [area, ...name] = differing[0].split(': ');
    expect(detailOf(report, area, name.join(': '))).toMatch(detail);
    expect(run.code).toBe(1);
  });

  it.each<[Variants['loginToken'], RegExp]>([
    ['string', /a bare string/],
    ['token', /object \{ token \}/],
  ])('the login token as %s: both forms are the decision, so it holds and says which (exit 0)', async (loginToken, detail) => {
    const { run, report } = await check({ loginToken }, ['--write']);

    expect(detailOf(report, 'write', 'Get Login Token')).toMatch(detail);
    expect(named(report, 'differs')).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('no OpenAPI document: says where it looked, and checks the rest (exit 0)', async () => {
    const { run, report } = await check({ openapi: 'none' }, []);

    expect(detailOf(report, 'openapi', 'Document')).toMatch(/\/api-json: HTTP 404, \/api\/swagger.json: HTTP 404, \/swagger.json: HTTP 404/);
    expect(named(report, 'unchecked')).toEqual(['openapi: Document']);
    expect(run.code).toBe(0);
  });

  it('the differing document lists the operation no action covers, with a Make an API Call example', async () => {
    const { report } = await check({ openapi: 'differs' }, []);

    expect(detailOf(report, 'openapi', 'Not covered by an action')).toContain('GET /v1/courses: Make an API Call {"method":"GET","path":"/v1/courses"}');
  });
});
