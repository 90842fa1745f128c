/**
 * The real n8n engine, in process, for the benchmarks (bench/n8n.ts) and the n8n test suites
 * (test/n8n/helpers/engine.ts): n8n-core's WorkflowExecute, with the smallest faithful stand-ins for what
 * n8n's server normally supplies (the node types registry, the credential store and its `authenticate`
 * step, the additional data). No jest here: the test helper adds its hooks itself.
 *
 * The node and credential classes come from the caller, loaded its own way (the bench compiles them in;
 * the tests load the build through package.json's `n8n` section, as n8n does).
 *
 * n8n-core reads its user folder when it is loaded, so it is loaded on first use only (n8nCore()), once
 * N8N_USER_FOLDER points at a throw-away folder: the one a caller made already (test/n8n/helpers/env.ts),
 * else one made here; never at ~/.n8n. n8n-core, n8n-workflow and @n8n/di are loaded by those bare names.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type * as N8nCore from 'n8n-core';
import {
  createRunExecutionData,
  ICredentialsHelper,
  Workflow,
  type ICredentialDataDecryptedObject,
  type ICredentials,
  type ICredentialType,
  type IConnections,
  type IDataObject,
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
  type IWorkflowBase,
  type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

const THROW_AWAY_PREFIX = 'memberspot-n8n-';
let core: typeof N8nCore | undefined;
/** The user folder made here (not by the caller), removed again by closeN8nEngine. */
let ownUserFolder: string | undefined;

/** A folder of ours in the temp dir (e.g. `memberspot-n8n-test-…` from test/n8n/helpers/env.ts). */
function isThrowAway(folder: string | undefined): boolean {
  return folder !== undefined && dirname(folder) === tmpdir() && basename(folder).startsWith(THROW_AWAY_PREFIX);
}

/** n8n-core, loaded on first use with N8N_USER_FOLDER at a throw-away folder, telemetry off, logs silent. */
export function n8nCore(): typeof N8nCore {
  if (!core) {
    if (!isThrowAway(process.env.N8N_USER_FOLDER)) {
      ownUserFolder = mkdtempSync(join(tmpdir(), `${THROW_AWAY_PREFIX}engine-`));
      process.env.N8N_USER_FOLDER = ownUserFolder;
    }
    process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
    process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL ?? 'silent';
    core = require('n8n-core') as typeof N8nCore; // eslint-disable-line @typescript-eslint/no-require-imports
  }
  return core;
}

/**
 * Stops what n8n-core leaves running (an SSH-tunnel cleanup interval it starts on the first node run, as a
 * server process runs forever), so that the process (the bench, a jest worker) can exit; removes the user
 * folder made here.
 */
export function closeN8nEngine(): void {
  if (!core) return;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager') as { SSHClientsManager: new () => { onShutdown(): void } };
  const { Container } = require('@n8n/di') as { Container: { has(t: unknown): boolean; get<T>(t: new () => T): T } };
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
  if (ownUserFolder) rmSync(ownUserFolder, { recursive: true, force: true });
  ownUserFolder = undefined;
}

/** The type name of the items node every engine knows (see itemsNode). */
export const ITEMS_TYPE = 'test.items';

/** Emits the items given as JSON in its `items` parameter: the start of memberspotWorkflow's workflows. */
const itemsNode: INodeType = {
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
};

/** A credential store in memory, and n8n's generic `authenticate` step (expressions over $credentials). */
export class MemoryCredentialsHelper extends ICredentialsHelper {
  constructor(
    private readonly types: Map<string, ICredentialType>,
    private readonly store: Record<string, ICredentialDataDecryptedObject>,
  ) {
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
    const type = this.types.get(typeName);
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
    throw new Error('not used in these runs');
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
    return this.types.get(type)?.properties ?? [];
  }

  /**
   * Asked by newer n8n-core (2.x) before a node reads a credential; as n8n's own helper: usable unless the
   * credential type restricts itself to the nodes it names.
   */
  isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
    const type = this.types.get(credentialType) as (ICredentialType & { restrictToSupportedNodes?: boolean; supportedNodes?: string[] }) | undefined;
    if (!type?.restrictToSupportedNodes) return true;
    return (type.supportedNodes ?? []).includes(nodeType);
  }
}

/** The Memberspot API credential's fields. */
export interface CredentialData {
  apiKey: string;
  baseUrl: string;
  requestsPerSecond?: number;
  redisUrl?: string;
  /** Seconds to wait for each answer (the credential's "Timeout (s)"); the core's 30 s when absent. */
  timeout?: number;
  /** Calls in flight at once (the credential's "Parallel Requests"); the core's default when absent. */
  parallelRequests?: number;
}

export const CREDENTIAL_ID = 'cred-1';
/** The API credential's type name (credentials/MemberflowMemberspotApi.credentials.ts). */
export const CREDENTIAL_TYPE = 'memberflowMemberspotApi';
export const CREDENTIAL_REF = { [CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: 'Memberspot account' } };

export interface WorkflowJson {
  name?: string;
  nodes: INode[];
  connections: IConnections;
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

export interface EngineSetup {
  /** The type name the Memberspot node has in memberspotWorkflow's workflows. */
  memberspotType: string;
  /** The node types by type name; the items node (ITEMS_TYPE) is added. */
  nodeTypes: Record<string, INodeType>;
  credentialTypes: ICredentialType[];
  /** What a run's credential has where the caller's leaves a field out. */
  credentialDefaults?: Partial<CredentialData>;
}

export interface N8nEngine {
  nodeTypes: INodeTypes;
  /** The credential types by name. */
  credentialTypes: Map<string, ICredentialType>;
  additionalDataFor(credential: CredentialData, workflowData: IWorkflowBase, mode?: 'manual' | 'webhook' | 'internal'): IWorkflowExecuteAdditionalData;
  makeWorkflow(json: WorkflowJson): { workflow: Workflow; data: IWorkflowBase };
  /** Runs a workflow from its start node, as "Execute workflow" in the editor does. */
  runWorkflow(json: WorkflowJson, credential: CredentialData, startNodeName?: string): Promise<RunResult>;
  /** Runs a workflow from a node that receives these items, the way n8n runs one after a webhook call. */
  runFrom(json: WorkflowJson, credential: CredentialData, startNodeName: string, items: INodeExecutionData[], mode?: 'webhook' | 'manual'): Promise<RunResult>;
  /** One Memberspot node behind an items node. */
  memberspotWorkflow(parameters: IDataObject, items?: IDataObject[], settings?: Partial<INode>): WorkflowJson;
}

/** An engine that knows these node and credential types. n8n-core is loaded on its first run. */
export function createN8nEngine(setup: EngineSetup): N8nEngine {
  const types: Record<string, INodeType> = { [ITEMS_TYPE]: itemsNode, ...setup.nodeTypes };
  const nodeTypes: INodeTypes = {
    getByName: (type) => {
      const t = types[type];
      if (!t) throw new Error(`Unknown node type ${type}`);
      return t;
    },
    getByNameAndVersion: (type) => nodeTypes.getByName(type) as INodeType,
    getKnownTypes: () => ({}),
  };
  const credentialTypes = new Map(setup.credentialTypes.map((c) => [c.name, c]));

  function additionalDataFor(credential: CredentialData, workflowData: IWorkflowBase, mode: 'manual' | 'webhook' | 'internal' = 'manual'): IWorkflowExecuteAdditionalData {
    const executionId = `exec-${Math.random().toString(36).slice(2)}`;
    const data = {
      credentialsHelper: new MemoryCredentialsHelper(credentialTypes, {
        [CREDENTIAL_TYPE]: { ...setup.credentialDefaults, ...credential } as unknown as ICredentialDataDecryptedObject,
      }),
      hooks: new (n8nCore().ExecutionLifecycleHooks)(mode, executionId, workflowData),
      executionId,
      executeWorkflow: async () => {
        throw new Error('sub-workflows are not used in these runs');
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
        throw new Error('task runners are not used in these runs');
      },
    };
    return data as unknown as IWorkflowExecuteAdditionalData;
  }

  function makeWorkflow(json: WorkflowJson): { workflow: Workflow; data: IWorkflowBase } {
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

  return {
    nodeTypes,
    credentialTypes,
    additionalDataFor,
    makeWorkflow,
    async runWorkflow(json, credential, startNodeName) {
      const { workflow, data } = makeWorkflow(json);
      const additionalData = additionalDataFor(credential, data);
      const start = workflow.getNode(startNodeName ?? json.nodes[0].name) ?? undefined;
      const execute = new (n8nCore().WorkflowExecute)(additionalData, 'manual');
      // n8n-core 1.x takes (workflow, startNode); 2.x takes one options object ({ workflow, startNode }).
      const run = await (execute.run.length > 1
        ? execute.run(workflow, start)
        : (execute.run as unknown as (options: { workflow: Workflow; startNode?: INode }) => Promise<IRun>).call(execute, { workflow, startNode: start }));
      return result(run);
    },
    async runFrom(json, credential, startNodeName, items, mode = 'webhook') {
      const { workflow, data } = makeWorkflow(json);
      const additionalData = additionalDataFor(credential, data, mode);
      const node = workflow.getNode(startNodeName);
      if (!node) throw new Error(`no node ${startNodeName}`);
      const runExecutionData: IRunExecutionData = createRunExecutionData({
        executionData: { nodeExecutionStack: [{ node, data: { main: [items] }, source: null }] },
      });
      const run = await new (n8nCore().WorkflowExecute)(additionalData, mode, runExecutionData).processRunExecutionData(workflow);
      return result(run);
    },
    memberspotWorkflow(parameters, items = [{}], settings = {}) {
      return {
        nodes: [
          { id: 'n1', name: 'Items', type: ITEMS_TYPE, typeVersion: 1, position: [0, 0], parameters: { items: JSON.stringify(items) } },
          {
            id: 'n2',
            name: 'Memberspot',
            type: setup.memberspotType,
            typeVersion: 1,
            position: [200, 0],
            parameters: parameters as INodeParameters,
            credentials: CREDENTIAL_REF,
            ...settings,
          },
        ],
        connections: { Items: { main: [[{ node: 'Memberspot', type: 'main', index: 0 }]] } },
      };
    },
  };
}
