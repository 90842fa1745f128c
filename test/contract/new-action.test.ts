/**
 * "Adding an endpoint means adding one file in shared/actions/": a throw-away action, written as one new
 * file into a copy of the sources in a temp folder and built there (the registry index generator, tsc, the
 * Node-RED generator), shows up in the n8n node (resource/operation and parameters) and in the Node-RED
 * node (form, properties, labels and help in English and German), with no other source file touched and
 * only additive changes to the parameter contract.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';

const ROOT = join(__dirname, '..', '..');
// migrate: the package's main entry (shared/index.ts) exports the converter.
const COPIED = ['shared', 'migrate', 'nodes', 'credentials', 'node-red', 'scripts', 'package.json', 'tsconfig.json', 'test/contract/parameter-contract.json'];

const THROW_AWAY = `import { z } from 'zod';
import { id } from '../validation';
import { defineAction } from './define';
import { asObject } from './normalize';

export const getOfferDetails = defineAction({
  id: 'getOfferDetails',
  resource: 'offer',
  operation: 'getDetails',
  label: 'Get Offer Details',
  description: 'Returns one offer with its courses (a throw-away action of the one-file test).',
  translations: {
    de: {
      label: 'Angebotsdetails abrufen',
      description: 'Liefert ein Angebot mit seinen Kursen (eine Wegwerf-Aktion des Ein-Datei-Tests).',
      fields: { offerKey: { label: 'Angebotsschlüssel', help: 'Der Schlüssel des Angebots in Memberspot' } },
    },
  },
  fields: [{ name: 'offerKey', label: 'Offer Key', type: 'string', required: true, description: 'The key of the offer in Memberspot' }],
  schema: z.strictObject({ offerKey: id('the offer key') }),
  request: (input) => ({ method: 'GET', path: '/v1/offers/' + encodeURIComponent(input.offerKey) }),
  normalize: (body) => asObject(body),
  destructive: false,
  rateLimited: false,
  safeToRetry: true,
});
`;

/** Every file below `dir` with its content, to see what the build changed. */
function files(dir: string, base = dir): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(path).isDirectory()) for (const [k, v] of files(path, base)) out.set(k, v);
    else out.set(relative(base, path), readFileSync(path, 'utf8'));
  }
  return out;
}

let temp: string;
let before: Map<string, string>;

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'memberspot-one-file-'));
  for (const entry of COPIED) cpSync(join(ROOT, entry), join(temp, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(temp, 'node_modules'), 'dir');
  writeFileSync(join(temp, 'shared', 'actions', 'getOfferDetails.ts'), THROW_AWAY);
  before = files(temp);
  const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: temp, stdio: 'pipe' });
  run(process.execPath, ['scripts/actions-index.js']);
  run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
  run(process.execPath, ['node-red/build/generate.js']);
}, 120_000);

afterAll(() => rmSync(temp, { recursive: true, force: true }));

it('needs no other source file: the build only regenerates the registry index', () => {
  const after = files(temp);
  const changed = [...after].filter(([file, text]) => before.get(file) !== text).map(([file]) => file);
  expect(changed).toEqual([join('shared', 'actions', 'registry.ts')]);
  expect(after.get(join('shared', 'actions', 'registry.ts'))).toContain("import { getOfferDetails } from './getOfferDetails';");
});

it('appears in the n8n node: an operation under its resource, with its parameter', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Memberspot } = require(join(temp, 'dist', 'nodes', 'Memberspot', 'Memberspot.node.js')) as { Memberspot: new () => INodeType };
  const props = new Memberspot().description.properties;
  const operation = props.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('offer')) as INodeProperties;
  const options = operation.options as INodePropertyOptions[];
  expect(options.map((o) => o.value)).toEqual(['list', 'getDetails']);
  expect(operation.default).toBe('list');
  expect(options[1]).toMatchObject({ name: 'Get Offer Details', action: 'Get offer details' });
  const param = props.find((p) => p.name === 'offerKey') as INodeProperties;
  expect(param).toMatchObject({ type: 'string', required: true, default: '', displayOptions: { show: { resource: ['offer'], operation: ['getDetails'] } } });
});

it('appears in the Node-RED node: action option, field row and properties, labels and help in English and German', () => {
  const read = (file: string) => readFileSync(join(temp, 'dist', 'node-red', file), 'utf8');
  const form = read('memberspot.html');
  expect(form).toContain('<option value="getOfferDetails">Get Offer Details</option>');
  expect(form).toContain('data-field="offerKey"');
  expect(form).toContain("    offerKey: { value: '' }");
  expect(form).toContain("    offerKeyType: { value: 'msgdefault' }");
  const en = JSON.parse(read('locales/en-US/memberspot.json')).memberspot.actions.getOfferDetails;
  const de = JSON.parse(read('locales/de/memberspot.json')).memberspot.actions.getOfferDetails;
  expect(en).toEqual({
    label: 'Get Offer Details',
    description: expect.stringContaining('Returns one offer'),
    fields: { offerKey: { label: 'Offer Key', help: 'The key of the offer in Memberspot' } },
  });
  expect(de.fields.offerKey).toEqual({ label: 'Angebotsschlüssel', help: 'Der Schlüssel des Angebots in Memberspot' });
  expect(read('locales/en-US/memberspot.html')).toMatch(/<dt>Get Offer Details<\/dt>\s*<dd>Returns one offer[^<]*<br><code>msg\.offerKey<\/code> Offer Key \*/);
  expect(read('locales/de/memberspot.html')).toMatch(/<dt>Angebotsdetails abrufen<\/dt>\s*<dd>Liefert ein Angebot[^<]*<br><code>msg\.offerKey<\/code> Angebotsschlüssel \*/);
});

it('changes the parameter contract only additively', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const contract = require(join(temp, 'scripts', 'contract.js'));
  const saved = JSON.parse(readFileSync(contract.FILE, 'utf8'));
  const diff = contract.compare(saved, contract.snapshot(temp));
  expect(diff.breaking).toEqual([]);
  const additive = diff.additive.join('\n');
  for (const change of [/parameter "operation" \(resource=offer\): option values added: getDetails/, /new parameter "offerKey"/, /new property "offerKey"/, /new property "offerKeyType"/]) {
    expect(additive).toMatch(change);
  }
  expect(diff.additive).toHaveLength(4);
});
