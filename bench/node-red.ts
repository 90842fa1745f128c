/**
 * Benchmarks through our Node-RED action node, in the real Node-RED runtime (node-red-node-test-helper):
 * - runNodeRed: N messages arrive at once, each a find-by-email (the rate-limited bulk benchmark);
 * - runNodeRedBulk: one message whose payload is an array (the node's bulk path), one element per call.
 */
import * as path from 'node:path';
import type { Sandbox } from '../sandbox';

/* eslint-disable @typescript-eslint/no-require-imports */
const helper = require('node-red-node-test-helper');
helper.init(require.resolve('node-red'));
const DIST = path.resolve(__dirname, '..', 'node-red');
const configNode = require(path.join(DIST, 'memberspot-config.js'));
const actionNode = require(path.join(DIST, 'memberspot.js'));
/* eslint-enable @typescript-eslint/no-require-imports */

interface HelperNode {
  receive(msg: Record<string, unknown>): void;
  on(event: string, handler: (msg: Record<string, unknown>) => void): void;
}

/** Sends `emails.length` messages into the node at once; resolves with the number that ended in an error. */
export async function runNodeRed(sandbox: Sandbox, apiKey: string, emails: string[]): Promise<number> {
  await helper.startServer();
  try {
    const flow = [
      { id: 'f1', type: 'tab', label: 'Bench' },
      { id: 'cfg', type: 'memberspot-config', name: 'Bench', baseUrl: sandbox.url, requestsPerSecond: 4 },
      { id: 'n1', type: 'memberspot', z: 'f1', account: 'cfg', action: 'findUserByEmail', wires: [['out']] },
      { id: 'out', type: 'helper', z: 'f1' },
      { id: 'catcher', type: 'catch', z: 'f1', scope: ['n1'], uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'f1' },
    ];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const catchNode = require('@node-red/nodes/core/common/25-catch.js');
    await helper.load([configNode, actionNode, catchNode], flow, { cfg: { apiKey } });
    const node: HelperNode = helper.getNode('n1');
    let ok = 0;
    let failed = 0;
    const finished = new Promise<void>((resolve) => {
      const settle = () => ok + failed === emails.length && resolve();
      (helper.getNode('out') as HelperNode).on('input', () => {
        ok += 1;
        settle();
      });
      (helper.getNode('caught') as HelperNode).on('input', () => {
        failed += 1;
        settle();
      });
    });
    for (const email of emails) node.receive({ email });
    await finished;
    return failed;
  } finally {
    await helper.unload();
    await helper.stopServer();
  }
}

/** The account's settings besides the key (e.g. `parallelRequests`, once the config node has it). */
export type NodeRedAccount = Record<string, string | number>;

/**
 * One message whose payload holds `elements` (the node's bulk path, in its own concurrency), for `action`.
 * Resolves with how many elements ended in an error, or all of them when the message itself failed.
 */
export async function runNodeRedBulk(sandbox: Pick<Sandbox, 'url'>, apiKey: string, action: string, elements: object[], account: NodeRedAccount = {}): Promise<number> {
  await helper.startServer();
  try {
    const flow = [
      { id: 'f1', type: 'tab', label: 'Bench' },
      { id: 'cfg', type: 'memberspot-config', name: 'Bench', baseUrl: sandbox.url, requestsPerSecond: 4, ...account },
      { id: 'n1', type: 'memberspot', z: 'f1', account: 'cfg', action, wires: [['out']] },
      { id: 'out', type: 'helper', z: 'f1' },
      { id: 'catcher', type: 'catch', z: 'f1', scope: ['n1'], uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'f1' },
    ];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const catchNode = require('@node-red/nodes/core/common/25-catch.js');
    await helper.load([configNode, actionNode, catchNode], flow, { cfg: { apiKey } });
    const finished = new Promise<number>((resolve) => {
      (helper.getNode('out') as HelperNode).on('input', (msg) => {
        const results = Array.isArray(msg.payload) ? (msg.payload as Array<{ ok?: boolean }>) : [];
        resolve(elements.length - results.filter((r) => r.ok === true).length);
      });
      (helper.getNode('caught') as HelperNode).on('input', () => resolve(elements.length));
    });
    (helper.getNode('n1') as HelperNode).receive({ payload: elements });
    return await finished;
  } finally {
    await helper.unload();
    await helper.stopServer();
  }
}
