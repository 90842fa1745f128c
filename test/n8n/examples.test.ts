/**
 * The importable workflows in n8n-examples/: each is a valid n8n workflow of this package's nodes, carries
 * no key, and does what it says when run in the engine against the sandbox, with its sample payload
 * standing in for the shop (or for Memberspot, behind the Memberspot Trigger).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { CREDENTIAL_TYPE, MEMBERSPOT, MEMBERSPOT_TRIGGER, nodeTypes, ROOT, runFrom, type WorkflowJson } from './helpers/engine';
import { findAction } from '../../nodes/Memberspot/description';

const env = useSandbox();
beforeEach(() => {
  env.sandbox.reset();
  env.sandbox.clearLog();
});

const DIR = join(ROOT, 'n8n-examples');
type Example = WorkflowJson & { name: string; meta: { description: string; samplePayload: IDataObject } };
const examples = Object.fromEntries(
  readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Example]),
);

const user = (email: string) => env.sandbox.state.userByEmail(email);

/** Runs an example from its first node, fed with the sample payload as that node would emit it. */
async function runExample(id: string, payload?: IDataObject) {
  const example = examples[id];
  const start = example.nodes[0];
  const body = payload ?? example.meta.samplePayload;
  const item: INodeExecutionData =
    start.type === MEMBERSPOT_TRIGGER ? { json: body } : { json: { headers: { 'content-type': 'application/json' }, params: {}, query: {}, body } };
  const result = await runFrom(example, { apiKey: API_KEY, baseUrl: env.sandbox.url }, start.name, [item]);
  if (result.error) throw result.error;
  return result;
}

it('has the popular automations', () => {
  expect(Object.keys(examples).sort()).toEqual(
    expect.arrayContaining(['crm-to-profile', 'delete-on-chargeback', 'gdpr-deletion', 'grant-after-purchase', 'revoke-on-cancellation', 'sync-order-status']),
  );
});

describe.each(Object.keys(examples))('%s', (id) => {
  const example = examples[id];

  it('is an importable workflow of known nodes with valid operations and no key', () => {
    expect(typeof example.name).toBe('string');
    const text = JSON.stringify(example);
    expect(text).not.toMatch(/apiKey|X-API-KEY/i);
    expect(text).not.toContain(API_KEY);
    for (const node of example.nodes) {
      expect(() => nodeTypes.getByName(node.type)).not.toThrow();
      if (node.type === MEMBERSPOT) {
        expect(node.credentials).toEqual({ [CREDENTIAL_TYPE]: expect.objectContaining({ name: expect.any(String) }) });
        expect(findAction(String(node.parameters.resource), String(node.parameters.operation))).toBeDefined();
      }
    }
    for (const [from, outputs] of Object.entries(example.connections)) {
      expect(example.nodes.map((n) => n.name)).toContain(from);
      for (const target of outputs.main?.flat() ?? []) expect(example.nodes.map((n) => n.name)).toContain(target?.node);
    }
  });
});

describe('run against the sandbox', () => {
  it('grant after purchase', async () => {
    await runExample('grant-after-purchase');
    expect(user('kaeufer@example.com')).toMatchObject({ firstname: 'Kim', name: 'Käufer' });
    expect(user('kaeufer@example.com')?.offers).toEqual([expect.objectContaining({ offerId: 'off_basic', active: true, orderId: 'DS24-2001' })]);
  });

  it('revoke on cancellation', async () => {
    await runExample('revoke-on-cancellation');
    expect(user('anna.schmidt@example.com')?.offers).toEqual([expect.objectContaining({ offerId: 'off_premium', active: false })]);
  });

  it('delete on chargeback', async () => {
    await runExample('delete-on-chargeback');
    expect(user('lena.fischer@example.com')?.offers).toEqual([]);
  });

  it('sync order status: cancelled deactivates, paid re-activates', async () => {
    await runExample('sync-order-status');
    expect(user('anna.schmidt@example.com')?.offers[0].active).toBe(false);
    await runExample('sync-order-status', { email: 'anna.schmidt@example.com', order_id: 'DS24-0815', status: 'paid' });
    expect(user('anna.schmidt@example.com')?.offers[0].active).toBe(true);
  });

  it('CRM data to profile', async () => {
    await runExample('crm-to-profile');
    expect(user('max.mueller@example.com')?.customProperties).toMatchObject({ cp_phone: '+49 89 555 0101', cp_company: 'Müller & Söhne GmbH' });
  });

  it('GDPR deletion', async () => {
    const result = await runExample('gdpr-deletion');
    expect(result.output('Find User by Email')[0].json.email).toBe('tom.weber@example.com');
    expect(user('tom.weber@example.com')).toBeUndefined();
    expect(env.sandbox.state.users.length).toBeGreaterThan(0);
  });

  it('new member source (Memberspot Trigger)', async () => {
    await runExample('new-member-source');
    expect(user('max.mueller@example.com')?.customProperties.cp_source).toBe('Memberspot webhook');
  });
});
