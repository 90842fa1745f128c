/**
 * `--write` never writes to an existing member (issue 17), whatever shape Memberspot's answers take, and
 * deletes only what this run created. Writes are counted at a real HTTP server in front of the sandbox.
 */
import { startSandbox, type Sandbox, type Variants } from '../../sandbox';
import { detailOf, doctor, named, parseReport } from './helpers';
import { findByMailEmail, startProxy, type Answer, type Exchange, type Proxy } from './proxy';

const KEY = 'doctor-safety-key';
const MEMBER = 'julia.becker@example.com';
const THROWAWAY = 'doctor.throwaway@example.org';
const DEFAULTS: Variants = { customPropertyKey: 'propertyId', cursor: 'nextPage', loginToken: 'object', deleteAccess: 'remove', retryAfter: true, rateLimitHeaders: 'none', listUsers: 'object', openapi: 'match' };
let sandbox: Sandbox;
let proxy: Proxy;

beforeAll(async () => {
  sandbox = await startSandbox({ apiKey: KEY });
  proxy = await startProxy(sandbox.url);
});
beforeEach(() => {
  sandbox.reset('default');
  sandbox.setVariants(DEFAULTS);
  proxy.handle((_exchange, forward) => forward());
  proxy.seen.length = 0;
});
afterAll(async () => {
  await proxy.close();
  await sandbox.close();
});

const offer = () => sandbox.state.offers[0].id;
const run = (args: string[]) => doctor(['--json', '--write', ...args, '--offer', offer(), '--yes'], { MEMBERSPOT_API_KEY: KEY, MEMBERSPOT_BASE_URL: proxy.url });
/** Answers find-by-mail for `email` (any case) with the sandbox's user rewritten by `shape`; the rest goes through. */
const reshape = (email: string, shape: (user: Record<string, unknown>) => unknown) =>
  proxy.handle(async (exchange, forward) => {
    const answer = await forward();
    const asked = findByMailEmail(exchange);
    return asked?.toLowerCase() === email.toLowerCase() && answer.status === 200 ? { status: 200, body: shape(answer.body as Record<string, unknown>) } : answer;
  });
const generatedUsers = () => sandbox.state.users.filter((user) => user.email.startsWith('memberspot-doctor-'));

describe('an existing member\'s address: exit 2 and not one write request', () => {
  it.each<[string, (user: Record<string, unknown>) => unknown]>([
    ['under data', (user) => ({ data: user })],
    ['under user', (user) => ({ user })],
    ['under data.user', (user) => ({ data: { user } })],
    ['under result, as { id, mail }', ({ uid, email, ...rest }) => ({ result: { id: uid, mail: email, ...rest } })],
    ['as a one-element array', (user) => [user]],
  ])('Find User by Email answers the member %s', async (_name, shape) => {
    reshape(MEMBER, shape);

    const result = await run(['--email', MEMBER]);
    const report = parseReport(result);

    expect(report.fatal).toMatch(/^refused: the --email address belongs to a member \(Find User by Email found it \(HTTP 200, the user (under|at)/);
    expect(proxy.writes()).toEqual([]);
    expect(result.code).toBe(2);
    expect(result.stdout).not.toContain(MEMBER);
  });

  it('the lookup matches letter case exactly (404 for Julia.Becker@Example.COM): List Users finds the member in another case', async () => {
    proxy.handle(async (exchange, forward) => {
      const asked = findByMailEmail(exchange);
      if (asked !== undefined && asked !== asked.toLowerCase()) return { status: 404, body: { statusCode: 404, message: `User with email ${asked} not found`, error: 'Not Found' } };
      return forward();
    });

    const result = await run(['--email', 'Julia.Becker@Example.COM']);

    expect(parseReport(result).fatal).toMatch(/belongs to a member \(List Users page 1 holds the address \(in another letter case\)\)/);
    expect(proxy.writes()).toEqual([]);
    expect(result.code).toBe(2);
  });

  it.each<[string, Partial<Variants>, RegExp]>([
    ['{ data, nextPage }', {}, /^refused: the --email address belongs to a member \(List Users page 2 holds the address\)/],
    ['{ data, next_page }', { cursor: 'next_page' }, /^refused: the read probes found "List Users: cursor" differing/],
    ['{ data } without a cursor', { cursor: 'absent' }, /^refused: the read probes found "List Users: cursor" differing/],
    ['a bare array', { listUsers: 'array' }, /^refused: the read probes found "List Users: users", "List Users: cursor" differing/],
  ])('without Enterprise (find-by-mail 403), 150 users, List Users as %s: the member on the last page is found, or the doctor refuses', async (_name, variants, fatal) => {
    sandbox.reset({ users: 150 });
    sandbox.setVariants(variants);
    sandbox.setFaults({ errorRate: 1, errorStatuses: [403], pathPrefix: '/v1/users/find-by-mail' });

    const result = await run(['--email', 'user150@example.com']);

    expect(parseReport(result).fatal).toMatch(fatal);
    expect(proxy.writes()).toEqual([]);
    expect(sandbox.state.userByEmail('user150@example.com')?.offers).toHaveLength(1);
    expect(result.code).toBe(2);
  });

  it('a 200 with any body for the address, where the cannot-exist address gets a 404: refused, nothing written', async () => {
    proxy.handle(async (exchange, forward) => (findByMailEmail(exchange) === 'fresh@example.org' ? { status: 200, body: { found: false } } : forward()));

    const result = await run(['--email', 'fresh@example.org']);

    expect(parseReport(result).fatal).toBe(
      'refused: the doctor cannot be sure the --email address is new: Find User by Email answered HTTP 200 (object { found }), not as for an address that cannot exist (HTTP 404 (object { statusCode, message, error })); nothing was written',
    );
    expect(proxy.writes()).toEqual([]);
    expect(result.code).toBe(2);
  });

  it('a read probe found the user shape differing: no write probe runs, not even with a doctor-made address', async () => {
    reshape(sandbox.state.users[0].email, (user) => ({ data: user }));

    const result = await run(['--email-domain', 'example.org']);
    const report = parseReport(result);

    expect(detailOf(report, 'read', 'Find User by Email')).toMatch(/^read through a fallback: the user is under data/);
    expect(report.fatal).toMatch(/^refused: the read probes found "Find User by Email" differing/);
    expect(proxy.writes()).toEqual([]);
    expect(result.code).toBe(2);
  });
});

describe('a doctor-made address', () => {
  it('runs every write step and is cleaned up (exit 0)', async () => {
    const result = await run(['--email-domain', 'example.org']);
    const report = parseReport(result);

    expect(named(report, 'differs')).toEqual([]);
    expect(named(report, 'unchecked')).toEqual([]);
    const steps = report.checks.filter((check) => check.area === 'write').map((check) => `${check.name}: ${check.status}`);
    expect(steps).toEqual([
      'Grant Access: holds', 'Revoke Access: holds', 'Grant Access again: holds', 'Set Offer Expiration: holds', 'Set Custom Property Values: holds',
      'Delete Access: holds', 'Revoke Order Access: holds', 'Delete Order Access: holds', 'Get Login Token: holds', 'Delete Users (clean-up): holds',
    ]);
    const writes = proxy.writes();
    const address = (writes[0].body as { email: string }).email;
    expect(address).toMatch(/^memberspot-doctor-[0-9a-f]{12}@example\.org$/);
    expect(writes.at(-1)).toEqual({ method: 'DELETE', path: '/v1/users/delete-users', body: { emails: [address] } });
    expect(generatedUsers()).toEqual([]);
    expect(result.stdout).not.toContain(address);
    expect(result.code).toBe(0);
  });

  it.each([[['--email-domain', 'example.org']], [['--email', THROWAWAY]]])('without Enterprise (%j): read-backs cannot tell the offer\'s state, so no access is deleted on a guess; the user it created is deleted and List Users shows it gone', async (address) => {
    sandbox.setFaults({ errorRate: 1, errorStatuses: [403], pathPrefix: '/v1/users/find-by-mail' });

    const result = await run(address);
    const report = parseReport(result);

    expect(detailOf(report, 'write', 'Revoke Access')).toMatch(/could not be read back: Find User by Email answered HTTP 403/);
    expect(detailOf(report, 'write', 'Delete Access')).toBe('not run: the result of "Revoke Access" could not be read back, so the doctor does not delete access on a guess');
    expect(detailOf(report, 'write', 'Delete Order Access')).toMatch(/^not run: /);
    const removals = proxy.writes().filter((write) => /set-(offer|order)-state$/.test(write.path) && (write.body as { active?: boolean }).active === undefined);
    expect(removals).toEqual([]);
    expect(detailOf(report, 'write', 'Delete Users (clean-up)')).toMatch(/the throwaway user is gone/);
    expect(generatedUsers()).toEqual([]);
    expect(sandbox.state.userByEmail(THROWAWAY)).toBeUndefined();
  });
});

describe('the clean-up', () => {
  const isDelete = (exchange: Exchange) => exchange.method === 'DELETE' && exchange.path === '/v1/users/delete-users';

  it('a read-back that still finds the user (answered under data) reports it as not gone (exit 2)', async () => {
    let deleted = false;
    proxy.handle(async (exchange, forward): Promise<Answer> => {
      // Delete Users answers 200 but deletes nothing; after it, find-by-mail answers { data: user }.
      if (isDelete(exchange)) {
        deleted = true;
        return { status: 200, body: { deleted: 1 } };
      }
      const answer = await forward();
      return deleted && findByMailEmail(exchange) && answer.status === 200 ? { status: 200, body: { data: answer.body } } : answer;
    });

    const result = await run(['--email', THROWAWAY]);
    const report = parseReport(result);

    expect(detailOf(report, 'write', 'Delete Users (clean-up)')).toBe(
      'HTTP 200, but the throwaway user is NOT gone: Find User by Email found it (HTTP 200, the user under data). Delete <throwaway user> (the --email address) in Memberspot by hand',
    );
    expect(named(report, 'differs')).toEqual(['write: Delete Users (clean-up)']);
    expect(sandbox.state.userByEmail(THROWAWAY)).toBeDefined();
    expect(result.code).toBe(2);
  });

  it('deletes nothing when it cannot tell that this run created the user, and says what to check by hand (exit 2)', async () => {
    let granted = false;
    proxy.handle(async (exchange, forward) => {
      const answer = await forward();
      if (exchange.path === '/v1/users/grant-user-offer-by-mail' && !granted) {
        granted = true;
        return { status: 201, body: {} };
      }
      // After the grant, the lookup of the throwaway address fails: nothing shows that this run created it.
      return granted && findByMailEmail(exchange) === THROWAWAY ? { status: 500, body: { statusCode: 500 } } : answer;
    });

    const result = await run(['--email', THROWAWAY]);
    const report = parseReport(result);

    expect(detailOf(report, 'write', 'Delete Users (clean-up)')).toMatch(/^NOTHING DELETED: this run could not tell whether its first grant created the user\. Check by hand in Memberspot whether a user <throwaway user> \(the --email address\) exists/);
    expect(proxy.seen.filter(isDelete)).toEqual([]);
    expect(proxy.writes().map((write) => write.path)).toEqual(['/v1/users/grant-user-offer-by-mail']);
    expect(result.code).toBe(2);
  });

  it('a first grant that fails but created the user (read back) is cleaned up', async () => {
    let granted = false;
    proxy.handle(async (exchange, forward) => {
      const answer = await forward();
      if (exchange.path !== '/v1/users/grant-user-offer-by-mail' || granted) return answer;
      granted = true;
      return { status: 502, body: { statusCode: 502 } };
    });

    const result = await run(['--email-domain', 'example.org']);
    const report = parseReport(result);

    expect(report.fatal).toMatch(/a write step failed \(Grant Access: HTTP 502\)/);
    expect(detailOf(report, 'write', 'Delete Users (clean-up)')).toMatch(/the throwaway user is gone/);
    expect(generatedUsers()).toEqual([]);
  });
});

describe('the command line', () => {
  it('--write needs --email-domain or --email, not both; a bad domain is named; nothing is sent (exit 2)', async () => {
    const env = { MEMBERSPOT_API_KEY: KEY, MEMBERSPOT_BASE_URL: proxy.url };
    const none = await doctor(['--write', '--offer', 'off_basic', '--yes'], env);
    const both = await doctor(['--write', '--email', 'a@example.org', '--email-domain', 'example.org', '--offer', 'off_basic', '--yes'], env);
    const bad = await doctor(['--write', '--email-domain', 'not a domain', '--offer', 'off_basic', '--yes'], env);

    expect(none.stderr).toMatch(/--write needs --email-domain <your domain>/);
    expect(both.stderr).toMatch(/not both/);
    expect(bad.stderr).toMatch(/--email-domain must be a domain/);
    expect([none.code, both.code, bad.code]).toEqual([2, 2, 2]);
    expect(proxy.seen).toEqual([]);
  });
});
