/**
 * The Memberspot Trigger in n8n-core's WebhookContext: what it answers and whether it starts the workflow;
 * an accepted event then runs the workflow the way n8n does after a webhook call.
 */
import { NodeHelpers, type INodeType } from 'n8n-workflow';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import {
  callTrigger,
  credentialTypes,
  CREDENTIAL_REF,
  MEMBERSPOT,
  MEMBERSPOT_TRIGGER,
  packageNodeTypes,
  runFrom,
  triggerNode,
  WEBHOOK_SECRET_TYPE,
  type WorkflowJson,
} from './helpers/engine';

const env = useSandbox();

describe('Memberspot Trigger', () => {
  it("answers Memberspot's validation request (auth_test) with 200 and starts nothing", async () => {
    const { result, status } = await callTrigger({}, { body: { event: 'auth_test' } });
    expect(result.workflowData).toBeUndefined();
    expect(result.webhookResponse).toMatchObject({ ok: true });
    expect(status).toBeUndefined(); // n8n answers 200 with the webhookResponse
  });

  it('starts the workflow with the body as sent plus the event name', async () => {
    const body = { event: 'member.added', email: 'anna.schmidt@example.com', offers: ['off_premium'] };
    const { result } = await callTrigger({}, { body });
    expect(result.workflowData).toEqual([[{ json: body }]]);
  });

  it('passes a body without an event name through untouched', async () => {
    const { result } = await callTrigger({}, { body: { email: 'x@example.com' } });
    expect(result.workflowData).toEqual([[{ json: { email: 'x@example.com' } }]]);
  });

  it('ignores events that are not in the filter: 200, no execution', async () => {
    const { result, status } = await callTrigger({ events: 'member.added, offer.granted' }, { body: { event: 'course.completed' } });
    expect(result.workflowData).toBeUndefined();
    expect(result.webhookResponse).toMatchObject({ ignored: true, event: 'course.completed' });
    expect(status).toBeUndefined();
    const accepted = await callTrigger({ events: 'member.added, offer.granted' }, { body: { event: 'offer.granted' } });
    expect(accepted.result.workflowData).toEqual([[{ json: { event: 'offer.granted' } }]]);
  });

  it('turns away a wrong or missing secret with 401 and no execution (version 1: the secret saved as a parameter)', async () => {
    for (const request of [
      { body: { event: 'member.added' }, query: { secret: 'wrong' } },
      { body: { event: 'member.added' }, headers: { 'x-memberspot-secret': 'wrong' } },
      { body: { event: 'member.added' } },
      { body: { event: 'auth_test' } },
    ]) {
      const { result, status, sent } = await callTrigger({ secret: 's3cret-value' }, request);
      expect(status).toBe(401);
      expect(result.noWebhookResponse).toBe(true);
      expect(result.workflowData).toBeUndefined();
      expect(JSON.stringify(sent)).not.toContain('s3cret-value');
    }
  });

  it('accepts the secret as query parameter or header (version 1: the secret saved as a parameter)', async () => {
    const byQuery = await callTrigger({ secret: 's3cret-value' }, { body: { event: 'member.added' }, query: { secret: 's3cret-value' } });
    expect(byQuery.result.workflowData).toHaveLength(1);
    const byHeader = await callTrigger({ secret: 's3cret-value' }, { body: { event: 'auth_test' }, headers: { 'x-memberspot-secret': 's3cret-value' } });
    expect(byHeader.result.webhookResponse).toMatchObject({ ok: true });
    expect(byHeader.status).toBeUndefined();
  });

  const wrongOrMissing = [
    { body: { event: 'member.added' }, query: { secret: 'wrong' } },
    { body: { event: 'member.added' }, headers: { 'x-memberspot-secret': 'wrong' } },
    { body: { event: 'member.added' } },
    { body: { event: 'auth_test' } },
  ];

  it('version 2 (a new node) takes the secret from the Memberspot Webhook Secret credential', async () => {
    for (const request of wrongOrMissing) {
      const { result, status, sent } = await callTrigger({}, request, { typeVersion: 2, secretCredential: 'cr3d-secret' });
      expect(status).toBe(401);
      expect(result.workflowData).toBeUndefined();
      expect(JSON.stringify(sent)).not.toContain('cr3d-secret');
    }
    const byQuery = await callTrigger({}, { body: { event: 'member.added' }, query: { secret: 'cr3d-secret' } }, { typeVersion: 2, secretCredential: 'cr3d-secret' });
    expect(byQuery.result.workflowData).toEqual([[{ json: { event: 'member.added' } }]]);
    const byHeader = await callTrigger({}, { body: { event: 'auth_test' }, headers: { 'x-memberspot-secret': 'cr3d-secret' } }, { typeVersion: 2, secretCredential: 'cr3d-secret' });
    expect(byHeader.result.webhookResponse).toMatchObject({ ok: true });
    // Without a credential a version 2 node accepts every request, as a version 1 node without a secret.
    expect((await callTrigger({}, { body: { event: 'member.added' } }, { typeVersion: 2 })).result.workflowData).toHaveLength(1);
  });

  it.each([[''], ['   '], ['\n']])('a Webhook Secret credential whose secret is blank (%j) refuses every request with 401, starting nothing', async (blank) => {
    for (const typeVersion of [1, 2]) {
      for (const request of [{}, { query: { secret: blank } }, { query: { secret: '' } }, { headers: { 'x-memberspot-secret': blank } }, { query: { secret: 'x' } }]) {
        for (const body of [{ event: 'member.added' }, { event: 'auth_test' }]) {
          // Also a version 1 node whose Secret parameter is set: the attached credential decides.
          const { result, status } = await callTrigger({ secret: 'from-parameter' }, { body, ...request }, { typeVersion, secretCredential: blank });
          expect(status).toBe(401);
          expect(result.workflowData).toBeUndefined();
        }
      }
    }
  });

  it.each([['   '], ['\n']])('a version 1 Secret parameter of only blanks (%j) refuses every request', async (blank) => {
    for (const request of [{}, { query: { secret: blank } }, { query: { secret: 'x' } }]) {
      const { result, status } = await callTrigger({ secret: blank }, { body: { event: 'member.added' }, ...request });
      expect(status).toBe(401);
      expect(result.workflowData).toBeUndefined();
    }
  });

  it('a trigger without a secret says so: a notice on the node (both versions)', () => {
    const type = packageNodeTypes.find((t) => t.description.name === 'memberspotTrigger') as INodeType;
    const notices = type.description.properties.filter((p) => p.type === 'notice' && /^No secret/.test(p.displayName));
    expect(notices.map((p) => p.displayOptions?.show)).toEqual([{ '@version': [2] }, { '@version': [1], secret: [''] }]);
    expect(notices[0].displayName).toMatch(/anyone who learns this URL can start the workflow.*blank refuses every request/);
  });

  it('a version 1 node that also gets the credential checks the credential’s secret', async () => {
    const settings = { typeVersion: 1, secretCredential: 'from-credential' };
    expect((await callTrigger({ secret: 'from-parameter' }, { body: { event: 'member.added' }, query: { secret: 'from-parameter' } }, settings)).status).toBe(401);
    expect((await callTrigger({ secret: 'from-parameter' }, { body: { event: 'member.added' }, query: { secret: 'from-credential' } }, settings)).result.workflowData).toHaveLength(1);
  });

  it('new nodes are version 2: no Secret parameter, and the saved workflow JSON holds no secret', () => {
    const trigger = packageNodeTypes.find((t) => t.description.name === 'memberspotTrigger') as INodeType;
    expect(trigger.description.defaultVersion).toBe(2);
    expect(trigger.description.credentials).toEqual([{ name: WEBHOOK_SECRET_TYPE, required: false }]);
    const credential = credentialTypes.get(WEBHOOK_SECRET_TYPE);
    expect(credential?.displayName).toBe('Memberspot Webhook Secret');
    expect(credential?.properties.find((p) => p.name === 'secret')?.typeOptions).toMatchObject({ password: true });
    // What the editor keeps of a node's parameters (n8n-workflow's getNodeParameters, as the editor saves
    // and exports): a Secret typed into a version 2 node is not kept; a version 1 node keeps its own.
    const saved = (typeVersion: number, secretCredential?: string) => {
      const node = triggerNode({ events: 'member.added', secret: 'typed-secret' }, { typeVersion, secretCredential });
      node.parameters = NodeHelpers.getNodeParameters(trigger.description.properties, node.parameters, false, false, node, trigger.description) ?? {};
      return node;
    };
    const v2 = saved(2, 'cr3d-secret');
    expect(v2.parameters).toEqual({ events: 'member.added' });
    expect(JSON.stringify(v2)).not.toMatch(/typed-secret|cr3d-secret/);
    expect(v2.credentials).toEqual({ [WEBHOOK_SECRET_TYPE]: { id: expect.any(String), name: expect.any(String) } });
    expect(saved(1).parameters).toEqual({ events: 'member.added', secret: 'typed-secret' });
  });

  it('runs the workflow behind it: trigger → Find User by Email', async () => {
    const { result } = await callTrigger({}, { body: { event: 'member.added', email: 'max.mueller@example.com' } });
    const workflow: WorkflowJson = {
      nodes: [
        { id: 't', name: 'Memberspot Trigger', type: MEMBERSPOT_TRIGGER, typeVersion: 1, position: [0, 0], parameters: {}, webhookId: 'hook-1' },
        {
          id: 'm', name: 'Memberspot', type: MEMBERSPOT, typeVersion: 1, position: [200, 0], credentials: CREDENTIAL_REF,
          parameters: { resource: 'user', operation: 'findByEmail', email: '={{ $json.email }}' },
        },
      ],
      connections: { 'Memberspot Trigger': { main: [[{ node: 'Memberspot', type: 'main', index: 0 }]] } },
    };
    const run = await runFrom(workflow, { apiKey: API_KEY, baseUrl: env.sandbox.url }, 'Memberspot Trigger', result.workflowData?.[0] ?? []);
    expect(run.error).toBeUndefined();
    expect(run.output('Memberspot')).toEqual([{ json: expect.objectContaining({ email: 'max.mueller@example.com' }), pairedItem: { item: 0 } }]);
  });

  it('tells the user the steps in Memberspot', () => {
    const trigger = packageNodeTypes.find((t) => t.description.name === 'memberspotTrigger') as INodeType;
    const help = trigger.description.properties.find((p) => p.type === 'notice')?.displayName ?? '';
    for (const step of ['Settings', 'Integrations', 'Add App', 'Webhook', 'Validate Now', 'auth_test', 'Automation']) expect(help).toContain(step);
    expect(trigger.description.webhooks).toEqual([expect.objectContaining({ httpMethod: 'POST' })]);
  });
});
