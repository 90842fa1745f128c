/** What the Node-RED nodes of this package share (types, names, the error handed to done()). */
import type { MemberspotClient, PickerOption } from '../shared';
import type { RedNode } from './types';

export interface ConfigDef {
  id: string;
  name?: string;
  baseUrl?: string;
  requestsPerSecond?: number | string;
  /** Seconds to wait for each answer. */
  timeout?: number | string;
  /** "Parallel requests": calls in flight at once (default 8; 1 = one at a time, in order). */
  parallelRequests?: number | string;
}

/** A node that uses an account: it registers while deployed and hears the account's warnings. */
export interface AccountUser extends RedNode {
  /** The account's current warning (Redis unreachable), or undefined when there is none (any more). */
  accountWarning?(text: string | undefined): void;
}

export interface MemberspotConfigNode extends RedNode {
  baseUrl: string;
  requestsPerSecond: number;
  /** The shared client; throws a clear error when the API key is missing or a setting is invalid. */
  client(): MemberspotClient;
  /** The editor's picker list, cancelled when the account closes and after the account's timeout. */
  pickerOptions(picker: 'offers' | 'customProperties', filter?: string): Promise<PickerOption[]>;
  register(user: AccountUser): void;
  /** Resolves once the client is closed, when this was the last user. */
  deregister(user: AccountUser): Promise<void>;
  users: Set<AccountUser>;
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

