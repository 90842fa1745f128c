import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type QueryValue = string | number | boolean | Array<string | number | boolean>;

/** What an action asks the client to send; the client adds the base URL, the key and the JSON headers. */
export interface ApiRequest {
  method: HttpMethod;
  /** Path below the base URL, starting with `/`; path parameters already encoded as single segments. */
  path: string;
  query?: Record<string, QueryValue | undefined>;
  /** Extra headers (Make an API Call only). */
  headers?: Record<string, string>;
  /** A JSON value, sent as the request body. */
  body?: unknown;
}

import type { ActionId } from './actions';

/** The id of an action: the `id` of a file in shared/actions/ (the registry, shared/actions/index.ts). */
export type { ActionId };

/** Groups actions the way the n8n node shows them as resources. */
export type Resource =
  | 'access'
  | 'order'
  | 'user'
  | 'customProperty'
  | 'offer'
  | 'courseProgress'
  | 'chapter'
  | 'exam'
  | 'apiCall';

export type FieldType =
  | 'string'
  | 'email'
  | 'emailList'
  | 'boolean'
  | 'number'
  | 'dateTime'
  | 'options'
  | 'properties'
  | 'keyValue'
  | 'json';

/** A field of an action, as both hosts show it. */
export interface FieldDefinition {
  /** The input property name (and the default `msg` property in Node-RED). */
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
  description: string;
  /** Where a host can offer a list of choices from the account. */
  picker?: 'offers' | 'customProperties';
  default?: unknown;
  placeholder?: string;
  options?: Array<{ name: string; value: string }>;
  /** Optional fields a host may tuck away under "Additional Fields". */
  advanced?: boolean;
}

/** Where requests go; known to the client, given to actions that need it (Make an API Call). */
export interface RequestTarget {
  baseUrl: string;
}

export interface ActionContext {
  /** The HTTP status Memberspot answered. */
  status: number;
  headers: Record<string, string>;
}

/**
 * A list that comes page by page, with a cursor: hosts offer "all pages" (n8n's Return All / Limit, Node-RED's
 * All pages) and drive the cursor and page size themselves (shared/paging.ts).
 */
export interface PagingDefinition {
  /** The input field that takes the cursor of the previous page (hosts hide it when they page). */
  cursorField: string;
  /** The input field that takes the page size. */
  pageSizeField: string;
  /** The largest page size the endpoint accepts. */
  maxPageSize: number;
  /** The list in the normalised output, e.g. `users`. */
  items: string;
  /** The next page's cursor in the normalised output (null or absent on the last page). */
  nextCursor: string;
}

/** An action's texts in another language, keyed by action and field (English is the definition itself). */
export interface ActionTranslation {
  label: string;
  description: string;
  /** Per field name: its label and its help text. */
  fields: Record<string, { label: string; help: string }>;
}

export interface ActionDefinition<Input = unknown, Output = unknown, Id extends string = ActionId> {
  /** Unique; the same as the file name and the export name in shared/actions/. */
  id: Id;
  resource: Resource;
  /** Operation value, unique within the resource (n8n's `operation`). */
  operation: string;
  /** English label, e.g. "Grant Access". */
  label: string;
  /** The Make.com module this replaces, for people migrating from Make. */
  makeModule?: string;
  description: string;
  fields: FieldDefinition[];
  schema: z.ZodType<Input>;
  /** Builds the request; may throw a ValidationError for input that only the target can judge. */
  request(input: Input, target: RequestTarget): ApiRequest;
  normalize(body: unknown, input: Input, context: ActionContext): Output;
  /** Deletes data that cannot be restored. */
  destructive: boolean;
  /** Goes through the account's requests-per-second limit. */
  rateLimited: boolean;
  /** Repeating the request after a 5xx or a network error cannot do harm. */
  safeToRetry: boolean | ((input: Input) => boolean);
  /** The message for a 404 answer. */
  notFound?(input: Input): string;
  /** Where hosts list the action (ascending); actions without one come last, by id. */
  position?: number;
  /** Set for a list that comes page by page. */
  paging?: PagingDefinition;
  /** The German texts (every label and help, keyed by field name). */
  translations: { de: ActionTranslation };
}
