/**
 * Node-RED runtime tests: node-red-node-test-helper with the real Node-RED runtime, our built nodes from
 * dist/ and the sandbox over real HTTP.
 */
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { API_KEY } from '../helpers/sandbox';

/**
 * The Node-RED to test against: the devDependency (4.x), or the install in MEMBERSPOT_NODE_RED_DIR (a folder
 * whose node_modules holds another node-red, e.g. 5.x for the Node 24 pass of .ci/run).
 */
const NODE_RED_DIR = process.env.MEMBERSPOT_NODE_RED_DIR;
export function nodeRedRequire(id: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(NODE_RED_DIR ? require.resolve(id, { paths: [NODE_RED_DIR] }) : id);
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const helper = require('node-red-node-test-helper');
helper.init(NODE_RED_DIR ? require.resolve('node-red', { paths: [NODE_RED_DIR] }) : require.resolve('node-red'));

const DIST = path.resolve(__dirname, '..', '..', 'dist', 'node-red');
/* eslint-disable @typescript-eslint/no-require-imports */
export const configNode = require(path.join(DIST, 'memberspot-config.js'));
export const actionNode = require(path.join(DIST, 'memberspot.js'));
export const webhookNode = require(path.join(DIST, 'memberspot-webhook.js'));
export const catchNode = nodeRedRequire('@node-red/nodes/core/common/25-catch.js');
const utilLog = (nodeRedRequire('@node-red/util') as { log: { addHandler(h: EventEmitter): void; removeHandler(h: EventEmitter): void } }).log;
/* eslint-enable @typescript-eslint/no-require-imports */
const logHandlers: EventEmitter[] = [];

export type Msg = Record<string, unknown> & { payload?: unknown };
export type FlowNode = Record<string, unknown> & { id: string; type: string };

export interface TestNode {
  id: string;
  on(event: string, handler: (...args: never[]) => void): void;
  receive(msg: Msg): void;
}

/** Starts the helper's server before each test, unloads the flow and stops it after. */
export function useNodeRed() {
  beforeEach(async () => {
    await helper.startServer();
    // RED.init resets the log handlers: attach the recorders again.
    for (const handler of logHandlers) utilLog.addHandler(handler);
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
  });
}

export function configFor(url: string, extra: Record<string, unknown> = {}): FlowNode {
  return { id: 'cfg', type: 'memberspot-config', name: 'Sandbox', baseUrl: url, requestsPerSecond: 4, ...extra };
}

export const credentials = { cfg: { apiKey: API_KEY } };

/** A flow: the account, one action node with `props`, its output into `out`, a Catch node into `caught`. */
export function actionFlow(url: string, action: string, props: Record<string, unknown> = {}, extra: FlowNode[] = []): FlowNode[] {
  return [
    { id: 'f1', type: 'tab', label: 'Test' },
    configFor(url),
    { id: 'n1', type: 'memberspot', z: 'f1', name: '', account: 'cfg', action, ...props, wires: [['out']] },
    { id: 'out', type: 'helper', z: 'f1' },
    { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f1' },
    ...extra,
  ];
}

export async function load(flow: FlowNode[], creds: Record<string, unknown> = credentials, nodes: unknown[] = [configNode, actionNode, catchNode, webhookNode]) {
  await helper.load(nodes, flow, creds);
}

export function node(id: string): TestNode {
  const found = helper.getNode(id);
  if (!found) throw new Error(`node ${id} is not in the flow`);
  return found;
}

/** The next message a helper node receives (rejects after `ms` so a missing message fails the test clearly). */
export function nextMessage(id: string, ms = 10_000): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message arrived at ${id}`)), ms);
    node(id).on('input', ((msg: Msg) => {
      clearTimeout(timer);
      resolve(msg);
    }) as never);
  });
}

/** Sends msg into n1 and resolves with whatever arrives first: the output or the Catch node's message. */
export function run(msg: Msg, id = 'n1', ms = 10_000): Promise<{ out?: Msg; caught?: Msg }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => finish(() => reject(new Error('neither an output nor a Catch message arrived'))), ms);
    function finish(action: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    }
    node('out').on('input', ((m: Msg) => finish(() => resolve({ out: m }))) as never);
    node('caught').on('input', ((m: Msg) => finish(() => resolve({ caught: m }))) as never);
    node(id).receive(msg);
  });
}

/** Records every status the node shows. */
export function statuses(id = 'n1'): Array<Record<string, unknown>> {
  const list: Array<Record<string, unknown>> = [];
  node(id).on('call:status', ((call: { args: Array<Record<string, unknown>> }) => list.push(call.args[0])) as never);
  return list;
}

/** Everything the runtime logged so far, as text. */
export function logText(): string {
  const spy = helper.log();
  return spy ? JSON.stringify(spy.args, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)) : '';
}

/** str typedInput property pair. */
export function str(name: string, value: string): Record<string, string> {
  return { [name]: value, [`${name}Type`]: 'str' };
}

export function typed(name: string, type: string, value = ''): Record<string, string> {
  return { [name]: value, [`${name}Type`]: type };
}

/**
 * Every log entry the runtime writes from the next test on (also during unload, after the helper's spy is
 * gone). Call at the top of a test file, after useNodeRed().
 */
export function recordLog() {
  const entries: Array<Record<string, unknown>> = [];
  const handler = new EventEmitter();
  handler.on('log', (entry: Record<string, unknown>) => entries.push(entry));
  logHandlers.push(handler);
  return {
    entries,
    text: () => JSON.stringify(entries, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)),
    stop: () => {
      logHandlers.splice(logHandlers.indexOf(handler), 1);
      utilLog.removeHandler(handler);
    },
  };
}

/** Waits until `check` returns true (polling), or fails with `what` after `ms`. */
export async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const started = Date.now(); !check(); ) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The status key a status shows (`memberspot.status.done` from "memberspot.status.done: …"). */
export function statusKey(status: Record<string, unknown> | undefined): string {
  return String(status?.text ?? '').split(/[ :]/)[0];
}
