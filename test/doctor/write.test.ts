import { startSandbox, type Sandbox } from '../../sandbox';
import { detailOf, doctor, named, parseReport } from './helpers';

const KEY = 'doctor-write-key';
const THROWAWAY = 'doctor.cleanup@example.org';
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ apiKey: KEY });
});
beforeEach(() => sandbox.reset());
afterAll(() => sandbox.close());

const env = () => ({ MEMBERSPOT_API_KEY: KEY, MEMBERSPOT_BASE_URL: sandbox.url });
const write = (email = THROWAWAY, extra: string[] = ['--yes']) => ['--json', '--write', '--email', email, '--offer', sandbox.state.offers[0].id, ...extra];
const writes = () => sandbox.requests.filter((request) => request.method !== 'GET');

describe('--write', () => {
  it('a step that fails half-way: the remaining steps are skipped and the throwaway user is still deleted (exit 2)', async () => {
    sandbox.setFaults({ errorRate: 1, errorStatuses: [500], pathPrefix: '/v1/users/set-offer-expires' });

    const run = await doctor(write(), env());
    const report = parseReport(run);

    expect(detailOf(report, 'write', 'Set Offer Expiration')).toBe('HTTP 500; the remaining write steps were skipped');
    expect(report.checks.some((check) => check.area === 'write' && check.name === 'Delete Access')).toBe(false);
    expect(detailOf(report, 'write', 'Delete Users (clean-up)')).toMatch(/the throwaway user is gone/);
    expect(sandbox.state.userByEmail(THROWAWAY)).toBeUndefined();
    expect(writes().at(-1)).toMatchObject({ method: 'DELETE', path: '/v1/users/delete-users', body: { emails: [THROWAWAY] } });
    expect(report.fatal).toMatch(/a write step failed \(Set Offer Expiration: HTTP 500\)/);
    expect(run.code).toBe(2);
  });

  it('a clean-up that fails is reported, with what to do (exit 2)', async () => {
    sandbox.setFaults({ errorRate: 1, errorStatuses: [503], pathPrefix: '/v1/users/delete-users' });

    const run = await doctor(write(), env());
    const report = parseReport(run);

    expect(detailOf(report, 'write', 'Delete Users (clean-up)')).toBe('CLEAN-UP FAILED (HTTP 503): delete <throwaway user> in Memberspot by hand');
    expect(report.fatal).toMatch(/the throwaway user could not be deleted/);
    expect(run.code).toBe(2);
  });

  it('refuses an email that already exists in the school, and writes nothing (exit 2)', async () => {
    const member = sandbox.state.users[0].email;

    const run = await doctor(write(member), env());

    expect(parseReport(run).fatal).toMatch(/belongs to a member \(Find User by Email found it/);
    expect(writes()).toEqual([]);
    expect(run.code).toBe(2);
  });

  it('refuses an offer the school does not have, and writes nothing (exit 2)', async () => {
    const run = await doctor(['--json', '--write', '--email', THROWAWAY, '--offer', 'no-such-offer', '--yes'], env());

    expect(parseReport(run).fatal).toMatch(/not among the school's offers/);
    expect(writes()).toEqual([]);
    expect(run.code).toBe(2);
  });

  it('asks first: anything but "yes" sends nothing (exit 2); "yes" goes on', async () => {
    const refused = await doctor(write(THROWAWAY, []), env(), 'no\n');
    expect(refused.stderr).toMatch(/Type "yes" to go on[\s\S]*not confirmed; nothing was sent/);
    expect(refused.code).toBe(2);
    expect(sandbox.requests).toEqual([]);

    const confirmed = await doctor(write(THROWAWAY, []), env(), 'yes\n');
    expect(named(parseReport(confirmed), 'differs')).toEqual([]);
    expect(confirmed.code).toBe(0);
  });
});
