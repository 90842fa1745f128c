import { startSandbox, type Sandbox } from '../../sandbox';
import { doctor, parseReport } from './helpers';

const KEY = 'sk-doctor-SECRET-0123456789';
const THROWAWAY = 'doctor.redaction@example.org';
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ apiKey: KEY, seed: { users: 3 } });
});
afterAll(() => sandbox.close());

describe('the JSON report is safe to paste into a public bug report', () => {
  it('holds no key, no email and no name of a member, and no throwaway address', async () => {
    const users = sandbox.state.users.map((user) => ({ email: user.email, firstname: user.firstname, name: user.name }));
    expect(users.length).toBeGreaterThan(5);

    const run = await doctor(['--json', '--rate', '--write', '--email', THROWAWAY, '--offer', sandbox.state.offers[0].id, '--yes'], {
      MEMBERSPOT_API_KEY: KEY,
      MEMBERSPOT_BASE_URL: sandbox.url,
    });
    const output = run.stdout + run.stderr;

    expect(parseReport(run).checks.length).toBeGreaterThan(30);
    expect(output).not.toContain(KEY);
    expect(output).not.toContain(encodeURIComponent(KEY));
    expect(output).not.toContain(THROWAWAY);
    for (const { email, firstname, name } of users) {
      expect(output).not.toContain(email);
      expect(output).not.toContain(encodeURIComponent(email));
      expect(output).not.toMatch(new RegExp(`\\b${firstname}\\b`));
      expect(output).not.toMatch(new RegExp(`\\b${name}\\b`));
    }
    expect(output).not.toMatch(/@/);
    expect(output).toContain('<user 1>');
    expect(run.code).toBe(0);
  });

  it('holds no response values: no uid, token, offer or property id', async () => {
    const run = await doctor(['--json', '--write', '--email', THROWAWAY, '--offer', sandbox.state.offers[0].id, '--yes'], {
      MEMBERSPOT_API_KEY: KEY,
      MEMBERSPOT_BASE_URL: sandbox.url,
    });

    const values = [
      ...sandbox.state.users.map((user) => user.uid),
      ...sandbox.state.customPropertyDefinitions.map((definition) => definition.id),
      ...sandbox.state.courses.map((course) => course.id),
      ...sandbox.state.toJSON().loginTokens.map((token) => token.token),
    ];
    expect(values.length).toBeGreaterThan(5);
    for (const value of values) expect(run.stdout).not.toContain(value);
  });
});

describe('Redactor (the second line of defence)', () => {
  it('replaces the key, members by alias (email and names), and any other address', async () => {
    const { Redactor } = await import('../../doctor/report');
    const redactor = new Redactor();
    redactor.addSecret('k/ey 1');
    const anna = redactor.member('Anna.Schmidt@example.com', 'Anna', 'Schmidt');
    redactor.alias('throwaway@example.org', '<throwaway user>');

    const text = redactor.text('anna.schmidt@example.com Anna Schmidt anna.schmidt%40example.com k/ey 1 k%2Fey%201 throwaway@example.org other@example.net Annabel');

    expect(anna).toBe('<user 1>');
    expect(text).toBe('<user 1> <user 1> <user 1> <user 1> <API key> <API key> <throwaway user> <email> Annabel');
  });

  it('replaces a long key anywhere, a short one only as a whole token (so the report stays readable)', async () => {
    const { Redactor } = await import('../../doctor/report');
    const long = new Redactor();
    long.addSecret('sk-0123456789');
    const short = new Redactor();
    short.addSecret('k');

    expect(long.text('x-sk-0123456789-y')).toBe('x-<API key>-y');
    expect(short.text('the key works: k')).toBe('the key works: <API key>');
  });
});

describe('an answer keyed by uid', () => {
  // Firebase-style uids, one with digits, one letters only.
  const UIDS = ['Xk3jd9FhQ2bT7pLmN0qRsUvWxYz1', 'aBcDeFgHiJkLmNoPqRsTuVwXyZab', ...Array.from({ length: 8 }, (_, i) => `Qm${i}Zr8LkP2vNw4TsY6bHc1Jd0Fg`)];

  it('shows at most a few keys in the JSON report, and replaces the id-like ones', async () => {
    const { startServer } = await import('../helpers/httpServer');
    const keyed = Object.fromEntries(UIDS.map((uid) => [uid, { active: true }]));
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(keyed));
    });
    try {
      const run = await doctor(['--json'], { MEMBERSPOT_API_KEY: KEY, MEMBERSPOT_BASE_URL: server.url });
      const report = parseReport(run);
      expect(server.requests.length).toBeGreaterThan(0);
      for (const uid of UIDS) expect(run.stdout).not.toContain(uid);
      const lists = report.checks.flatMap((check) => check.detail.match(/\{ [^{}]+ \}/g) ?? []);
      expect(lists.length).toBeGreaterThan(0);
      for (const list of lists) expect(list.split(', ').length).toBeLessThanOrEqual(6);
      expect(lists).toContain('{ <id>, <id>, <id>, <id>, <id>, … 5 more }');
    } finally {
      await server.close();
    }
  });

  it('idLike: field names stay, ids go', async () => {
    const { idLike } = await import('../../doctor/report');
    for (const name of ['data', 'nextPage', 'next_page', 'first_name', 'address2', 'customProperties', 'lastLoadedId', 'statusCode']) expect(idLike(name)).toBe(false);
    for (const id of [...UIDS, '550e8400-e29b-41d4-a716-446655440000', 'deadbeefcafe1234', 'mVzQwPbHtRkLsNyJ']) expect(idLike(id)).toBe(true);
  });
});
