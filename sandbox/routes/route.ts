import type { SandboxState } from '../state';

export interface RouteContext {
  state: SandboxState;
  /** Decoded path parameters. */
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  loginTokenTtlMs: number;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Segments starting with `:` are parameters, e.g. `/v1/users/find-by-mail/:email`. */
  path: string;
  /** One of the endpoints Memberspot limits to 4 requests per second (the `limited` rate limit scope). */
  rateLimited?: boolean;
  /** Returns the body of the answer, or throws an HttpError. */
  handle(context: RouteContext): unknown;
}
