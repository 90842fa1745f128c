import { HttpError, notFound } from '../http';
import { accessRoutes } from './access';
import { catalogueRoutes } from './catalogue';
import { progressRoutes } from './progress';
import type { Route } from './route';
import { userRoutes } from './users';

export type { Route, RouteContext, Schema } from './route';

interface CompiledRoute {
  route: Route;
  segments: string[];
}

/** Every route, in matching order (the first matching route wins). */
export const ALL_ROUTES: readonly Route[] = [...accessRoutes, ...userRoutes, ...progressRoutes, ...catalogueRoutes];

const ROUTES: CompiledRoute[] = ALL_ROUTES.map((route) => ({
  route,
  segments: route.path.split('/').slice(1),
}));

export type Routing =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  | { kind: 'error'; error: HttpError };

/**
 * Splits the raw path on `/` first and only then decodes each segment, so an encoded `/` (or `?`, `#`)
 * inside an email stays part of that one segment. Like NestJS, a wrong method is "Cannot GET ...".
 */
export function routeRequest(method: string, rawPath: string): Routing {
  const rawSegments = rawPath.split('/').slice(1);
  // Tolerate one trailing slash, as Express does.
  if (rawSegments.length > 1 && rawSegments[rawSegments.length - 1] === '') rawSegments.pop();
  let segments: string[];
  try {
    segments = rawSegments.map((segment) => decodeURIComponent(segment));
  } catch {
    return { kind: 'error', error: new HttpError(400, `Failed to decode param '${rawPath}'`) };
  }
  for (const { route, segments: pattern } of ROUTES) {
    const params = route.method === method ? matchSegments(pattern, segments) : undefined;
    if (params) return { kind: 'route', route, params };
  }
  return { kind: 'error', error: notFound(`Cannot ${method} ${rawPath}`) };
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index];
    if (part.startsWith(':') && segment !== '') params[part.slice(1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}
