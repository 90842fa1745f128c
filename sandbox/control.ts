import type { IncomingHttpHeaders } from 'node:http';
import { networkInterfaces } from 'node:os';
import { errorReply, HttpError, notFound, parseJson, type Reply } from './http';
import type { Variants } from './variants';
import type { FaultOptions, RateLimitOptions, Sandbox, ScriptedFault, SeedOption } from './types';
import { isRecord } from './validate';
import type { SandboxState } from './state';
import type { User } from './types';

/**
 * Control endpoints for tests running in another process. They need no API key, are never rate-limited
 * or faulted and stay out of the request log. Bodies are read as JSON whatever the content type (curl -d).
 */
export const CONTROL_PREFIX = '/__sandbox/';

type ControlHandler = (sandbox: Sandbox, body: unknown) => unknown;

// The settings methods validate their argument and throw a TypeError, answered as a 400.
const CONTROL_ROUTES = new Map<string, ControlHandler>([
  ['GET /__sandbox/state', (sandbox) => sandbox.state],
  ['GET /__sandbox/requests', (sandbox) => sandbox.requests],
  ['POST /__sandbox/reset', (sandbox, body) => sandbox.reset(isRecord(body) ? (body.seed as SeedOption) : undefined)],
  ['POST /__sandbox/faults', (sandbox, body) => sandbox.setFaults((body ?? null) as FaultOptions | null)],
  ['POST /__sandbox/rate-limit', (sandbox, body) => sandbox.setRateLimit(body as RateLimitOptions | false)],
  ['POST /__sandbox/script', (sandbox, body) => sandbox.script(...scriptOf(body))],
  ['POST /__sandbox/clear-log', (sandbox) => sandbox.clearLog()],
  ['GET /__sandbox/variants', (sandbox) => sandbox.variants],
  ['POST /__sandbox/variants', (sandbox, body) => sandbox.setVariants(body as Partial<Variants>)],
  // Members changing while a test runs (the poll triggers' tests): add, grant, revoke, change the email, delete.
  ['POST /__sandbox/users', (sandbox, body) => addUser(sandbox.state, body)],
  ['POST /__sandbox/grant', (sandbox, body) => setGrant(sandbox.state, body, true)],
  ['POST /__sandbox/revoke', (sandbox, body) => setGrant(sandbox.state, body, false)],
  ['POST /__sandbox/change-email', (sandbox, body) => changeEmail(sandbox.state, body)],
  ['POST /__sandbox/delete-user', (sandbox, body) => ({ deleted: sandbox.state.deleteUsers([memberOf(sandbox.state, body)]) })],
]);

function field(body: unknown, name: string, required = true): string | undefined {
  const value = isRecord(body) ? body[name] : undefined;
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`${name} must be a non-empty string`);
  return value.trim();
}

function memberOf(state: SandboxState, body: unknown): User {
  const email = field(body, 'email') as string;
  const user = state.userByEmail(email);
  if (!user) throw new TypeError(`no user has the email ${email}`);
  return user;
}

function offerOf(state: SandboxState, body: unknown): string {
  const offerId = field(body, 'offerId') as string;
  if (!state.offer(offerId)) throw new TypeError(`offer ${offerId} does not exist`);
  return offerId;
}

/** `{ email, firstname?, name?, offerIds? }`: a new user, holding the given offers actively. */
function addUser(state: SandboxState, body: unknown): User {
  const email = field(body, 'email') as string;
  if (state.userByEmail(email)) throw new TypeError(`a user with the email ${email} exists already`);
  const offerIds = isRecord(body) && body.offerIds !== undefined ? body.offerIds : [];
  if (!Array.isArray(offerIds) || !offerIds.every((id) => typeof id === 'string')) throw new TypeError('offerIds must be an array of offer ids');
  for (const offerId of offerIds) offerOf(state, { offerId });
  const user = state.addUser({ email, firstname: field(body, 'firstname', false) ?? '', name: field(body, 'name', false) ?? '' });
  for (const offerId of offerIds as string[]) setGrant(state, { email, offerId }, true);
  return user;
}

/** `{ email, offerId }`: grants the offer (actively) or revokes it (inactive; the grant stays, as Revoke Access does). */
function setGrant(state: SandboxState, body: unknown, active: boolean): User {
  const user = memberOf(state, body);
  const offerId = offerOf(state, body);
  let grant = user.offers.find((candidate) => candidate.offerId === offerId);
  if (!grant && !active) throw new TypeError(`${user.email} has no grant of ${offerId} to revoke`);
  if (!grant) {
    grant = { offerId, active: true, grantedAt: new Date().toISOString() };
    user.offers.push(grant);
  }
  grant.active = active;
  return user;
}

/** `{ email, newEmail }`: the same user (uid) with another email. */
function changeEmail(state: SandboxState, body: unknown): User {
  const user = memberOf(state, body);
  state.changeEmail(user, field(body, 'newEmail') as string);
  return user;
}

export function isControlPath(path: string): boolean {
  return path.startsWith(CONTROL_PREFIX);
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const ANY_ADDRESS = new Set(['0.0.0.0', '::', '']);

/** The `host:port` values naming this sandbox: loopback, the address it listens on (every interface for 0.0.0.0 / ::). */
export function ownHosts(listenHost: string, port: number): Set<string> {
  const names = [...LOOPBACK_NAMES, bracket(listenHost)];
  if (ANY_ADDRESS.has(listenHost)) {
    for (const addresses of Object.values(networkInterfaces())) {
      for (const { address } of addresses ?? []) names.push(bracket(address));
    }
  }
  return new Set(names.map((name) => `${name.toLowerCase()}:${port}`));
}

function bracket(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Control endpoints change the sandbox's state without a key, so a web page must not reach them: a request
 * whose Host (DNS rebinding) or Origin (a cross-site form or fetch) is not the sandbox's own gets a 403.
 * Requests without Origin (curl, Node.js, tests) pass.
 */
export function refuseForeign(headers: IncomingHttpHeaders, own: Set<string>): Reply | undefined {
  const host = headers.host?.toLowerCase();
  if (host !== undefined && !own.has(host)) {
    return errorReply(new HttpError(403, 'Control endpoints answer only requests whose Host is the sandbox itself'));
  }
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  let originHost: string | undefined;
  try {
    const url = new URL(origin);
    originHost = url.protocol === 'http:' ? url.host.toLowerCase() : undefined;
  } catch {
    originHost = undefined;
  }
  if (originHost !== undefined && own.has(originHost)) return undefined;
  return errorReply(new HttpError(403, 'Control endpoints refuse requests from another Origin (a web page cannot change the sandbox)'));
}

export function handleControl(sandbox: Sandbox, method: string, path: string, bodyText: string): Reply {
  const handler = CONTROL_ROUTES.get(`${method} ${path}`);
  if (!handler) return errorReply(notFound(`Cannot ${method} ${path}`));
  const body = parseJson(bodyText);
  if (!body.ok) return errorReply(body.error);
  try {
    return { status: 200, body: handler(sandbox, body.value) ?? { ok: true } };
  } catch (error) {
    if (error instanceof TypeError) return errorReply(new HttpError(400, error.message));
    throw error;
  }
}

function scriptOf(body: unknown): ScriptedFault[] {
  if (!Array.isArray(body)) throw new TypeError('the script must be an array of faults');
  return body as ScriptedFault[];
}
