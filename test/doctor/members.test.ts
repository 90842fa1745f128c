/**
 * The List Users walk the write probes use to be sure an address is new (doctor/members.ts), over real
 * HTTP against the sandbox: it sees every page the way the read probe found paging works, in any letter
 * case, and says "unsure" (never "absent") when it cannot be sure it saw every page.
 */
import { DoctorHttp } from '../../doctor/http';
import { listPresence } from '../../doctor/members';
import type { Context } from '../../doctor/probes';
import { Redactor } from '../../doctor/report';
import { startSandbox, type Sandbox, type Variants } from '../../sandbox';
import { startServer } from '../helpers/httpServer';

const KEY = 'doctor-members-key';
let sandbox: Sandbox;
let http: DoctorHttp;

beforeAll(async () => {
  sandbox = await startSandbox({ apiKey: KEY, seed: { users: 250 } });
  http = new DoctorHttp(sandbox.url, KEY);
});
beforeEach(() => {
  sandbox.reset({ users: 250 });
  sandbox.setVariants({ cursor: 'nextPage', listUsers: 'object' });
});
afterAll(async () => {
  await http.close();
  await sandbox.close();
});

const context = (paging?: Context['paging']): Context => ({ http, redactor: new Redactor(), checks: [], offers: [], propertyIds: [], paging });
const pages = () => sandbox.requests.filter((request) => request.path === '/v1/users/list').length;

it.each<[string, Partial<Variants>, Context['paging']]>([
  ['the cursor nextPage', {}, { mode: 'cursor', key: 'nextPage' }],
  ['the cursor next_page', { cursor: 'next_page' }, { mode: 'cursor', key: 'next_page' }],
  ['the last uid (no cursor)', { cursor: 'absent' }, { mode: 'lastUid' }],
  ['the last uid (a bare array)', { listUsers: 'array' }, { mode: 'lastUid' }],
  ['what the pages show (the read probe had no second page)', { cursor: 'absent' }, undefined],
])('paging by %s: finds the last user in any letter case, and an unknown address only after the last page', async (_name, variants, paging) => {
  sandbox.setVariants(variants);

  await expect(listPresence(context(paging), 'USER250@Example.com')).resolves.toEqual({ kind: 'present', how: 'List Users page 3 holds the address (in another letter case)' });
  sandbox.clearLog();
  const pagesSeen = paging?.mode === 'cursor' ? '3 pages, the last one without a next page' : '4 pages, the last one empty';
  await expect(listPresence(context(paging), 'nobody@example.com')).resolves.toEqual({ kind: 'absent', how: `no page of List Users holds it (${pagesSeen})` });
  expect(pages()).toBe(paging?.mode === 'cursor' ? 3 : 4);
});

it.each<[string, () => void, Context['paging'], RegExp]>([
  ['the cursor went missing', () => sandbox.setVariants({ cursor: 'absent' }), { mode: 'cursor', key: 'nextPage' }, /^List Users page 1 has no cursor "nextPage"/],
  ['paging is broken', () => undefined, { mode: 'broken' }, /does not give a next page/],
  ['page 2 fails', () => sandbox.script({ delayMs: 0 }, { status: 500 }), { mode: 'lastUid' }, /^List Users page 2 answered HTTP 500$/],
])('unsure, never absent, when %s', async (_name, arrange, paging, why) => {
  arrange();

  const presence = await listPresence(context(paging), 'nobody@example.com');

  expect(presence).toEqual({ kind: 'unsure', why: expect.stringMatching(why) });
});

it('unsure, never absent, when the API ignores lastLoadedId and answers the first page again', async () => {
  const page = Array.from({ length: 100 }, (_, i) => ({ uid: `u${i}`, email: `member${i}@school.example` }));
  const api = await startServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page)));
  const ignoring = new DoctorHttp(api.url, KEY);
  try {
    const presence = await listPresence({ ...context({ mode: 'lastUid' }), http: ignoring }, 'nobody@example.com');

    expect(presence).toEqual({ kind: 'unsure', why: 'List Users page 2 repeats users of an earlier page: the paging does not move on' });
    expect(api.requests.map((request) => request.url)).toEqual(['/v1/users/list?pageLength=100', '/v1/users/list?lastLoadedId=u99&pageLength=100']);
  } finally {
    await ignoring.close();
    await api.close();
  }
});
