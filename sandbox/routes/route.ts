import type { SandboxState } from '../state';
import type { Variants } from '../variants';

export interface RouteContext {
  state: SandboxState;
  /** Decoded path parameters. */
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  loginTokenTtlMs: number;
  variants: Variants;
}

/** A JSON schema, as much of it as the sandbox's OpenAPI document needs. */
export interface Schema {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  format?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
}

/** What the OpenAPI document says about a route's input; path parameters come from the path. */
export interface RouteDoc {
  body?: Schema;
  query?: Record<string, Schema>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Segments starting with `:` are parameters, e.g. `/v1/users/find-by-mail/:email`. */
  path: string;
  /** One of the endpoints Memberspot limits to 4 requests per second (the `limited` rate limit scope). */
  rateLimited?: boolean;
  /** The input, for the OpenAPI document at /api-json. */
  doc?: RouteDoc;
  /** Returns the body of the answer, or throws an HttpError. */
  handle(context: RouteContext): unknown;
}
