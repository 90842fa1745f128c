/**
 * The ONE file of decisions about how a Make blueprint names Memberspot's modules and fields.
 *
 * The Memberspot app's module ids in Make, its mapper keys and its connection type are public nowhere, so
 * everything here is a project decision that one real export can settle (the report asks users to send
 * one). The actions themselves (their resource/operation, field names and labels) come from the action
 * registry in shared/actions, never from here.
 */
import { definitions } from '../shared/actions/registry';
import type { ActionDefinition } from '../shared/types';
import type { Module } from './blueprint';

type AnyAction = ActionDefinition<unknown, unknown, string>;

/** Lower case, letters and digits only: `grant-access`, `Grant_Access` and `GrantAccess` read the same. */
export function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * The app part of `app:Module`. Decision: `memberspot`, `memberspot-<suffix>` (Make's custom-app naming,
 * e.g. `memberspot-a1b2c3`) and `app#memberspot<anything>` (Make's private-app form), in any case.
 */
export function isMemberspotApp(app: string): boolean {
  const a = app.toLowerCase();
  return a === 'memberspot' || a.startsWith('memberspot-') || a.startsWith('app#memberspot');
}

/**
 * The module part → our action. Decision: each action's Make module name (`makeModule` in the registry,
 * e.g. "Grant Access") in any case and separator; the API call also under the names other Make apps give
 * their universal module.
 */
const MODULE_ALIASES: Record<string, string> = (() => {
  const map: Record<string, string> = {};
  for (const d of Object.values(definitions) as AnyAction[]) if (d.makeModule) map[squash(d.makeModule)] = d.id;
  // Other apps' names for "Make an API Call".
  for (const alias of ['makeApiCall', 'makeAnApiCall', 'UniversalAPICall', 'apiCall']) map[squash(alias)] = 'apiCall';
  // Make's own module names often drop the plural or the "Values": accept those forms of the two long names.
  map[squash('setCustomPropertyValues')] = 'setCustomProperties';
  map[squash('setUserCustomPropertyValues')] = 'setCustomProperties';
  map[squash('deleteUser')] = 'deleteUsers';
  return map;
})();

export function actionById(id: string): AnyAction {
  const d = (definitions as Record<string, AnyAction>)[id];
  if (!d) throw new Error(`no action ${id}`);
  return d;
}

/** The eight actions that Make's Memberspot app has. */
export const MAKE_ACTIONS: AnyAction[] = (Object.values(definitions) as AnyAction[]).filter((d) => d.makeModule);

/**
 * Mapper keys per field of our actions. Decision: the names the Make app, Memberspot's API and the
 * shops use for the same thing (the API's own `grantOffer`, `firstname` and `name` included).
 */
export const MAPPER_KEYS: Record<string, string[]> = {
  email: ['email', 'mail'],
  accessId: ['accessId', 'offerId', 'offer', 'grantOffer', 'zugangsId', 'access_id', 'offer_id'],
  firstName: ['firstName', 'firstname', 'first_name'],
  lastName: ['lastName', 'lastname', 'last_name', 'name'],
  orderId: ['orderId', 'order_id'],
  active: ['active'],
  emails: ['emails'],
  properties: ['properties'],
  // Make an API Call: Make's universal module keys; `url` is our `path`, `qs` our `query`.
  path: ['url', 'path'],
  method: ['method'],
  headers: ['headers'],
  query: ['qs', 'query'],
  body: ['body'],
};

/** How a module was recognised as Memberspot's, and how sure that is. */
export interface Recognition {
  action: AnyAction;
  /** 'module' is sure (app and module name matched); the other two are marked review. */
  by: 'module' | 'connection' | 'labels';
  note?: string;
}

/** Whether a module is a Memberspot module, and which action. Null when it is not Memberspot's. */
export function recognise(m: Module): Recognition | { action: null; note: string } | null {
  const memberspotApp = isMemberspotApp(m.app);
  const memberspotConnection = m.connectionTypes.some((t) => t.toLowerCase().includes('memberspot'));
  if (memberspotApp) {
    const id = MODULE_ALIASES[squash(m.name)];
    if (id) return { action: actionById(id), by: 'module' };
  }
  // Decision: an unknown module whose connection is Memberspot's, or whose expected fields carry the Make
  // app's labels, is converted by those labels (review), when the labels fit exactly one action.
  const byLabels = actionByLabels(m);
  if (byLabels && (memberspotApp || memberspotConnection || byLabels.exact)) {
    return {
      action: byLabels.action,
      by: memberspotApp || memberspotConnection ? 'connection' : 'labels',
      note: `the module name "${m.name}" is not one we know; converted by its field labels (${byLabels.labels.join(', ')}) to ${byLabels.action.label}: please check, and send us a real export so that we can recognise it`,
    };
  }
  if (memberspotApp || memberspotConnection) {
    return { action: null, note: `a Memberspot module "${m.module}" that we do not recognise; please send us the blueprint so that we can add it` };
  }
  return null;
}

/** The field of an action that a `metadata.expect` label names (the registry's labels: Email, Access ID, ...). */
function fieldByLabel(action: AnyAction, label: string): string | undefined {
  return action.fields.find((f) => squash(f.label) === squash(label))?.name;
}

function actionByLabels(m: Module): { action: AnyAction; labels: string[]; exact: boolean } | null {
  const labels = m.expect.map((e) => e.label ?? e.name).filter((l) => l !== '');
  if (labels.length === 0) return null;
  const candidates = MAKE_ACTIONS.filter((a) => {
    const named = labels.map((l) => fieldByLabel(a, l));
    if (named.some((n) => n === undefined)) return false;
    return a.fields.filter((f) => f.required).every((f) => named.includes(f.name));
  });
  // The action whose fields are all named wins over one that leaves some out (Grant over Delete Access).
  const exact = candidates.filter((a) => a.fields.length === labels.length);
  if (exact.length === 1) return { action: exact[0], labels, exact: true };
  if (candidates.length === 1) return { action: candidates[0], labels, exact: false };
  return null;
}

/**
 * The mapper value for one of our action's fields: by its known keys, then by the `metadata.expect`
 * entry whose label is the field's label. Returns the key it was found under.
 */
export function mapperValue(m: Module, action: AnyAction, field: string): { key: string; value: unknown } | undefined {
  for (const key of MAPPER_KEYS[field] ?? [field]) {
    if (key in m.mapper && m.mapper[key] !== undefined && m.mapper[key] !== null && m.mapper[key] !== '') return { key, value: m.mapper[key] };
  }
  for (const e of m.expect) {
    if (e.label && fieldByLabel(action, e.label) === field && e.name in m.mapper) return { key: e.name, value: m.mapper[e.name] };
  }
  return undefined;
}

/** Shops whose trigger modules become our verified Shop Webhook trigger (the `shop` value of our nodes). */
export const SHOPS: Record<string, string> = {
  digistore24: 'digistore24',
  copecart: 'copecart',
  thrivecart: 'thrivecart',
  stripe: 'stripe',
  elopage: 'elopage',
  paddle: 'paddle',
};

/**
 * A shop's trigger module. Decision: the app part is one of the shops (any case) and the module name says
 * watch / IPN / webhook / trigger / notification / event.
 */
export function shopTrigger(m: Module): string | null {
  const shop = SHOPS[m.app.toLowerCase()];
  if (!shop) return null;
  return /watch|ipn|webhook|hook|trigger|notification|event|new/i.test(m.name) ? shop : null;
}

/**
 * Make's own modules whose mapper keys are not documented anywhere (they show in shared exports only).
 * Decision: the keys seen in such exports, with the spellings of the older and newer module versions; a
 * key not listed leaves the module for review.
 *
 * - HTTP `http:ActionSendData` (v3) / `http:MakeRequest` (v4): url, method, headers `[{ name|key, value }]`,
 *   query `qs` / `queryParameters` / `queryString` `[{ name|key, value }]`, body `data` / `body` /
 *   `jsonStringBodyContent`, its type `contentType` / `bodyType`, `parseResponse`.
 * - Variables `util:SetVariable2` / `util:SetVariable` (`name`, `value`), `util:SetVariables`
 *   (`variables: [{ name, value }]`), `util:GetVariable2` / `util:GetVariable` (`name`), `util:GetVariables`
 *   (`variables: [{ name }]`).
 * - Iterator `builtin:BasicFeeder` (`array`); aggregators `builtin:BasicAggregator` (the mapper's fields per
 *   bundle, output `array`) and `util:TextAggregator` (`value`, `parameters.rowSeparator`: `\n`, `tab`, or
 *   `other` with `parameters.delimiter`; output `text`), both pointing at their iterator with
 *   `parameters.feeder`.
 */
export const HTTP_KEYS = {
  url: ['url'],
  method: ['method'],
  headers: ['headers'],
  query: ['qs', 'queryParameters', 'queryString', 'query'],
  body: ['data', 'body', 'jsonStringBodyContent', 'requestContent'],
  contentType: ['contentType', 'bodyType'],
  parseResponse: ['parseResponse'],
} as const;

export const HTTP_MODULES = new Set(['http:actionsenddata', 'http:makerequest', 'http:actionsenddata2', 'http:actionsenddatabasicauth']);
export const SET_VARIABLE = new Set(['util:setvariable2', 'util:setvariable', 'util:setvariables']);
export const GET_VARIABLE = new Set(['util:getvariable2', 'util:getvariable', 'util:getvariables']);
export const ITERATOR = new Set(['builtin:basicfeeder']);
export const AGGREGATOR = new Set(['builtin:basicaggregator', 'util:textaggregator']);

/** The first of `keys` that the mapper holds. */
export function firstKey(mapper: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const k of keys) if (mapper[k] !== undefined && mapper[k] !== null) return mapper[k];
  return undefined;
}

/** Make's TextAggregator row separators (`parameters.rowSeparator`, `parameters.delimiter` for other). */
export function textSeparator(parameters: Record<string, unknown>): string {
  const sep = parameters.rowSeparator;
  if (sep === undefined || sep === null || sep === '' || sep === '\n' || sep === 'newline') return '\n';
  if (sep === 'tab' || sep === '\t') return '\t';
  if (sep === 'other') return String(parameters.delimiter ?? '');
  return String(sep);
}
