/** What the Node-RED nodes of this package share (types, names, the error handed to done()). */
import type { MemberspotClient } from '../shared';
import type { RedNode } from './types';

export interface ConfigDef {
  id: string;
  name?: string;
  baseUrl?: string;
  requestsPerSecond?: number | string;
  /** Seconds to wait for each answer. */
  timeout?: number | string;
}

export interface MemberspotConfigNode extends RedNode {
  baseUrl: string;
  requestsPerSecond: number;
  /** The shared client; throws a clear error when the API key is missing or the base URL is invalid. */
  client(): MemberspotClient;
  register(node: RedNode): void;
  deregister(node: RedNode): void;
  users: Set<RedNode>;
}

export const CONFIG_TYPE = 'memberspot-config';

/** Admin endpoints that read from the account, with the permission they require. */
export const PICKERS = { offers: 'offers', 'custom-properties': 'customProperties' } as const;
export const READ_PERMISSION = 'memberspot.read';

/** The error given to done(): Catch nodes get `message` (what went wrong and what to do) and `code`. */
export class MemberspotNodeError extends Error {
  override name = 'MemberspotError';
  code: string;
  hint: string;
  constructor(detail: { message: string; hint: string; code: string }) {
    super(detail.hint ? `${detail.message} ${detail.hint}` : detail.message);
    this.code = detail.code;
    this.hint = detail.hint;
  }
  override toString(): string {
    return this.message;
  }
}

