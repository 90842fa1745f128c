/**
 * Benchmarks through n8n:
 * - our Memberspot node in the real n8n engine, in process (n8n-core's WorkflowExecute, through the engine
 *   harness the n8n test suites use too, bench/harness/n8n-engine.ts): a rate-limited bulk of find-by-email
 *   items, and List Users with Return All on a big account;
 * - n8n's own HTTP Request node with its batching option, through the real n8n CLI from the e2e cache
 *   (scripts/install-n8n.sh, run as the e2e tests run it: bench/harness/n8n-cli.ts), as someone without our
 *   node would do it.
 * Prints figures; asserts nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject, IRun } from 'n8n-workflow';
import { MemberflowMemberspotApi } from '../credentials/MemberflowMemberspotApi.credentials';
import { Memberspot } from '../nodes/Memberspot/Memberspot.node';
import { findN8nBin, makeN8nTempHome, runN8nCli } from './harness/n8n-cli';
import { createN8nEngine } from './harness/n8n-engine';

export { closeN8nEngine } from './harness/n8n-engine';

const MEMBERSPOT = 'bench.memberspot';

/** The engine with our node and credential, compiled in; n8n-core is loaded on the first run. */
const engine = createN8nEngine({ memberspotType: MEMBERSPOT, nodeTypes: { [MEMBERSPOT]: new Memberspot() }, credentialTypes: [new MemberflowMemberspotApi()] });

export interface BenchCredential {
  apiKey: string;
  baseUrl: string;
  requestsPerSecond?: number;
  parallelRequests?: number;
}

/** Runs Items → Memberspot (one execution, "Execute workflow"; failed items continue) and returns the engine's run. */
export async function runMemberspotNode(credential: BenchCredential, parameters: Record<string, unknown>, items: object[]): Promise<IRun> {
  const workflow = engine.memberspotWorkflow(parameters as IDataObject, items as IDataObject[], { continueOnFail: true });
  return (await engine.runWorkflow(workflow, credential)).run;
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
  return findN8nBin(version);
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
  const { dir, env, cleanup } = makeN8nTempHome('memberspot-n8n-cli-bench-', 'memberspot-bench-encryption-key');
  try {
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
    const imported = await runN8nCli(bin, ['import:workflow', `--input=${file}`], env, 180_000);
    if (imported.code !== 0) throw new Error(`n8n import:workflow failed:\n${imported.stdout}\n${imported.stderr}`);
    const started = performance.now();
    const executed = await runN8nCli(bin, ['execute', `--id=${workflow.id}`, '--rawOutput'], env, 600_000);
    const wallMs = performance.now() - started;
    const start = executed.stdout.indexOf('{');
    if (start < 0) throw new Error(`n8n execute printed no run (exit ${executed.code}):\n${executed.stdout.slice(-2000)}\n${executed.stderr.slice(-2000)}`);
    const run = JSON.parse(executed.stdout.slice(start)) as IRun;
    const out = run.data.resultData.runData['HTTP Request']?.[0]?.data?.main?.[0] ?? [];
    return { items: out.length, failed: out.filter((i) => i.json.error !== undefined).length, wallMs };
  } finally {
    cleanup();
  }
}
