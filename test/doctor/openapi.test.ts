import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox';
import { detailOf, doctor, named, parseReport } from './helpers';

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  dir = await mkdtemp(join(tmpdir(), 'doctor-spec-'));
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

/** Only the document is checked: no key is set, so nothing else is sent. */
const specOnly = (args: string[]) => doctor(['--json', ...args], { MEMBERSPOT_BASE_URL: sandbox.url });

describe('the OpenAPI diff', () => {
  it('--save-spec keeps the document found at /api-json, which then matches with --spec (exit 0)', async () => {
    const saved = join(dir, 'saved.json');
    const found = parseReport(await specOnly(['--save-spec', saved]));
    expect(detailOf(found, 'openapi', 'Document')).toMatch(/read from \/api-json \(no key sent\)/);

    sandbox.clearLog();
    const run = await specOnly(['--spec', saved]);
    const report = parseReport(run);

    expect(named(report, 'differs')).toEqual([]);
    expect(named(report, 'holds')).toHaveLength(18);
    expect(detailOf(report, 'openapi', 'Document')).toMatch(/the file given with --spec/);
    expect(detailOf(report, 'connection', 'Key')).toMatch(/MEMBERSPOT_API_KEY is not set/);
    expect(sandbox.requests).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('a document that differs in a field name, a method and a missing path: each names the action file (exit 1)', async () => {
    const spec = JSON.parse(await readFile(join(dir, 'saved.json'), 'utf8'));
    const offerState = spec.components.schemas.UsersSetOfferStateDto;
    offerState.properties.offer_id = offerState.properties.offerId;
    delete offerState.properties.offerId;
    offerState.required = ['email', 'offer_id'];
    spec.paths['/v1/users/delete-users'] = { post: spec.paths['/v1/users/delete-users'].delete };
    delete spec.paths['/v1/exams/{examId}/results'];
    const changed = join(dir, 'changed.json');
    await writeFile(changed, JSON.stringify(spec));

    const run = await specOnly(['--spec', changed]);
    const report = parseReport(run);

    expect(named(report, 'differs')).toEqual(['openapi: Revoke Access', 'openapi: Delete Access', 'openapi: Delete Users', 'openapi: Get Exam Results']);
    expect(detailOf(report, 'openapi', 'Delete Access')).toMatch(/body field "offerId": not in the document \(it has email, active, offer_id\)[\s\S]*"offer_id": required by the document/);
    expect(detailOf(report, 'openapi', 'Delete Users')).toBe('/v1/users/delete-users: the document has POST, not DELETE');
    expect(detailOf(report, 'openapi', 'Get Exam Results')).toBe('GET /v1/exams/{}/results: the path is not in the document');
    expect(report.checks.find((check) => check.name === 'Delete Users')?.file).toBe('shared/actions/deleteUsers.ts');
    expect(run.code).toBe(1);
  });

  it('reports type and enum mismatches', async () => {
    const spec = JSON.parse(await readFile(join(dir, 'saved.json'), 'utf8'));
    const list = spec.paths['/v1/users/list'].get;
    list.parameters.find((p: { name: string }) => p.name === 'pageLength').schema = { type: 'string', enum: ['10', '20'] };
    spec.components.schemas.UsersSetOfferStateDto.properties.active = { type: 'boolean', enum: [true] };
    spec.components.schemas.UsersSetOrderStateDto.properties.active = { type: 'string' };
    const changed = join(dir, 'types.json');
    await writeFile(changed, JSON.stringify(spec));

    const report = parseReport(await specOnly(['--spec', changed]));

    expect(detailOf(report, 'openapi', 'List Users')).toBe('query "pageLength": sent as number, the document says string');
    expect(detailOf(report, 'openapi', 'Revoke Access')).toBe('body field "active": the value is not one of the document\'s enum');
    expect(detailOf(report, 'openapi', 'Revoke Order Access')).toBe('body field "active": sent as boolean, the document says string');
  });

  it("reads paths below the first server's path (OpenAPI 3) or basePath (Swagger 2)", async () => {
    const spec = JSON.parse(await readFile(join(dir, 'saved.json'), 'utf8'));
    spec.paths = Object.fromEntries(Object.entries(spec.paths).map(([path, item]) => [path.replace(/^\/v1/, ''), item]));
    spec.servers = [{ url: 'https://api.memberspot.de/v1' }];
    const below = join(dir, 'below.json');
    await writeFile(below, JSON.stringify(spec));

    const run = await specOnly(['--spec', below]);

    expect(named(parseReport(run), 'differs')).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('a --spec that is not an OpenAPI document: exit 2', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"hello": 1}');

    const run = await specOnly(['--spec', bad]);

    expect(parseReport(run).fatal).toMatch(/not an OpenAPI or Swagger JSON document/);
    expect(run.code).toBe(2);
  });
});
