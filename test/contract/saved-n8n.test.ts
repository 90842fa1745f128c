/**
 * Saved n8n workflows keep working: the workflow made with release 0.1.0 (test/fixtures/v0.1.0, one node
 * per operation, parameters as the editor saved them) runs in the real n8n engine against the sandbox, and
 * every node sends the same requests (method, path, query, body) it sent on 0.1.0.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INode, INodeCredentials, IRun, IWorkflowExecuteAdditionalData, Workflow } from 'n8n-workflow';
import { MemoryCredentialsHelper, n8nCore } from '../../bench/harness/n8n-engine';
import { actionList } from '../../shared';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { additionalDataFor, credentialTypes, makeWorkflow, MEMBERSPOT, packageNodeTypes, type WorkflowJson } from '../n8n/helpers/engine';
import { ADDED_AFTER_0_1_0, entry, expectedFor, sent, type Recorded } from './recorded';

const FIXTURES = join(__dirname, '..', 'fixtures', 'v0.1.0');
const saved = JSON.parse(readFileSync(join(FIXTURES, 'n8n-workflow.json'), 'utf8')) as WorkflowJson;
const env = useSandbox();

const description = packageNodeTypes.find((t) => t.description.name === 'memberspot')?.description;
/** The credential types today's node asks for (another release may have renamed the 0.1.0 one). */
const askedFor = (description?.credentials ?? []).map((c) => c.name);

/** Runs the start node and one saved node, with the credential supplied under every name either asks for. */
async function runSaved(node: INode): Promise<IRun> {
  const reference = Object.values(node.credentials ?? {})[0];
  const credentials: INodeCredentials = { ...node.credentials };
  for (const name of askedFor) credentials[name] ??= reference;
  const start = saved.nodes.find((n) => n.name === 'Start') as INode;
  const json: WorkflowJson = {
    nodes: [start, { ...node, type: MEMBERSPOT, credentials }],
    connections: { Start: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
  };
  const { workflow, data } = makeWorkflow(json);
  const credential = { apiKey: API_KEY, baseUrl: env.sandbox.url, requestsPerSecond: 50 };
  const additionalData: IWorkflowExecuteAdditionalData = additionalDataFor(credential, data);
  const store = Object.fromEntries([...Object.keys(credentials), ...askedFor].map((name) => [name, { ...credential }]));
  additionalData.credentialsHelper = new MemoryCredentialsHelper(credentialTypes, store);
  const execute = new (n8nCore().WorkflowExecute)(additionalData, 'manual');
  const startNode = workflow.getNode('Start') ?? undefined;
  // n8n-core 1.x takes (workflow, startNode); 2.x takes one options object.
  return execute.run.length > 1
    ? execute.run(workflow, startNode)
    : (execute.run as unknown as (options: { workflow: Workflow; startNode?: INode }) => Promise<IRun>).call(execute, { workflow, startNode });
}

describe('the n8n workflow saved with 0.1.0', () => {
  const memberspotNodes = saved.nodes.filter((n) => n.type.endsWith('.memberspot'));
  const actual: Record<string, Recorded> = {};

  beforeAll(async () => {
    for (const node of memberspotNodes) {
      env.sandbox.reset();
      const run = await runSaved(node);
      const task = run.data.resultData.runData[node.name]?.[0];
      actual[node.name] = { requests: sent(env.sandbox.requests), ok: !run.data.resultData.error && !task?.error };
    }
  });

  it('uses every operation of the registry', () => {
    const in010 = actionList.filter((a) => !ADDED_AFTER_0_1_0.includes(a.id));
    expect(memberspotNodes).toHaveLength(in010.length);
    expect(new Set(memberspotNodes.map((n) => n.name))).toEqual(new Set(in010.map((a) => a.label)));
  });

  it.each(memberspotNodes.map((n) => n.name))('%s sends the requests it sent on 0.1.0', (name) => {
    const expected = expectedFor(join(FIXTURES, 'n8n-requests.json'), actual);
    expect(entry(expected, name).requests.length).toBeGreaterThan(0);
    expect(actual[name]).toEqual(entry(expected, name));
  });
});
