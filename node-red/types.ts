/**
 * The small part of Node-RED's runtime API these nodes use. Node-RED ships no types of its own, and
 * @types/node-red is not a dependency of this package, so the shapes are declared here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Msg = Record<string, unknown> & { payload?: unknown; _msgid?: string };
export type Send = (msg: Msg | Array<Msg | null>) => void;
export type Done = (err?: Error) => void;

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export interface RedNode {
  id: string;
  type: string;
  name?: string;
  credentials?: Record<string, string | undefined>;
  on(event: 'input', handler: (msg: Msg, send: Send, done: Done) => void): void;
  on(event: 'close', handler: (removed: boolean, done: () => void) => void): void;
  status(status: NodeStatus | Record<string, never>): void;
  send(msg: Msg): void;
  log(text: string): void;
  warn(text: unknown): void;
  error(text: unknown, msg?: Msg): void;
}

export interface Request extends IncomingMessage {
  body?: unknown;
  query?: Record<string, unknown>;
  params: Record<string, string>;
}

export interface Response extends ServerResponse {
  status(code: number): Response;
  json(body: unknown): Response;
  send(body?: unknown): Response;
  set(name: string, value: string): Response;
}

export type Handler = (req: Request, res: Response, next: (err?: unknown) => void) => void;

export interface ExpressApp {
  get(path: string, ...handlers: Handler[]): void;
  post(path: string, ...handlers: Handler[]): void;
  _router?: { stack: RouterLayer[] };
  router?: { stack: RouterLayer[] };
}

export interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

export interface RED {
  nodes: {
    createNode(node: RedNode, config: object): void;
    registerType(type: string, constructor: (this: RedNode, config: never) => void, options?: object): void;
    getNode(id: string): RedNode | null;
  };
  util: {
    evaluateNodeProperty(
      value: string,
      type: string,
      node: RedNode,
      msg: Msg,
      callback: (err: Error | null, result?: unknown) => void,
    ): unknown;
    /** The parts of a property path (`payload.buyer.email` -> ['payload', 'buyer', 'email']). */
    normalisePropertyExpression?(path: string): Array<string | number>;
  };
  /** The runtime's events (`flows:started` after each deploy). */
  events?: { once(event: string, listener: () => void): void; removeListener(event: string, listener: () => void): void };
  httpAdmin: ExpressApp;
  httpNode: ExpressApp;
  auth: { needsPermission(permission: string): Handler };
  _(key: string, substitutions?: Record<string, unknown>): string;
  settings: Record<string, unknown>;
}
