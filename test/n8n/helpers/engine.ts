/**
 * Runs workflows in the real n8n engine, in process: n8n-core's WorkflowExecute with this package's node
 * and credential classes loaded from dist/ through the package.json `n8n` section, as n8n loads them.
 * What n8n's server normally supplies (the credential store and its `authenticate` step, the additional
 * data, the credential tester) is built here with the smallest faithful stand-ins.
 */
import './env';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ExecuteContext,
  ExecutionLifecycleHooks,
  LoadOptionsContext,
  RoutingNode,
  WebhookContext,
  WorkflowExecute,
} from 'n8n-core';
import {
  createRunExecutionData,
  ICredentialsHelper,
  Workflow,
  type ICredentialDataDecryptedObject,
  type ICredentials,
  type ICredentialsDecrypted,
  type ICredentialType,
  type IDataObject,
  type IExecuteData,
  type IHttpRequestOptions,
  type INode,
  type INodeCredentialsDetails,
  type INodeExecutionData,
  type INodeParameters,
  type INodeProperties,
  type INodeType,
  type INodeTypes,
  type IRequestOptionsSimplified,
  type IRun,
  type IRunExecutionData,
  type IWebhookResponseData,
  type IWorkflowBase,
  type IWorkflowExecuteAdditionalData,
  type IConnections,
} from 'n8n-workflow';

export const ROOT = join(__dirname, '..', '..', '..');

/**
 * n8n-core starts an SSH-tunnel cleanup interval on the first node run (a server process runs forever);
 * stop it after each test file so that jest can exit.
 */
afterAll(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager') as { SSHClientsManager: new () => { onShutdown(): void } };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Container } = require('@n8n/di') as { Container: { has(t: unknown): boolean; get<T>(t: new () => T): T } };
  if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
});
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

export const credentialTypes = new Map(loadClasses<ICredentialType>(PACKAGE.n8n.credentials).map((c) => [c.name, c]));
export const packageNodeTypes = loadClasses<INodeType>(PACKAGE.n8n.nodes);

/** Stand-ins for n8n-nodes-base nodes the examples start with (the shop's webhook, a manual start). */
const standIns: Record<string, INodeType> = {
  'n8n-nodes-base.webhook': {
    description: {
      displayName: 'Webhook', name: 'webhook', description: 'Stand-in', group: ['trigger'], version: [1, 2], defaults: { name: 'Webhook' },
      inputs: [], outputs: ['main'], properties: [], webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '' }],
    },
    // Started from the execution stack with the request as data, like n8n does after a webhook call.
    async webhook() {
      return {};
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
  /** Emits the items given as JSON in its `items` parameter (test-only). */
  'test.items': {
    description: {
      displayName: 'Items', name: 'items', description: 'Test items', group: ['input'], version: 1, defaults: { name: 'Items' },
      inputs: ['main'], outputs: ['main'],
      properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
    },
    async execute() {
      const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
      const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
      return [list.map((json) => ({ json }))];
    },
  },
};

const allNodeTypes: Record<string, INodeType> = {
  ...standIns,
  ...Object.fromEntries(packageNodeTypes.map((t) => [`${PACKAGE.name}.${t.description.name}`, t])),
};

export const nodeTypes: INodeTypes = {
  getByName: (type) => {
    const t = allNodeTypes[type];
    if (!t) throw new Error(`Unknown node type ${type}`);
    return t;
  },
  getByNameAndVersion: (type) => nodeTypes.getByName(type) as INodeType,
  getKnownTypes: () => ({}),
};

/** A credential store in memory, and n8n's generic `authenticate` step (expressions over $credentials). */
export class TestCredentialsHelper extends ICredentialsHelper {
  constructor(private readonly store: Record<string, ICredentialDataDecryptedObject>) {
    super();
  }

  getParentTypes(): string[] {
    return [];
  }

  async authenticate(
    credentials: ICredentialDataDecryptedObject,
    typeName: string,
    requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
    workflow: Workflow,
    node: INode,
  ): Promise<IHttpRequestOptions> {
    const type = credentialTypes.get(typeName);
    const authenticate = type?.authenticate;
    if (!authenticate) return requestOptions as IHttpRequestOptions;
    if (typeof authenticate === 'function') return authenticate(credentials, requestOptions as IHttpRequestOptions);
    const resolve = (value: string) =>
      String(workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials } as never, undefined, ''));
    const options = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
    for (const [target, values] of Object.entries(authenticate.properties)) {
      options[target] = { ...(options[target] ?? {}) };
      for (const [key, value] of Object.entries(values as Record<string, string>)) {
        (options[target] as Record<string, unknown>)[resolve(key)] = resolve(value);
      }
    }
    return requestOptions as IHttpRequestOptions;
  }

  async preAuthentication(): Promise<undefined> {
    return undefined;
  }

  async getCredentials(): Promise<ICredentials> {
    throw new Error('not used in these tests');
  }

  /** One credential per type: the workflow's credential reference (id, name) only has to name the type. */
  async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, details: INodeCredentialsDetails, type: string): Promise<ICredentialDataDecryptedObject> {
    const data = this.store[type];
    if (!data || !details.id) throw new Error(`No ${type} credential for ${JSON.stringify(details)}`);
    return { ...data };
  }

  async updateCredentials(): Promise<void> {}

  async updateCredentialsOauthTokenData(): Promise<void> {}

  getCredentialsProperties(type: string): INodeProperties[] {
    return credentialTypes.get(type)?.properties ?? [];
  }
}

export interface CredentialData {
  apiKey: string;
  baseUrl: string;
  requestsPerSecond?: number;
  redisUrl?: string;
  /** Seconds to wait for each answer (the credential's "Timeout (s)"); the core's 30 s when absent. */
  timeout?: number;
}

export const CREDENTIAL_ID = 'cred-1';
export const CREDENTIAL_REF = { memberspotApi: { id: CREDENTIAL_ID, name: 'Memberspot account' } };

export function additionalDataFor(credential: CredentialData, workflowData: IWorkflowBase, mode: 'manual' | 'webhook' | 'internal' = 'manual'): IWorkflowExecuteAdditionalData {
  const executionId = `exec-${Math.random().toString(36).slice(2)}`;
  const data = {
    credentialsHelper: new TestCredentialsHelper({ memberspotApi: { requestsPerSecond: 50, ...credential } as unknown as ICredentialDataDecryptedObject }),
    hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData),
    executionId,
    executeWorkflow: async () => {
      throw new Error('sub-workflows are not used in these tests');
    },
    getRunExecutionData: async () => undefined,
    currentNodeExecutionIndex: 0,
    restApiUrl: 'http://localhost:5678/rest',
    instanceBaseUrl: 'http://localhost:5678/',
    formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
    webhookBaseUrl: 'http://localhost:5678/webhook',
    webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
    webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
    variables: {},
    userId: 'user-1',
    logAiEvent: () => undefined,
    startRunnerTask: async () => {
      throw new Error('task runners are not used in these tests');
    },
  };
  return data as unknown as IWorkflowExecuteAdditionalData;
}

export interface WorkflowJson {
  name?: string;
  nodes: INode[];
  connections: IConnections;
}

export function makeWorkflow(json: WorkflowJson): { workflow: Workflow; data: IWorkflowBase } {
  const data = {
    id: 'wf-1',
    name: json.name ?? 'test',
    active: false,
    isArchived: false,
    nodes: json.nodes,
    connections: json.connections,
    createdAt: new Date(),
    updatedAt: new Date(),
    settings: {},
  } as unknown as IWorkflowBase;
  const workflow = new Workflow({
    id: 'wf-1',
    name: data.name,
    nodes: json.nodes,
    connections: json.connections,
    active: false,
    nodeTypes,
    staticData: {},
    settings: {},
  });
  return { workflow, data };
}

export interface RunResult {
  run: IRun;
  /** Output items of the node's first run, first output. */
  output(nodeName: string): INodeExecutionData[];
  /** The error of the run, if any. */
  error: (Error & Record<string, unknown>) | undefined;
}

function result(run: IRun): RunResult {
  return {
    run,
    output(nodeName) {
      const task = run.data.resultData.runData[nodeName]?.[0];
      if (!task) throw new Error(`node ${nodeName} did not run`);
      return task.data?.main?.[0] ?? [];
    },
    error: run.data.resultData.error as RunResult['error'],
  };
}

/** Runs a workflow from its start node, as "Execute workflow" in the editor does. */
export async function runWorkflow(json: WorkflowJson, credential: CredentialData, startNodeName?: string): Promise<RunResult> {
  const { workflow, data } = makeWorkflow(json);
  const additionalData = additionalDataFor(credential, data);
  const start = workflow.getNode(startNodeName ?? json.nodes[0].name) ?? undefined;
  const run = await new WorkflowExecute(additionalData, 'manual').run(workflow, start);
  return result(run);
}

/** Runs a workflow from a node that receives these items, the way n8n runs one after a webhook call. */
export async function runFrom(json: WorkflowJson, credential: CredentialData, startNodeName: string, items: INodeExecutionData[], mode: 'webhook' | 'manual' = 'webhook'): Promise<RunResult> {
  const { workflow, data } = makeWorkflow(json);
  const additionalData = additionalDataFor(credential, data, mode);
  const node = workflow.getNode(startNodeName);
  if (!node) throw new Error(`no node ${startNodeName}`);
  const runExecutionData: IRunExecutionData = createRunExecutionData({
    executionData: { nodeExecutionStack: [{ node, data: { main: [items] }, source: null }] },
  });
  const run = await new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow);
  return result(run);
}

/** One Memberspot node behind a test.items node: the common shape of these tests. */
export function memberspotWorkflow(parameters: IDataObject, items: IDataObject[] = [{}], settings: Partial<INode> = {}): WorkflowJson {
  return {
    nodes: [
      { id: 'n1', name: 'Items', type: 'test.items', typeVersion: 1, position: [0, 0], parameters: { items: JSON.stringify(items) } },
      {
        id: 'n2',
        name: 'Memberspot',
        type: MEMBERSPOT,
        typeVersion: 1,
        position: [200, 0],
        parameters: parameters as INodeParameters,
        credentials: CREDENTIAL_REF,
        ...settings,
      },
    ],
    connections: { Items: { main: [[{ node: 'Memberspot', type: 'main', index: 0 }]] } },
  };
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
  const type = credentialTypes.get('memberspotApi') as ICredentialType;
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

export async function callTrigger(parameters: IDataObject, request: FakeWebhookRequest): Promise<{ result: IWebhookResponseData; status: number | undefined; sent: unknown }> {
  const json: WorkflowJson = {
    nodes: [{ id: 't1', name: 'Memberspot Trigger', type: MEMBERSPOT_TRIGGER, typeVersion: 1, position: [0, 0], parameters: parameters as INodeParameters, webhookId: 'hook-1' }],
    connections: {},
  };
  const { workflow, data } = makeWorkflow(json);
  const additionalData = additionalDataFor({ apiKey: 'unused-key', baseUrl: 'http://127.0.0.1:1' }, data, 'webhook');
  const response = { statusCode: undefined as number | undefined, sent: undefined as unknown };
  const res = {
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
    end() {
      return res;
    },
  };
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
  const result = await (type.webhook as (this: WebhookContext) => Promise<IWebhookResponseData>).call(context);
  return { result, status: response.statusCode, sent: response.sent };
}

/** An ExecuteContext for the Memberspot node in a one-node workflow, for driving its transport directly. */
export function memberspotExecuteContext(credential: CredentialData, parameters: IDataObject = {}): ExecuteContext {
  const json = memberspotWorkflow(parameters);
  const { workflow, data } = makeWorkflow(json);
  const additionalData = additionalDataFor(credential, data);
  const node = workflow.getNode('Memberspot') as INode;
  const input = { main: [[{ json: {} }]] };
  return new ExecuteContext(workflow, node, additionalData, 'manual', createRunExecutionData(), 0, input.main[0], input, { node, data: input, source: null }, []);
}
