/**
 * Reading a Make scenario blueprint ("Export Blueprint") into a typed model: the scenario's name and its
 * modules with their routes, filters and error handlers. Accepts the three wrappers Make produces (the
 * export itself, the API's `{ response: { blueprint } }` and the template `{ blueprint, controller }`) and
 * hand-scrubbed files that are not strict JSON. Every refusal says where: the JSON position or the module.
 */
import { JsonReadError, readJsonTolerant } from './json';

/** A blueprint that cannot be converted at all (exit code 2), with where it went wrong. */
export class BlueprintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlueprintError';
  }
}

export interface Condition {
  /** The left side (IML). */
  a: string;
  /** The operator, as in the blueprint (`text:equal`, `exist`, ...). */
  o: string;
  /** The right side (IML); absent for `exist` / `notexist`. */
  b?: string;
}

export interface Filter {
  name: string;
  /** OR of AND groups: the filter passes when every condition of at least one group passes. */
  conditions: Condition[][];
}

export interface Expectation {
  name: string;
  type?: string;
  label?: string;
  required?: boolean;
}

export interface Route {
  flow: Module[];
  /** The fallback route (`parameters.else`): runs when no other route matched. */
  fallback: boolean;
}

export interface Module {
  id: number;
  /** `app:ModuleName`, as in the blueprint. */
  module: string;
  /** The part before the colon (`gateway`, `builtin`, `memberspot`, ...). */
  app: string;
  /** The part after the colon (`CustomWebHook`, `BasicRouter`, ...). */
  name: string;
  version?: number;
  parameters: Record<string, unknown>;
  mapper: Record<string, unknown>;
  /** The user's own label (`metadata.designer.name`). */
  label?: string;
  x?: number;
  y?: number;
  expect: Expectation[];
  /** The connection types named in `metadata.parameters` (e.g. `account:stripe`). */
  connectionTypes: string[];
  /** The hook's name for `gateway:CustomWebHook` (`metadata.restore.parameters.hook.label`). */
  hookLabel?: string;
  filter?: Filter;
  /** Error handler modules, the directive (builtin:Ignore, ...) last. */
  onerror?: Module[];
  routes?: Route[];
}

export interface Blueprint {
  name: string;
  flow: Module[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a blueprint file's text; throws BlueprintError with the position or the module that is wrong. */
export function parseBlueprint(text: string): Blueprint {
  let json: unknown;
  try {
    json = readJsonTolerant(text);
  } catch (error) {
    if (error instanceof JsonReadError) throw new BlueprintError(`The file is not JSON: ${error.message}.`);
    throw error;
  }
  return readBlueprint(json);
}

/** Reads an already parsed blueprint in any of the three wrappers. */
export function readBlueprint(json: unknown): Blueprint {
  if (!isObj(json)) throw new BlueprintError('The file is JSON but not a Make blueprint: expected an object with "flow".');
  let root: Obj = json;
  let name: unknown = json.name;
  if (isObj(json.response) && isObj(json.response.blueprint)) {
    root = json.response.blueprint; // API wrapper
    name = root.name;
  } else if (isObj(json.blueprint)) {
    root = json.blueprint; // template wrapper
    name = isObj(json.controller) ? json.controller.name : root.name;
  }
  if (!Array.isArray(root.flow)) {
    throw new BlueprintError('The file is JSON but not a Make blueprint: it has no "flow" list of modules (nor "response.blueprint.flow" or "blueprint.flow").');
  }
  if (root.flow.length === 0) throw new BlueprintError('The blueprint\'s "flow" is empty: there is nothing to convert.');
  const seen = new Set<number>();
  const flow = readFlow(root.flow, 'flow', seen);
  return { name: typeof name === 'string' && name.trim() !== '' ? name.trim() : 'Make scenario', flow };
}

function readFlow(items: unknown[], where: string, seen: Set<number>): Module[] {
  return items.map((item, index) => readModule(item, `${where}[${index}]`, seen));
}

function readModule(item: unknown, where: string, seen: Set<number>): Module {
  if (!isObj(item)) throw new BlueprintError(`${where} is not a module (expected an object).`);
  const id = item.id;
  if (typeof id !== 'number' || !Number.isInteger(id)) throw new BlueprintError(`${where} has no numeric "id".`);
  const at = `module ${id} (${where})`;
  if (seen.has(id)) throw new BlueprintError(`${at}: the id ${id} is used by two modules.`);
  seen.add(id);
  if (typeof item.module !== 'string' || item.module.trim() === '') throw new BlueprintError(`${at} has no "module" (expected "app:ModuleName").`);
  const colon = item.module.indexOf(':');
  const app = colon >= 0 ? item.module.slice(0, colon) : '';
  const name = colon >= 0 ? item.module.slice(colon + 1) : item.module;
  const metadata = isObj(item.metadata) ? item.metadata : {};
  const designer = isObj(metadata.designer) ? metadata.designer : {};
  const restore = isObj(metadata.restore) ? metadata.restore : {};
  const restoreParams = isObj(restore.parameters) ? restore.parameters : {};
  const hook = isObj(restoreParams.hook) ? restoreParams.hook : {};
  const expect: Expectation[] = Array.isArray(metadata.expect)
    ? metadata.expect.filter(isObj).map((e) => ({
        name: String(e.name ?? ''),
        type: typeof e.type === 'string' ? e.type : undefined,
        label: typeof e.label === 'string' ? e.label : undefined,
        required: typeof e.required === 'boolean' ? e.required : undefined,
      }))
    : [];
  const connectionTypes = Array.isArray(metadata.parameters)
    ? metadata.parameters.filter(isObj).map((p) => p.type).filter((t): t is string => typeof t === 'string')
    : [];
  const module: Module = {
    id,
    module: item.module,
    app,
    name,
    version: typeof item.version === 'number' ? item.version : undefined,
    parameters: isObj(item.parameters) ? item.parameters : {},
    mapper: isObj(item.mapper) ? item.mapper : {},
    label: typeof designer.name === 'string' && designer.name.trim() !== '' ? designer.name : undefined,
    x: typeof designer.x === 'number' ? designer.x : undefined,
    y: typeof designer.y === 'number' ? designer.y : undefined,
    expect,
    connectionTypes,
    hookLabel: typeof hook.label === 'string' ? hook.label : undefined,
  };
  if (item.filter !== undefined && item.filter !== null) module.filter = readFilter(item.filter, at);
  if (item.onerror !== undefined && item.onerror !== null) {
    if (!Array.isArray(item.onerror)) throw new BlueprintError(`${at}: "onerror" is not a list of modules.`);
    module.onerror = readFlow(item.onerror, `${where}.onerror`, seen);
  }
  if (item.routes !== undefined && item.routes !== null) {
    if (!Array.isArray(item.routes)) throw new BlueprintError(`${at}: "routes" is not a list.`);
    module.routes = item.routes.map((route, r) => {
      if (!isObj(route) || !Array.isArray(route.flow)) throw new BlueprintError(`${at}: route ${r + 1} has no "flow" list.`);
      const params = isObj(route.parameters) ? route.parameters : {};
      const fallback = params.else === true || route.else === true;
      return { flow: readFlow(route.flow, `${where}.routes[${r}].flow`, seen), fallback };
    });
  }
  return module;
}

function readFilter(filter: unknown, at: string): Filter {
  if (!isObj(filter)) throw new BlueprintError(`${at}: its "filter" is not an object.`);
  const raw = filter.conditions ?? [];
  if (!Array.isArray(raw)) throw new BlueprintError(`${at}: its filter's "conditions" is not a list.`);
  const conditions = raw.map((group, g) => {
    // A flat list of conditions (one AND group) is accepted too.
    const list = Array.isArray(group) ? group : [group];
    return list.map((c, k) => {
      if (!isObj(c) || typeof c.o !== 'string') {
        throw new BlueprintError(`${at}: filter condition ${g + 1}.${k + 1} has no operator "o".`);
      }
      return { a: toText(c.a), o: c.o, ...(c.b === undefined ? {} : { b: toText(c.b) }) };
    });
  });
  return { name: typeof filter.name === 'string' ? filter.name : '', conditions };
}

function toText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Every module of the scenario, depth first (routes and error handlers included). */
export function allModules(flow: Module[]): Module[] {
  const out: Module[] = [];
  const walk = (list: Module[]): void => {
    for (const m of list) {
      out.push(m);
      if (m.routes) for (const r of m.routes) walk(r.flow);
      if (m.onerror) walk(m.onerror);
    }
  };
  walk(flow);
  return out;
}
