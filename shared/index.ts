/**
 * The Memberspot core: a host-independent client for Memberspot's REST API, used by the n8n and
 * Node-RED nodes and usable on its own (an n8n Code node, a Node-RED function node, a script):
 *
 *   const { createClient } = require('@memberflow/n8n-nodes-memberspot');
 *   const memberspot = createClient({ apiKey: process.env.MEMBERSPOT_API_KEY });
 *   await memberspot.execute('grantAccess', { email: 'anna@example.com', accessId: 'off_basic' });
 */
export { createClient } from './client';
export type { MemberspotClient } from './client';
export { DEFAULT_BASE_URL, DEFAULT_PARALLEL_REQUESTS, DEFAULT_REQUESTS_PER_SECOND, DEFAULT_TIMEOUT_MS } from './options';
export type { ClientOptions, ExecuteOptions, ListAllOptions, RetryEvent, RetryOptions } from './options';
export { actions, actionList, isActionId } from './actions';
export type { ActionInput, ActionOutput, Actions, AnyAction } from './actions';
export {
  ApiError,
  AuthenticationError,
  ClientClosedError,
  MemberspotError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  RedirectError,
  redirectError,
  Redactor,
  TimeoutError,
  ValidationError,
} from './errors';
export type { FieldIssue, MemberspotErrorCode } from './errors';
export { accountId, limiterFor } from './limits/limiter';
export type { LimiterOptions } from './limits/limiter';
export { TransportError, parseBody } from './http/transport';
export { tellWhenSent } from './http/httpSent';
export type { Transport, TransportRequest, TransportResponse } from './http/transport';
export { UndiciTransport } from './http/undiciTransport';
export type { UndiciTransportOptions } from './http/undiciTransport';
export type * from './types';
export { buildInput, describeError, pickerOptions, resourceLabels } from './http/hosts';
export type { PickerOption } from './http/hosts';
export { AUTH_TEST_EVENT, eventName, handleWebhook, hasSecret, isBlankSecret, parseEventFilter, SECRET_HEADER, SECRET_QUERY_PARAMETER } from './webhook';
export type { WebhookDecision, WebhookOptions, WebhookRequest } from './webhook';
export { runInOrder } from './http/pool';
export { pagedItems, runAction } from './paging';
export type { RunOptions } from './paging';
export { EMAIL_KEYS, isEmptyAnswer, readUser, readUsers, sameEmail, UID_KEYS, userFields } from './users';
export type { FoundUser } from './users';

/**
 * memberspot-migrate as a function: a Make scenario blueprint (the file's text or the parsed object) → the n8n
 * workflow, the Node-RED flow and the report. Loaded on first use, so that the hosts' nodes do not load the
 * converter. Throws BlueprintError (with the position or the module) for what cannot be converted at all.
 */
export function migrate(blueprint: string | object): import('../migrate').Conversion {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../migrate') as typeof import('../migrate')).migrate(blueprint);
}
/** A converted Node-RED flow as the body of Node-RED's admin API `POST /flow` (`{ label, info, nodes, configs }`). */
export function nodeRedFlowApi(nodes: import('../migrate').NodeRedNode[]): ReturnType<typeof import('../migrate').nodeRedFlowApi> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../migrate') as typeof import('../migrate')).nodeRedFlowApi(nodes);
}
export type { Conversion, ModuleReport, N8nWorkflow, NodeRedNode, Report, Status as MigrationStatus } from '../migrate';
export { readUsersPage, CURSOR_KEYS } from './users';
export type { UsersPage } from './users';
export {
  EVENT_LABELS,
  HASH_BYTES,
  MASS_CHANGE_MIN,
  MASS_CHANGE_SHARE,
  MassChangeError,
  poll,
  POLL_EVENTS,
  POLL_PAGE_LENGTH,
  pollSettings,
  sampleEvent,
  stateBytes,
} from './poll';
export type { PollEvent, PollEventName, PollResult, PollSettings, PollState } from './poll';
