/**
 * Benchmarks through n8n:
 * - our Memberspot node in the real n8n engine, in process (n8n-core's WorkflowExecute, the same approach as
 *   test/n8n/helpers/engine.ts, which the bench cannot import: test/ is not compiled and that helper needs
 *   jest): a rate-limited bulk of find-by-email items, and List Users with Return All on a big account;
 * - n8n's own HTTP Request node with its batching option, through the real n8n CLI from the e2e cache
 *   (scripts/install-n8n.sh), as someone without our node would do it.
 * Prints figures; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as N8nCore from 'n8n-core';
import {
  ICredentialsHelper,
  Workflow,
  type ICredentialDataDecryptedObject,
  type ICredentials,
  type IHttpRequestOptions,
  type INode,
  type INodeProperties,
  type INodeType,
  type INodeTypes,
  type IRequestOptionsSimplified,
  type IRun,
  type IWorkflowBase,
  type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { MemberspotApi } from '../credentials/MemberspotApi.credentials';
import { Memberspot } from '../nodes/Memberspot/Memberspot.node';

const credentialType = new MemberspotApi();
const MEMBERSPOT = 'bench.memberspot';

/** n8n-core reads its user folder when loaded: point it at a throw-away folder first (never at ~/.n8n). */
let core: typeof N8nCore | undefined;
let userFolder: string | undefined;
function n8nCore(): typeof N8nCore {
  if (!core) {
    userFolder = mkdtempSync(join(tmpdir(), 'memberspot-n8n-bench-'));
    process.env.N8N_USER_FOLDER = userFolder;
    process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
    process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL ?? 'silent';
    core = require('n8n-core') as typeof N8nCore; // eslint-disable-line @typescript-eslint/no-require-imports
  }
  return core;
}

/** Stops what n8n-core leaves running (an SSH-tunnel cleanup interval), so that the bench can exit. */
export function closeN8nEngine(): void {
  if (!core) return;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager') as { SSHClientsManager: new () => { onShutdown(): void } };
  const { Container } = require('@n8n/di') as { Container: { has(t: unknown): boolean; get<T>(t: new () => T): T } };
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
  if (userFolder) rmSync(userFolder, { recursive: true, force: true });
}

/** Emits the items given in its `items` parameter (bench-only start node). */
const itemsNode: INodeType = {
  description: {
    displayName: 'Items', name: 'items', description: 'Bench items', group: ['input'], version: 1, defaults: { name: 'Items' },
    inputs: [], outputs: ['main'], properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
  },
  async execute() {
    return [(JSON.parse(this.getNodeParameter('items', 0) as string) as object[]).map((json) => ({ json: json as never }))];
  },
};

const types: Record<string, INodeType> = { 'bench.items': itemsNode, [MEMBERSPOT]: new Memberspot() };
const nodeTypes: INodeTypes = {
  getByName: (type) => types[type],
  getByNameAndVersion: (type) => types[type],
  getKnownTypes: () => ({}),
};

/** The credential store of n8n's server, reduced to one credential, and its generic `authenticate` step. */
class BenchCredentialsHelper extends ICredentialsHelper {
  constructor(private readonly data: ICredentialDataDecryptedObject) {
    super();
  }
  getParentTypes(): string[] {
    return [];
  }
  async authenticate(credentials: ICredentialDataDecryptedObject, _type: string, options: IHttpRequestOptions | IRequestOptionsSimplified, workflow: Workflow, node: INode) {
    const resolve = (value: string) => String(workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials } as never, undefined, ''));
    const headers = { ...(options.headers as Record<string, string> | undefined) };
    for (const [name, value] of Object.entries(credentialType.authenticate.properties.headers ?? {})) headers[resolve(name)] = resolve(String(value));
    return { ...options, headers } as IHttpRequestOptions;
  }
  async preAuthentication(): Promise<undefined> {
    return undefined;
  }
  async getCredentials(): Promise<ICredentials> {
    throw new Error('not used');
  }
  async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
    return { ...this.data };
  }
  async updateCredentials(): Promise<void> {}
  async updateCredentialsOauthTokenData(): Promise<void> {}
  getCredentialsProperties(): INodeProperties[] {
    return credentialType.properties;
  }
}

export interface BenchCredential {
  apiKey: string;
  baseUrl: string;
  requestsPerSecond?: number;
}

/** Runs Items → Memberspot (one execution, "Execute workflow") and returns the engine's run. */
export async function runMemberspotNode(credential: BenchCredential, parameters: Record<string, unknown>, items: object[]): Promise<IRun> {
  const { ExecutionLifecycleHooks, WorkflowExecute } = n8nCore();
  const nodes: INode[] = [
    { id: 'n1', name: 'Items', type: 'bench.items', typeVersion: 1, position: [0, 0], parameters: { items: JSON.stringify(items) } },
    {
      id: 'n2', name: 'Memberspot', type: MEMBERSPOT, typeVersion: 1, position: [200, 0], parameters: parameters as INode['parameters'],
      credentials: { memberspotApi: { id: 'cred-1', name: 'Memberspot' } }, continueOnFail: true,
    },
  ];
  const connections = { Items: { main: [[{ node: 'Memberspot', type: 'main' as const, index: 0 }]] } };
  const workflow = new Workflow({ id: 'wf-bench', name: 'bench', nodes, connections, active: false, nodeTypes, staticData: {}, settings: {} });
  const data = { id: 'wf-bench', name: 'bench', nodes, connections, active: false, settings: {} } as unknown as IWorkflowBase;
  const additionalData = {
    credentialsHelper: new BenchCredentialsHelper({ ...credential } as unknown as ICredentialDataDecryptedObject),
    hooks: new ExecutionLifecycleHooks('manual', 'exec-bench', data),
    executionId: 'exec-bench',
    currentNodeExecutionIndex: 0,
    variables: {},
    userId: 'user-1',
    restApiUrl: 'http://localhost:5678/rest',
    instanceBaseUrl: 'http://localhost:5678/',
    webhookBaseUrl: 'http://localhost:5678/webhook',
    webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
    webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
    formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
    getRunExecutionData: async () => undefined,
    logAiEvent: () => undefined,
  } as unknown as IWorkflowExecuteAdditionalData;
  return new WorkflowExecute(additionalData, 'manual').run(workflow, workflow.getNode('Items') ?? undefined);
}

/** The Memberspot node's output items (first run, first output) and how many of them are error items. */
export function memberspotOutput(run: IRun): { items: number; failed: number } {
  if (run.data.resultData.error) return { items: 0, failed: Number.NaN };
  const items = run.data.resultData.runData.Memberspot?.[0]?.data?.main?.[0] ?? [];
  return { items: items.length, failed: items.filter((i) => i.json.error !== undefined).length };
}

// ---------------------------------------------------------------------------------------------------
// n8n's HTTP Request node with batching, through the real n8n CLI.

export const N8N_CLI_VERSION = '2.8.4';

export function n8nCliBin(version = N8N_CLI_VERSION): string | undefined {
  const cache = process.env.MEMBERSPOT_E2E_CACHE ?? join(homedir(), '.cache', 'memberspot-e2e');
  const bin = join(cache, `n8n-${version}`, 'node_modules', 'n8n', 'bin', 'n8n');
  return existsSync(bin) ? bin : undefined;
}

function runCli(bin: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`n8n ${args[0]} did not finish in ${timeoutMs} ms\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Manual Trigger → Code (N items, one email each) → HTTP Request (GET find-by-mail with the key header,
 * batching `batchSize` per `intervalMs`, errors continue as items), imported and run with `n8n execute`.
 * Resolves with the HTTP Request node's item count and its error items, and the CLI's wall time.
 */
export async function runHttpRequestNode(
  bin: string,
  sandboxUrl: string,
  apiKey: string,
  emails: string[],
  batch: { size: number; intervalMs: number },
): Promise<{ items: number; failed: number; wallMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'memberspot-n8n-cli-bench-'));
  try {
    const user = join(dir, 'user');
    mkdirSync(user);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      TZ: 'UTC',
      N8N_USER_FOLDER: user,
      N8N_ENCRYPTION_KEY: 'memberspot-bench-encryption-key',
      N8N_DIAGNOSTICS_ENABLED: 'false',
      N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
      N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
      N8N_LOG_LEVEL: 'info',
      N8N_LOG_OUTPUT: 'console',
      N8N_RUNNERS_ENABLED: 'false',
      DB_SQLITE_POOL_SIZE: '2',
      NODE_ENV: 'production',
    };
    const workflow = {
      id: 'msBenchHttpBatch1',
      name: 'Bench: HTTP Request with batching',
      active: false,
      settings: { executionOrder: 'v1' },
      nodes: [
        { id: 'b1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
        {
          id: 'b2', name: 'Make Items', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0],
          parameters: { jsCode: `return ${JSON.stringify(emails)}.map((email) => ({ json: { email } }));` },
        },
        {
          id: 'b3', name: 'HTTP Request', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, position: [400, 0], onError: 'continueRegularOutput',
          parameters: {
            method: 'GET',
            url: `={{ '${sandboxUrl}/v1/users/find-by-mail/' + encodeURIComponent($json.email) }}`,
            sendHeaders: true,
            headerParameters: { parameters: [{ name: 'X-API-KEY', value: apiKey }] },
            options: { batching: { batch: { batchSize: batch.size, batchInterval: batch.intervalMs } } },
          },
        },
      ],
      connections: {
        Start: { main: [[{ node: 'Make Items', type: 'main', index: 0 }]] },
        'Make Items': { main: [[{ node: 'HTTP Request', type: 'main', index: 0 }]] },
      },
    };
    const file = join(dir, 'workflow.json');
    writeFileSync(file, JSON.stringify(workflow));
    const imported = await runCli(bin, ['import:workflow', `--input=${file}`], env, 180_000);
    if (imported.code !== 0) throw new Error(`n8n import:workflow failed:\n${imported.stdout}\n${imported.stderr}`);
    const started = performance.now();
    const executed = await runCli(bin, ['execute', `--id=${workflow.id}`, '--rawOutput'], env, 600_000);
    const wallMs = performance.now() - started;
    const start = executed.stdout.indexOf('{');
    if (start < 0) throw new Error(`n8n execute printed no run (exit ${executed.code}):\n${executed.stdout.slice(-2000)}\n${executed.stderr.slice(-2000)}`);
    const run = JSON.parse(executed.stdout.slice(start)) as IRun;
    const out = run.data.resultData.runData['HTTP Request']?.[0]?.data?.main?.[0] ?? [];
    return { items: out.length, failed: out.filter((i) => i.json.error !== undefined).length, wallMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
