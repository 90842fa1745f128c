import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { detailOf, doctor, named, parseReport } from './helpers';

/** A stand-in API with answers in shapes the sandbox has no variant for. */
const ANSWERS: Record<string, unknown> = {
  '/v1/offers': { data: [{ id: 'o1', name: 'Offer' }] },
  '/v1/users/list': { data: [{ uid: 'u1', email: 'real.member@school.example', firstname: 'Rosalind', name: 'Franklin' }, { uid: 'u2', email: 'other@school.example' }], meta: { nextPage: 'u2' } },
  '/v1/custom-user-properties/list': { properties: [{ propertyId: 'cp1', label: 'Phone' }] },
  '/v1/users/course-progress/list/real.member%40school.example': { progress: [] },
};

/** find-by-mail: 403 (no Enterprise) unless a test sets another answer. */
let findByMail: (email: string) => [number, unknown] = () => [403, { statusCode: 403 }];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const answer = ANSWERS[path];
    if (path.startsWith('/v1/users/find-by-mail/')) {
      const [status, body] = findByMail(decodeURIComponent(path.split('/').pop() ?? ''));
      return res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    res.writeHead(answer === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(answer ?? { statusCode: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('read probes on shapes the nodes read through a fallback, or not at all', () => {
  it('names the fallback or the keys, never a value, and 403 on find-by-mail is not checked (exit 1)', async () => {
    const run = await doctor(['--json'], { MEMBERSPOT_API_KEY: 'k', MEMBERSPOT_BASE_URL: url });
    const report = parseReport(run);

    expect(detailOf(report, 'read', 'List Offers')).toBe('read through a fallback: the list is under "data" (object { data }), not a bare array');
    expect(detailOf(report, 'read', 'List Users: cursor')).toBe('no "nextPage"; possible cursor keys: meta.nextPage (not read by the nodes)');
    expect(detailOf(report, 'read', 'Find User by Email')).toBe('HTTP 403 for <user 1>: find-by-mail needs the Enterprise plan');
    expect(detailOf(report, 'read', 'List Custom Properties')).toBe('the list is under "properties"; the id is not under "id"; the name is not under "name" (items { propertyId, label })');
    expect(detailOf(report, 'read', 'List Course Progress')).toBe('read through a fallback: the list is under "progress"');
    expect(run.stdout).not.toMatch(/real\.member|Rosalind|Franklin|school\.example|cp1|Phone|"u2"/);
    expect(run.code).toBe(1);
  });

  it('an unknown address answered 200 instead of 404 differs, and the listed member is read (exit 1)', async () => {
    findByMail = (email) => (email === 'real.member@school.example' ? [200, { uid: 'u1', email, offers: [] }] : [200, {}]);

    const report = parseReport(await doctor(['--json'], { MEMBERSPOT_API_KEY: 'k', MEMBERSPOT_BASE_URL: url }));

    expect(detailOf(report, 'read', 'Find User by Email')).toBe('HTTP 200 for <user 1>: object { uid, email, offers }');
    expect(detailOf(report, 'read', 'Find User by Email: unknown address')).toBe('HTTP 200 (empty object)');
    expect(named(report, 'differs')).toContain('read: Find User by Email: unknown address');
  });
});
