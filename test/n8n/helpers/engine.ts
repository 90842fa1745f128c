/**
 * Runs workflows in the real n8n engine, in process: n8n-core's WorkflowExecute with this package's node
 * and credential classes loaded from dist/ through the package.json `n8n` section, as n8n loads them.
 * The engine itself (the node types registry, the credential store and its `authenticate` step, the
 * additional data, running a workflow) is bench/harness/n8n-engine.ts, shared with the benchmarks; here
 * are the jest hook, the stand-ins for n8n-nodes-base nodes and the test-only drivers (the credential
 * tester, the trigger's webhook, the editor's contexts).
 */
import './env';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as N8nCore from 'n8n-core';
import {
  createRunExecutionData,
  Workflow,
  type ICredentialDataDecryptedObject,
  type ICredentialsDecrypted,
  type ICredentialType,
  type IDataObject,
  type INodeExecutionData,
  type IExecuteData,
  type INode,
  type INodeParameters,
  type INodeType,
  type INodeTypes,
  type IWebhookResponseData,
  type IWorkflowBase,
} from 'n8n-workflow';
import {
  closeN8nEngine,
  createN8nEngine,
  CREDENTIAL_ID,
  CREDENTIAL_TYPE,
  MemoryCredentialsHelper,
  n8nCore,
  type CredentialData,
  type WorkflowJson,
} from '../../../bench/harness/n8n-engine';

export { CREDENTIAL_ID, CREDENTIAL_REF, CREDENTIAL_TYPE, type CredentialData, type RunResult, type WorkflowJson } from '../../../bench/harness/n8n-engine';

export const ROOT = join(__dirname, '..', '..', '..');

/** n8n-core, loaded now that ./env has pointed its user folder at a throw-away folder. */
const { ExecuteContext, LoadOptionsContext, RoutingNode, WebhookContext } = n8nCore();

/** Stops what n8n-core leaves running after each test file, so that jest can exit. */
afterAll(() => closeN8nEngine());

export const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  n8n: { credentials: string[]; nodes: string[] };
};
/** Node type names as n8n gives them to an installed community package. */
export const MEMBERSPOT = `${PACKAGE.name}.memberspot`;
export const MEMBERSPOT_TRIGGER = `${PACKAGE.name}.memberspotTrigger`;

function loadClasses<T>(files: string[]): T[] {
  return files.map((file) => {
    const module = require(join(ROOT, file)) as Record<string, new () => T>; // eslint-disable-line @typescript-eslint/no-require-imports
    const classes = Object.values(module).filter((v) => typeof v === 'function');
    if (classes.length !== 1) throw new Error(`${file} must export exactly one class`);
    return new classes[0]();
  });
}

export const packageNodeTypes = loadClasses<INodeType>(PACKAGE.n8n.nodes);

/** Stand-ins for n8n-nodes-base nodes the examples start with (the shop's webhook, a manual start). */
const standIns: Record<string, INodeType> = {
  'n8n-nodes-base.webhook': {
    description: {
      displayName: 'Webhook', name: 'webhook', description: 'Stand-in', group: ['trigger'], version: [1, 2], defaults: { name: 'Webhook' },
      inputs: [], outputs: ['main'],
      credentials: [{ name: 'httpHeaderAuth', required: true, displayOptions: { show: { authentication: ['headerAuth'] } } }],
      properties: [
        { displayName: 'Authentication', name: 'authentication', type: 'string', default: 'none' },
        { displayName: 'Respond', name: 'responseMode', type: 'string', default: 'onReceived' },
      ],
      webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '' }],
    },
    /**
     * The request as n8n's Webhook node passes it on, after its Header Auth as n8n-nodes-base does it
     * (Webhook/utils validateWebhookAuthentication): a credential without a name or value answers 500
     * "No authentication data defined on node!", a missing or different header 403 "Authorization data is
     * wrong!", and the workflow does not start. Other authentication modes are not stood in for.
     */
    async webhook() {
      const authentication = this.getNodeParameter('authentication', 'none') as string;
      const headers = this.getHeaderData() as IDataObject;
      const refuse = (code: number, message: string) => {
        const res = this.getResponseObject();
        res.writeHead(code, { 'WWW-Authenticate': 'Basic realm="Webhook"' });
        res.end(message);
        return { noWebhookResponse: true };
      };
      if (authentication === 'headerAuth') {
        let expected: IDataObject | undefined;
        try {
          expected = await this.getCredentials<IDataObject>('httpHeaderAuth');
        } catch {
          expected = undefined;
        }
        if (!expected || !expected.name || !expected.value) return refuse(500, 'No authentication data defined on node!');
        const name = String(expected.name).toLowerCase();
        if (!Object.prototype.hasOwnProperty.call(headers, name) || headers[name] !== expected.value) return refuse(403, 'Authorization data is wrong!');
      } else if (authentication !== 'none') {
        throw new Error(`the stand-in knows no ${authentication} authentication`);
      }
      const req = this.getRequestObject();
      return { workflowData: [[{ json: { headers, params: req.params ?? {}, query: req.query ?? {}, body: req.body } }]] };
    },
  },
  // The Switch (rules mode, string "equals") and Set (manual mode) of the shop example, as far as it uses them.
  'n8n-nodes-base.switch': {
    description: {
      displayName: 'Switch', name: 'switch', description: 'Stand-in', group: ['transform'], version: [3, 3.1, 3.2], defaults: { name: 'Switch' },
      inputs: ['main'], outputs: ['main', 'main', 'main', 'main', 'main', 'main', 'main', 'main'],
      properties: [
        { displayName: 'Rules', name: 'rules', type: 'json', default: '{}' },
        { displayName: 'Options', name: 'options', type: 'json', default: '{}' },
      ],
    },
    async execute() {
      type Rule = { conditions: { conditions: Array<{ leftValue: unknown; rightValue: unknown; operator: { type: string; operation: string } }> } };
      const items = this.getInputData();
      const count = (this.getNodeParameter('rules.values', 0, []) as Rule[]).length;
      const fallback = (this.getNodeParameter('options', 0, {}) as IDataObject).fallbackOutput === 'extra';
      const outputs: INodeExecutionData[][] = Array.from({ length: count + (fallback ? 1 : 0) }, () => []);
      items.forEach((item, index) => {
        const rules = this.getNodeParameter('rules.values', index, []) as Rule[];
        const match = rules.findIndex((rule) =>
          rule.conditions.conditions.every((c) => {
            if (c.operator.type !== 'string' || c.operator.operation !== 'equals') throw new Error('the stand-in knows only string equals');
            return String(c.leftValue) === String(c.rightValue);
          }),
        );
        if (match >= 0) outputs[match].push(item);
        else if (fallback) outputs[count].push(item);
      });
      return outputs;
    },
  },
  'n8n-nodes-base.set': {
    description: {
      displayName: 'Edit Fields (Set)', name: 'set', description: 'Stand-in', group: ['input'], version: [3.3, 3.4], defaults: { name: 'Edit Fields' },
      inputs: ['main'], outputs: ['main'],
      properties: [
        { displayName: 'Mode', name: 'mode', type: 'string', default: 'manual' },
        { displayName: 'Assignments', name: 'assignments', type: 'json', default: '{}' },
        { displayName: 'Options', name: 'options', type: 'json', default: '{}' },
      ],
    },
    async execute() {
      return [
        this.getInputData().map((_item, index) => {
          const assignments = this.getNodeParameter('assignments.assignments', index, []) as Array<{ name: string; value: unknown }>;
          return { json: Object.fromEntries(assignments.map((a) => [a.name, a.value])) as IDataObject, pairedItem: { item: index } };
        }),
      ];
    },
  },
  'n8n-nodes-base.manualTrigger': {
    description: {
      displayName: 'Manual Trigger', name: 'manualTrigger', description: 'Stand-in', group: ['trigger'], version: 1, defaults: { name: 'Manual' },
      inputs: [], outputs: ['main'], properties: [],
    },
    async execute() {
      const items = this.getInputData();
      return [items.length > 0 ? items : [{ json: {} }]];
    },
  },
};

/** The engine with the stand-ins, the items node `test.items` and this package's nodes and credential. */
const engine = createN8nEngine({
  memberspotType: MEMBERSPOT,
  nodeTypes: { ...standIns, ...Object.fromEntries(packageNodeTypes.map((t) => [`${PACKAGE.name}.${t.description.name}`, t])) },
  credentialTypes: loadClasses<ICredentialType>(PACKAGE.n8n.credentials),
  credentialDefaults: { requestsPerSecond: 50 },
});
export const { nodeTypes, credentialTypes, additionalDataFor, makeWorkflow, runWorkflow, runFrom } = engine;

/** One Memberspot node behind a test.items node: the common shape of these tests. */
export function memberspotWorkflow(parameters: IDataObject, items: IDataObject[] = [{}], settings: Partial<INode> = {}): WorkflowJson {
  return engine.memberspotWorkflow(parameters, items, settings);
}

/** A node's editor methods (listSearch / loadOptions) in n8n's LoadOptionsContext. */
export function loadOptionsContext(credential: CredentialData, parameters: IDataObject = {}) {
  const json = memberspotWorkflow(parameters);
  const { workflow, data } = makeWorkflow(json);
  const additionalData = additionalDataFor(credential, data, 'internal');
  const node = workflow.getNode('Memberspot') as INode;
  return new LoadOptionsContext(workflow, node, additionalData, 'parameters');
}

/**
 * The credential's "Test" button, done the way n8n's credential tester does it: a temporary node whose only
 * parameter routes the credential's `test.request`, run by n8n-core's RoutingNode with the decrypted
 * credential; a failed request is judged by the credential's `test.rules`, then by the HTTP status.
 */
export async function testCredential(credential: CredentialData): Promise<{ status: 'OK' | 'Error'; message: string }> {
  const type = credentialTypes.get(CREDENTIAL_TYPE) as ICredentialType;
  const testRequest = type.test;
  if (!testRequest) throw new Error('the credential has no test request');
  const tempType: INodeType = {
    description: {
      displayName: 'Temp', name: 'temp', description: 'Temp', group: ['transform'], version: 1, defaults: {}, inputs: ['main'], outputs: ['main'],
      credentials: [{ name: type.name, required: true }],
      properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: testRequest.request }, default: '' }],
    },
  };
  const node: INode = {
    id: 'temp', name: 'Temp-Node', type: 'test.temp', typeVersion: 1, position: [0, 0], parameters: {},
    credentials: { [type.name]: { id: CREDENTIAL_ID, name: 'test' } },
  };
  const types: INodeTypes = { getByName: () => tempType, getByNameAndVersion: () => tempType, getKnownTypes: () => ({}) };
  const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: types });
  const data = { id: 'wf-temp', name: 'temp', nodes: [node], connections: {} } as unknown as IWorkflowBase;
  const additionalData = additionalDataFor(credential, data, 'internal');
  const executeData: IExecuteData = { node, data: {}, source: null };
  const input = { main: [[{ json: {} }]] };
  const context = new ExecuteContext(workflow, node, additionalData, 'internal', createRunExecutionData(), 0, input.main[0], input, executeData, []);
  const decrypted: ICredentialsDecrypted = { id: CREDENTIAL_ID, name: 'test', type: type.name, data: { requestsPerSecond: 4, ...credential } as unknown as ICredentialDataDecryptedObject };
  try {
    await new RoutingNode(context, tempType, decrypted).runNode();
  } catch (error) {
    const cause = (error as { cause?: { response?: { status?: number; statusText?: string }; code?: string } }).cause;
    if (cause?.response) {
      const status = Number(cause.response.status);
      for (const rule of testRequest.rules ?? []) {
        if (rule.type === 'responseCode' && rule.properties.value === status) return { status: 'Error', message: rule.properties.message };
      }
      return { status: 'Error', message: cause.response.statusText || `Received HTTP status code: ${status}` };
    }
    if (cause?.code) return { status: 'Error', message: cause.code };
    return { status: 'Error', message: (error as Error).message };
  }
  return { status: 'OK', message: 'Connection successful!' };
}

/** A webhook request to the trigger node, run through n8n-core's WebhookContext. */
export interface FakeWebhookRequest {
  body: unknown;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** The trigger's optional secret credential type (credentials/MemberflowMemberspotWebhookSecretApi.credentials.ts). */
export const WEBHOOK_SECRET_TYPE = 'memberflowMemberspotWebhookSecretApi';

export interface TriggerNodeSettings {
  /** The node's typeVersion: 1 for workflows saved before the secret credential (the default here), or 2. */
  typeVersion?: number;
  /** Attaches a Memberspot Webhook Secret credential with this secret to the node. */
  secretCredential?: string;
}

/** The trigger node as a workflow stores it. */
export function triggerNode(parameters: IDataObject, settings: TriggerNodeSettings = {}): INode {
  return {
    id: 't1', name: 'Memberspot Trigger', type: MEMBERSPOT_TRIGGER, typeVersion: settings.typeVersion ?? 1, position: [0, 0],
    parameters: parameters as INodeParameters, webhookId: 'hook-1',
    ...(settings.secretCredential === undefined ? {} : { credentials: { [WEBHOOK_SECRET_TYPE]: { id: 'cred-secret', name: 'Memberspot webhook secret' } } }),
  };
}

/**
 * The response object n8n hands a webhook (express's, in a real n8n), recording what the node answered by
 * itself: its status and body. Shared by the trigger, Webhook and shop trigger helpers.
 */
export function recordingResponse() {
  const response = { statusCode: undefined as number | undefined, sent: undefined as unknown };
  const res = {
    writeHead(code: number) {
      response.statusCode = code;
      return res;
    },
    status(code: number) {
      response.statusCode = code;
      return res;
    },
    json(body: unknown) {
      response.sent = body;
      return res;
    },
    send(body: unknown) {
      response.sent = body;
      return res;
    },
    end(...body: unknown[]) {
      if (body.length > 0) response.sent = body[0];
      return res;
    },
  };
  return { response, res };
}

export async function callTrigger(
  parameters: IDataObject,
  request: FakeWebhookRequest,
  settings: TriggerNodeSettings = {},
): Promise<{ result: IWebhookResponseData; status: number | undefined; sent: unknown }> {
  const json: WorkflowJson = { nodes: [triggerNode(parameters, settings)], connections: {} };
  const { workflow, data } = makeWorkflow(json);
  const additionalData = additionalDataFor({ apiKey: 'unused-key', baseUrl: 'http://127.0.0.1:1' }, data, 'webhook');
  if (settings.secretCredential !== undefined) {
    additionalData.credentialsHelper = new MemoryCredentialsHelper(credentialTypes, { [WEBHOOK_SECRET_TYPE]: { secret: settings.secretCredential } });
  }
  const { response, res } = recordingResponse();
  const req = { body: request.body, query: request.query ?? {}, headers: request.headers ?? {}, method: 'POST', params: {} };
  Object.assign(additionalData, { httpRequest: req, httpResponse: res });
  const node = workflow.getNode('Memberspot Trigger') as INode;
  const type = nodeTypes.getByName(MEMBERSPOT_TRIGGER) as INodeType;
  const description = type.description.webhooks?.[0];
  if (!description) throw new Error('the trigger declares no webhook');
  const context = new WebhookContext(
    workflow,
    node,
    additionalData,
    'webhook',
    { httpMethod: 'POST', node: node.name, path: 'hook-1/memberspot', webhookDescription: description, workflowId: 'wf-1', workflowExecuteAdditionalData: additionalData },
    [],
    null,
  );
  const result = await (type.webhook as (this: N8nCore.WebhookContext) => Promise<IWebhookResponseData>).call(context);
  return { result, status: response.statusCode, sent: response.sent };
}

/** An ExecuteContext for the Memberspot node in a one-node workflow, for driving its transport directly. */
export function memberspotExecuteContext(credential: CredentialData, parameters: IDataObject = {}): N8nCore.ExecuteContext {
  const json = memberspotWorkflow(parameters);
  const { workflow, data } = makeWorkflow(json);
  const additionalData = additionalDataFor(credential, data);
  const node = workflow.getNode('Memberspot') as INode;
  const input = { main: [[{ json: {} }]] };
  return new ExecuteContext(workflow, node, additionalData, 'manual', createRunExecutionData(), 0, input.main[0], input, { node, data: input, source: null }, []);
}

/** What an n8n Webhook node's caller sent, and the Header Auth credential it holds (undefined: none attached in the store). */
export interface WebhookCall {
  body: unknown;
  headers?: Record<string, string>;
  headerAuth?: { name: string; value: string };
}

/**
 * Calls the Webhook node `nodeName` of a workflow (the stand-in above, in n8n-core's WebhookContext) as n8n
 * does on a request: returns what it answered by itself (status and body) or the items it starts the workflow with.
 */
export async function callWebhookNode(json: WorkflowJson, nodeName: string, call: WebhookCall) {
  const { workflow, data } = makeWorkflow(json);
  const additionalData = additionalDataFor({ apiKey: 'unused-key', baseUrl: 'http://127.0.0.1:1' }, data, 'webhook');
  additionalData.credentialsHelper = new MemoryCredentialsHelper(credentialTypes, call.headerAuth ? { httpHeaderAuth: call.headerAuth } : {});
  const { response, res } = recordingResponse();
  const headers = Object.fromEntries(Object.entries(call.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const req = { body: call.body, query: {}, headers: { 'content-type': 'application/json', ...headers }, method: 'POST', params: {} };
  Object.assign(additionalData, { httpRequest: req, httpResponse: res });
  const node = workflow.getNode(nodeName) as INode;
  const type = nodeTypes.getByName(node.type) as INodeType;
  const description = type.description.webhooks?.[0];
  if (!description) throw new Error('the node declares no webhook');
  const context = new WebhookContext(
    workflow,
    node,
    additionalData,
    'webhook',
    { httpMethod: 'POST', node: node.name, path: String(node.parameters.path), webhookDescription: description, workflowId: 'wf-1', workflowExecuteAdditionalData: additionalData },
    [],
    null,
  );
  const result = await (type.webhook as (this: N8nCore.WebhookContext) => Promise<IWebhookResponseData>).call(context);
  return { result, status: response.statusCode, sent: response.sent, items: result.workflowData?.[0] };
}
