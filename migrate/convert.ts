/**
 * A blueprint → an n8n workflow and a Node-RED flow, and the report of what became of every Make module.
 *
 * The flow keeps Make's shape: modules in a chain, a router fanning out to every route (each behind its
 * own filter, a fallback route behind "no other route matched"), a filter on a module as a gate before it.
 * Memberspot modules become our nodes, the custom webhook and its response become the hosts' own webhook
 * nodes, shop triggers our verified Shop Webhook trigger, and anything else a disabled placeholder.
 */
import { createHash } from 'node:crypto';
import { allModules, type Blueprint, type Filter, type Module } from './blueprint';
import { ImlError, parseTemplate, referencedModules } from './iml/parser';
import { toN8n, toNodeRed, Untranslatable, type NodeRedValue, type Resolver } from './iml/translate';
import { jsonataFilter, n8nFilter } from './filters';
import {
  AGGREGATOR,
  firstKey,
  GET_VARIABLE,
  HTTP_KEYS,
  HTTP_MODULES,
  ITERATOR,
  mapperValue,
  recognise,
  SET_VARIABLE,
  shopTrigger,
  textSeparator,
  type Recognition,
} from './memberspot';
import type { PathStep } from './iml/parser';
import { definitions } from '../shared/actions/registry';

export const PACKAGE_NAME = '@memberflow/n8n-nodes-memberspot';
export const N8N_MEMBERSPOT = `${PACKAGE_NAME}.memberspot`;
export const N8N_SHOP_TRIGGER = `${PACKAGE_NAME}.memberspotShopTrigger`;
export const N8N_CREDENTIAL = { memberflowMemberspotApi: { id: 'memberspot-credential', name: 'Memberspot' } };
const NODE_RED_CONFIG_ID = 'memberspot0config';

export type Status = 'converted' | 'review' | 'manual';

export interface ModuleReport {
  id: number;
  module: string;
  label: string;
  status: Status;
  n8n: string | null;
  nodeRed: string | null;
  notes: string[];
}

export interface Report {
  name: string;
  modules: ModuleReport[];
  webhooks: { module: number; n8n: string; nodeRed: string }[];
  credentials: string[];
}

export interface N8nNode {
  id: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Record<string, unknown>;
  credentials?: Record<string, { id: string; name: string }>;
  webhookId?: string;
  disabled?: boolean;
  notes?: string;
  notesInFlow?: boolean;
  onError?: string;
  retryOnFail?: boolean;
  maxTries?: number;
  waitBetweenTries?: number;
}

export interface N8nWorkflow {
  /**
   * n8n's workflow id (16 letters and digits), from the scenario's name: `n8n import:workflow` of n8n 2.41 refuses a
   * workflow without one, and importing the same scenario again updates that workflow instead of adding one.
   */
  id: string;
  name: string;
  active: false;
  nodes: N8nNode[];
  connections: Record<string, { main: { node: string; type: 'main'; index: number }[][] }>;
  settings: Record<string, unknown>;
}

export type NodeRedNode = Record<string, unknown> & { id: string; type: string };

export interface Conversion {
  n8n: N8nWorkflow;
  nodeRed: NodeRedNode[];
  report: Report;
}

/** Where a module's output can be read in each host. */
interface Output {
  n8n: string;
  /** The same where the module's node is the direct input of the node being written (`$json`, `$json.body`). */
  n8nDirect?: string;
  nodeRed: string;
  /** n8n names a field of the output differently (Make's `data` of an HTTP module is n8n's `body`). */
  n8nRename?: Record<string, string>;
}

/** One place the next node hangs on: an n8n node's output and a Node-RED node's port. */
interface Tail {
  n8n: { node: string; output: number } | null;
  nodeRed: { id: string; port: number } | null;
}

/** A file-safe form of a scenario's name. */
export function fileSafeName(name: string): string {
  const safe = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return safe === '' ? 'make-scenario' : safe;
}

function slug(text: string): string {
  return fileSafeName(text).toLowerCase().replace(/[._]+/g, '-') || 'make-webhook';
}

class Converter {
  readonly n8nNodes: N8nNode[] = [];
  readonly connections: N8nWorkflow['connections'] = {};
  readonly red: NodeRedNode[] = [];
  readonly reports = new Map<number, ModuleReport>();
  readonly webhooks: Report['webhooks'] = [];
  readonly outputs = new Map<number, Output>();
  readonly tabId = 'make0flow0tab';
  private names = new Set<string>();
  private counter = 0;
  private hasRespond: boolean;
  private n8nWebhook: N8nNode | null = null;
  /** Node-RED nodes that can fail, for the catch that answers the shop 500. */
  private failing: string[] = [];
  /** Node-RED nodes whose error handler (Ignore, Resume, Commit) has its own catch. */
  private ownCatch = new Set<string>();
  /** n8n nodes that can fail and have no error handler of their own: their error output answers 500. */
  private n8nFailing: string[] = [];
  private n8nOwnHandler = new Set<string>();
  /** Per n8n node: the module whose output its items are (gates, placeholders and responses pass theirs on). */
  private sourceOf = new Map<string, number | undefined>();
  /** While a module's fields are written: the module whose output is the n8n node's direct input. */
  private direct: number | undefined;
  private redHttpIn = false;
  private usesMemberspot = false;
  /** A route's first module, whose filter is the route's condition (its gate is made by the router). */
  private routeFirst = new Set<number>();
  /** Iterators converted so far, for their aggregators. */
  private iterators = new Map<number, Module>();
  /** Modules that became placeholders: module id → `app:Module`. */
  private placeholders = new Map<number, string>();
  /** Variables set so far: where each one's value is in each host. */
  private variables = new Map<string, { n8n: string; nodeRed: string }>();

  /**
   * Per scenario (a hash of its name): the n8n webhook and node ids and the Node-RED node ids. Two converted
   * scenarios share none, so both go into one Node-RED (POST /flow refuses an id that exists) and one n8n.
   */
  readonly tag: string;

  constructor(readonly blueprint: Blueprint) {
    this.tag = createHash('sha256').update(blueprint.name).digest('hex').slice(0, 8);
    this.hasRespond = allModules(blueprint.flow).some((m) => m.module.toLowerCase() === 'gateway:webhookrespond');
  }

  private uuid(): string {
    const n = (++this.counter).toString(16).padStart(12, '0');
    return `${this.tag}-0000-4000-8000-${n}`;
  }

  private uniqueName(base: string): string {
    let name = base;
    for (let k = 2; this.names.has(name); k++) name = `${base} ${k}`;
    this.names.add(name);
    return name;
  }

  /** Sets a module's report; what was noted before (by its gate) stays, and the worse status wins. */
  private report(m: Module, status: Status, n8n: string | null, nodeRed: string | null, notes: string[] = []): ModuleReport {
    const before = this.reports.get(m.id);
    const rank: Record<Status, number> = { converted: 0, review: 1, manual: 2 };
    const worst = before && rank[before.status] > rank[status] ? before.status : status;
    const r: ModuleReport = { id: m.id, module: m.module, label: m.label ?? m.name, status: worst, n8n, nodeRed, notes: [...(before?.notes ?? []), ...notes] };
    this.reports.set(m.id, r);
    return r;
  }

  private review(m: Module, note: string): void {
    const r = this.reports.get(m.id);
    if (!r) return;
    if (r.status === 'converted') r.status = 'review';
    r.notes.push(note);
  }

  /** The module whose output all these tails carry, if they agree. */
  private common(tails: Tail[]): number | undefined {
    const sources = tails.map((t) => (t.n8n ? this.sourceOf.get(t.n8n.node) : undefined));
    return sources.length > 0 && sources.every((s) => s !== undefined && s === sources[0]) ? sources[0] : undefined;
  }

  private resolvers(direct = this.direct): { n8n: Resolver; nodeRed: Resolver } {
    const lookup = (id: number): Output => {
      const o = this.outputs.get(id);
      if (!o) throw new Untranslatable(`it refers to module ${id}, which comes later or does not exist`);
      return o;
    };
    const n8n: Resolver = (id) => {
      const o = lookup(id);
      return id === direct && o.n8nDirect ? o.n8nDirect : o.n8n;
    };
    n8n.rewrite = (id, path) => {
      const rename = this.outputs.get(id)?.n8nRename;
      const first = path[0];
      if (!rename || first?.kind !== 'key' || !(first.name in rename)) return path;
      return [{ kind: 'key', name: rename[first.name] } as PathStep, ...path.slice(1)];
    };
    return { n8n, nodeRed: (id) => lookup(id).nodeRed };
  }

  /** A mapping in both hosts; what cannot be translated is kept verbatim and marks the module for review. */
  private mapping(m: Module, field: string, value: unknown): { n8n: unknown; nodeRed: NodeRedValue } {
    if (typeof value === 'number' || typeof value === 'boolean') {
      return { n8n: value, nodeRed: { value: String(value), type: typeof value === 'number' ? 'str' : 'str' } };
    }
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    try {
      const template = parseTemplate(text);
      for (const id of referencedModules(template)) {
        const placeholder = this.placeholders.get(id);
        if (placeholder) this.review(m, `field "${field}" reads module ${id} (${placeholder}), a placeholder: it is empty until that step is rebuilt`);
      }
      const { n8n, nodeRed } = this.resolvers();
      return { n8n: toN8n(template, n8n), nodeRed: toNodeRed(template, nodeRed) };
    } catch (error) {
      if (error instanceof ImlError || error instanceof Untranslatable) {
        const why = error instanceof ImlError ? `cannot be read: ${error.message}` : `cannot be translated: ${error.message}`;
        this.review(m, `field "${field}" ${JSON.stringify(text)} ${why}; kept verbatim, set it by hand`);
        return { n8n: text, nodeRed: { value: text, type: 'str' } };
      }
      throw error;
    }
  }

  // ----------------------------------------------------------------------------------- wiring

  private n8nAdd(node: Omit<N8nNode, 'id' | 'name'> & { name: string }, from: Tail[]): N8nNode {
    const full: N8nNode = { id: this.uuid(), ...node, name: this.uniqueName(node.name) };
    this.n8nNodes.push(full);
    for (const t of from) if (t.n8n) this.n8nConnect(t.n8n.node, t.n8n.output, full.name);
    return full;
  }

  private n8nConnect(from: string, output: number, to: string): void {
    const main = (this.connections[from] ??= { main: [] }).main;
    while (main.length <= output) main.push([]);
    main[output].push({ node: to, type: 'main', index: 0 });
  }

  private redAdd(node: NodeRedNode, from: Tail[], outputs = 1): NodeRedNode {
    const full: NodeRedNode = { ...node, z: this.tabId, wires: Array.from({ length: outputs }, () => [] as string[]) };
    this.red.push(full);
    for (const t of from) if (t.nodeRed) this.redConnect(t.nodeRed.id, t.nodeRed.port, full.id);
    return full;
  }

  private redConnect(from: string, port: number, to: string): void {
    const node = this.red.find((n) => n.id === from);
    if (!node) return;
    const wires = node.wires as string[][];
    while (wires.length <= port) wires.push([]);
    if (!wires[port].includes(to)) wires[port].push(to);
  }

  private pos(m: Module, dx = 0): { n8n: [number, number]; x: number; y: number } {
    const x = (m.x ?? 0) + dx;
    const y = m.y ?? 0;
    return { n8n: [x, y], x: x + 150, y: y + 100 };
  }

  // ----------------------------------------------------------------------------------- flow

  run(): Conversion {
    let tails: Tail[] = [{ n8n: null, nodeRed: null }];
    tails = this.flow(this.blueprint.flow, tails);
    this.finish(tails);
    const modules = allModules(this.blueprint.flow).map((m) => this.reports.get(m.id)).filter((r): r is ModuleReport => r !== undefined);
    const credentials: string[] = [];
    if (this.usesMemberspot) {
      credentials.push('n8n: a "Memberflow Memberspot API" credential named "Memberspot" with your API key (the workflow refers to it by that name)');
      credentials.push('Node-RED: the API key in the "Memberspot" account node (memberspot-config) of the imported flow');
    }
    const report: Report = { name: this.blueprint.name, modules, webhooks: this.webhooks, credentials };
    const n8n: N8nWorkflow = { id: `make${createHash('sha256').update(this.blueprint.name).digest('hex').slice(0, 12)}`, name: this.blueprint.name, active: false, nodes: this.n8nNodes, connections: this.connections, settings: { executionOrder: 'v1' } };
    const tab: NodeRedNode = { id: this.tabId, type: 'tab', label: this.blueprint.name, disabled: false, info: 'Converted from a Make scenario by memberspot-migrate.' };
    const config: NodeRedNode = { id: NODE_RED_CONFIG_ID, type: 'memberspot-config', name: 'Memberspot', baseUrl: 'https://api.memberspot.de', requestsPerSecond: 4 };
    const nodeRed = suffixIds([tab, ...this.red, ...(this.usesMemberspot ? [config] : [])], this.tag.slice(0, 6));
    for (const m of modules) if (m.nodeRed && !m.nodeRed.startsWith('(')) m.nodeRed = `${m.nodeRed}-${this.tag.slice(0, 6)}`;
    return { n8n, nodeRed, report };
  }

  private flow(modules: Module[], tails: Tail[]): Tail[] {
    for (const m of modules) tails = this.module(m, tails);
    return tails;
  }

  /**
   * An answer to the shop in Node-RED: a guard that lets only a request through that has not been answered
   * yet (a step after the webhook response can fail, two routes can both end), then the status and body,
   * then an `http response`. Returns the guard's id, made once per kind.
   */
  private answer(kind: 'ok' | 'accepted' | 'error', y: number): string {
    const guard = `make0${kind}`;
    if (this.red.some((n) => n.id === guard)) return guard;
    const label = { ok: 'OK for the shop', accepted: 'nothing to do: Accepted', error: '500: the shop retries' }[kind];
    const rules =
      kind === 'error'
        ? [
            // A fixed body, as the shop examples answer: the error's message is for the log, not for the caller.
            { t: 'set', p: 'payload', pt: 'msg', to: 'Error', tot: 'str' },
            { t: 'set', p: 'statusCode', pt: 'msg', to: '500', tot: 'num' },
          ]
        : [
            { t: 'set', p: 'payload', pt: 'msg', to: kind === 'ok' ? 'OK' : 'Accepted', tot: 'str' },
            { t: 'set', p: 'statusCode', pt: 'msg', to: '200', tot: 'num' },
          ];
    this.redAdd(
      {
        id: guard,
        type: 'function',
        name: 'not answered yet?',
        func: '// Only a request that has not been answered yet: Node-RED would fail on a second answer.\nif (!msg.res || !msg.res._res || msg.res._res.headersSent) return null;\nreturn msg;',
        outputs: 1,
        timeout: 0,
        noerr: 0,
        initialize: '',
        finalize: '',
        libs: [],
        x: 1200,
        y,
      },
      [],
    );
    const set = this.redAdd({ id: `${guard}set`, type: 'change', name: label, rules, x: 1400, y }, [{ n8n: null, nodeRed: { id: guard, port: 0 } }]);
    this.redAdd({ id: `${guard}res`, type: 'http response', name: 'answer the shop', statusCode: '', headers: {}, x: 1600, y }, [{ n8n: null, nodeRed: { id: set.id, port: 0 } }]);
    return guard;
  }

  /** The same answers in n8n: one Respond to Webhook node per kind; after the 500, a Stop and Error node. */
  private n8nAnswer(kind: 'ok' | 'accepted' | 'error', y: number): string {
    const name = { ok: 'OK for the shop', accepted: 'Nothing to do: Accepted', error: '500: the shop retries' }[kind];
    if (this.n8nNodes.some((n) => n.name === name)) return name;
    this.n8nAdd(
      {
        name,
        type: 'n8n-nodes-base.respondToWebhook',
        typeVersion: 1.1,
        position: [1400, y],
        parameters: { respondWith: 'text', responseBody: kind === 'ok' ? 'OK' : kind === 'accepted' ? 'Accepted' : 'Error', options: { responseCode: kind === 'error' ? 500 : 200 } },
      },
      [],
    );
    if (kind === 'error') {
      // The execution still counts as failed in n8n's list, with the failed node beside it.
      const stop = this.n8nAdd(
        {
          name: 'A step failed',
          type: 'n8n-nodes-base.stopAndError',
          typeVersion: 1,
          position: [1600, y],
          parameters: { errorMessage: 'A step failed: the shop was answered 500 and sends the notification again. See the failed node in this execution.' },
        },
        [],
      );
      this.n8nConnect(name, 0, stop.name);
    }
    return name;
  }

  /**
   * Node-RED answers nothing by itself when a message stops: a gate that does not pass sends the request to
   * this answer (200 "Accepted", as Make answers a scenario that ended early), so that the shop is not left
   * waiting.
   */
  private acceptedAnswer(): string {
    return this.answer('accepted', 240);
  }

  /** A filter gate before a module: an n8n If node and a Node-RED switch that only lets matches through. */
  private gate(m: Module, filter: Filter, tails: Tail[], negateOthers?: Filter[], answerIfBlocked = false): Tail[] {
    const { n8n: rn, nodeRed: rr } = this.resolvers(this.common(tails));
    let js: string;
    let jsonata: string;
    let note: string | null = null;
    try {
      if (negateOthers) {
        js = negateOthers.length === 0 ? 'true' : `!(${negateOthers.map((f) => `(${n8nFilter(f, rn)})`).join(' || ')})`;
        jsonata = negateOthers.length === 0 ? 'true' : `$not(${negateOthers.map((f) => `(${jsonataFilter(f, rr)})`).join(' or ')})`;
      } else {
        js = n8nFilter(filter, rn);
        jsonata = jsonataFilter(filter, rr);
      }
    } catch (error) {
      if (!(error instanceof Untranslatable)) throw error;
      // Never a pass: the gate stays closed until someone rebuilds it.
      note = `filter "${filter.name}" ${error.message}; the gate is closed (nothing passes) until you rebuild it: ${JSON.stringify(filter.conditions)}`;
      js = 'false';
      jsonata = 'false';
    }
    const name = negateOthers ? `Fallback: ${m.label ?? m.name}` : filter.name || `Filter before ${m.label ?? m.name}`;
    const p = this.pos(m, -150);
    const ifNode = this.n8nAdd(
      {
        name,
        type: 'n8n-nodes-base.if',
        typeVersion: 2.2,
        position: p.n8n,
        parameters: {
          conditions: {
            options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
            conditions: [{ id: this.uuid(), leftValue: `={{ ${js} }}`, rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } }],
            combinator: 'and',
          },
          looseTypeValidation: true,
          options: {},
        },
        ...(note ? { notes: note, notesInFlow: true } : {}),
      },
      tails,
    );
    this.sourceOf.set(ifNode.name, this.common(tails));
    const sw = this.redAdd(
      {
        id: `make${m.id}gate`,
        type: 'switch',
        name,
        property: jsonata,
        propertyType: 'jsonata',
        rules: answerIfBlocked && this.redHttpIn ? [{ t: 'true' }, { t: 'else' }] : [{ t: 'true' }],
        checkall: 'false',
        repair: false,
        outputs: answerIfBlocked && this.redHttpIn ? 2 : 1,
        x: p.x,
        y: p.y,
      },
      tails,
      answerIfBlocked && this.redHttpIn ? 2 : 1,
    );
    if (answerIfBlocked && this.redHttpIn) this.redConnect(sw.id, 1, this.acceptedAnswer());
    if (answerIfBlocked && this.n8nWebhook) this.n8nConnect(ifNode.name, 1, this.n8nAnswer('accepted', 240));
    if (note) this.review(m, note);
    return [{ n8n: { node: ifNode.name, output: 0 }, nodeRed: { id: sw.id, port: 0 } }];
  }

  private module(m: Module, tails: Tail[]): Tail[] {
    const kind = m.module.toLowerCase();
    if (kind === 'builtin:basicrouter') return this.router(m, tails);
    // A report entry first so that the gate's notes land in it.
    if (!this.reports.has(m.id)) this.report(m, 'converted', null, null);
    if (m.filter && !this.routeFirst.has(m.id)) tails = this.gate(m, m.filter, tails, undefined, true);
    this.direct = this.common(tails);
    let out: Tail[];
    if (kind === 'gateway:customwebhook') out = this.webhook(m, tails);
    else if (kind === 'gateway:webhookrespond') out = this.respond(m, tails);
    else {
      const shop = shopTrigger(m);
      const recognition = shop ? null : recognise(m);
      if (shop) out = this.shop(m, shop, tails);
      else if (ITERATOR.has(kind)) out = this.iterator(m, tails);
      else if (AGGREGATOR.has(kind)) out = this.aggregator(m, tails);
      else if (SET_VARIABLE.has(kind)) out = this.setVariables(m, tails);
      else if (GET_VARIABLE.has(kind)) out = this.getVariables(m, tails);
      else if (HTTP_MODULES.has(kind)) out = this.http(m, tails);
      else if (recognition && recognition.action) out = this.memberspot(m, recognition, tails);
      else out = this.placeholder(m, tails, recognition ? recognition.note : `no converter for ${m.module} yet`);
    }
    // The substitute of a Resume reads earlier modules by name: its input is the failed node's error output.
    this.direct = undefined;
    if (m.onerror && m.onerror.length > 0) out = this.errorHandler(m, out);
    return out;
  }

  private router(m: Module, tails: Tail[]): Tail[] {
    this.report(m, 'converted', '(fan-out)', '(fan-out)', ['every route whose filter passes runs, in route order']);
    const routes = m.routes ?? [];
    const fallbackIndex = routes.findIndex((r) => r.fallback || r.flow[0]?.parameters.else === true);
    const others = routes.filter((_, i) => i !== fallbackIndex).map((r) => r.flow[0]?.filter).filter((f): f is Filter => f !== undefined);
    const out: Tail[] = [];
    routes.forEach((route, i) => {
      const first = route.flow[0];
      if (!first) return;
      let routeTails = tails;
      this.routeFirst.add(first.id);
      this.report(first, 'converted', null, null);
      if (i === fallbackIndex) {
        routeTails = this.gate(first, { name: '', conditions: [] }, tails, others);
        this.reports.get(first.id)?.notes.push('the fallback route: runs when no other route matched');
      } else if (first.filter) routeTails = this.gate(first, first.filter, tails);
      out.push(...this.flow(route.flow, routeTails));
    });
    // Without a fallback route, a request that matches no route must still be answered in Node-RED.
    if (fallbackIndex < 0 && this.redHttpIn && others.length === routes.length) {
      try {
        const none = `$not(${others.map((f) => `(${jsonataFilter(f, this.resolvers().nodeRed)})`).join(' or ')})`;
        const p = this.pos(m);
        const sw = this.redAdd(
          { id: `make${m.id}none`, type: 'switch', name: 'no route matched', property: none, propertyType: 'jsonata', rules: [{ t: 'true' }], checkall: 'false', repair: false, outputs: 1, x: p.x, y: p.y + 80 },
          tails,
        );
        this.redConnect(sw.id, 0, this.acceptedAnswer());
      } catch (error) {
        if (!(error instanceof Untranslatable)) throw error;
      }
    }
    return out;
  }

  private webhook(m: Module, tails: Tail[]): Tail[] {
    const hookName = m.hookLabel ?? m.label ?? `make-webhook-${m.id}`;
    const path = slug(hookName);
    const p = this.pos(m);
    const node = this.n8nAdd(
      {
        name: m.label ?? 'Shop webhook',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: p.n8n,
        webhookId: this.uuid(),
        // Always answered by a Respond to Webhook node: the blueprint's, or ours at every end (OK), after a
        // failed step (500) and where a filter stops the run (Accepted). n8n's "last node" mode answers
        // 500 "No item to return" when the last node to run was a gate that let nothing through.
        parameters: { httpMethod: 'POST', path, responseMode: 'responseNode', options: {} },
      },
      tails,
    );
    this.n8nWebhook = node;
    const httpIn = this.redAdd({ id: `make${m.id}in`, type: 'http in', name: m.label ?? hookName, url: `/${path}`, method: 'post', upload: false, swaggerDoc: '', x: p.x, y: p.y }, tails);
    this.redHttpIn = true;
    // Later modules read the webhook's data from msg.make.m<id>: our nodes replace msg.payload with their result.
    const keep = this.redAdd(
      { id: `make${m.id}keep`, type: 'change', name: `keep module ${m.id}`, rules: [{ t: 'set', p: `make.m${m.id}`, pt: 'msg', to: 'payload', tot: 'msg' }], x: p.x + 150, y: p.y + 60 },
      [{ n8n: null, nodeRed: { id: httpIn.id, port: 0 } }],
    );
    this.outputs.set(m.id, { n8n: `$('${node.name.replace(/'/g, "\\'")}').item.json.body`, n8nDirect: '$json.body', nodeRed: `make.m${m.id}` });
    this.sourceOf.set(node.name, m.id);
    this.webhooks.push({ module: m.id, n8n: `https://<your n8n>/webhook/${path}`, nodeRed: `https://<your Node-RED>/${path}` });
    const r = this.reports.get(m.id);
    if (r) {
      r.n8n = node.name;
      r.nodeRed = httpIn.id;
      r.notes.push(`point the sender (the shop, the CRM) at the new URL instead of Make's hook "${hookName}" (see webhooks)`);
    }
    return [{ n8n: { node: node.name, output: 0 }, nodeRed: { id: keep.id, port: 0 } }];
  }

  private respond(m: Module, tails: Tail[]): Tail[] {
    const status = this.mapping(m, 'status', m.mapper.status ?? '200');
    const body = this.mapping(m, 'body', m.mapper.body ?? '');
    const headers = Array.isArray(m.mapper.headers) ? (m.mapper.headers as { key?: unknown; value?: unknown }[]) : [];
    const p = this.pos(m);
    const node = this.n8nAdd(
      {
        name: m.label ?? 'Respond to Webhook',
        type: 'n8n-nodes-base.respondToWebhook',
        typeVersion: 1.1,
        position: p.n8n,
        parameters: {
          respondWith: 'text',
          responseBody: body.n8n,
          options: {
            responseCode: Number(status.n8n) || 200,
            ...(headers.length > 0
              ? { responseHeaders: { entries: headers.map((h) => ({ name: String(h.key ?? ''), value: this.mapping(m, `headers.${String(h.key)}`, h.value ?? '').n8n })) } }
              : {}),
          },
        },
      },
      tails,
    );
    this.sourceOf.set(node.name, this.direct);
    if (typeof status.n8n === 'string' && status.n8n.startsWith('=')) this.review(m, 'the response status is an expression; n8n takes a fixed code here: set it by hand');
    const setBody = this.redAdd(
      {
        id: `make${m.id}body`,
        type: 'change',
        name: 'response body',
        rules: [
          { t: 'set', p: 'payload', pt: 'msg', to: body.nodeRed.value, tot: body.nodeRed.type },
          { t: 'set', p: 'statusCode', pt: 'msg', to: status.nodeRed.value, tot: status.nodeRed.type === 'str' ? 'num' : status.nodeRed.type },
        ],
        x: p.x - 100,
        y: p.y,
      },
      tails,
    );
    const headerObj: Record<string, string> = {};
    for (const h of headers) {
      const v = this.mapping(m, `headers.${String(h.key)}`, h.value ?? '').nodeRed;
      if (v.type === 'str') headerObj[String(h.key ?? '')] = v.value;
      else this.review(m, `the header "${String(h.key)}" is an expression; Node-RED's http response takes fixed headers: set msg.headers by hand`);
    }
    const res = this.redAdd({ id: `make${m.id}res`, type: 'http response', name: m.label ?? 'answer', statusCode: '', headers: headerObj, x: p.x + 100, y: p.y }, [
      { n8n: null, nodeRed: { id: setBody.id, port: 0 } },
    ]);
    const r = this.reports.get(m.id);
    if (r) {
      r.n8n = node.name;
      r.nodeRed = res.id;
    }
    return [{ n8n: { node: node.name, output: 0 }, nodeRed: null }];
  }


  // ----------------------------------------------------------------------------------- Make's tools

  /** An n8n Edit Fields (Set) node with only these fields. */
  private n8nSet(name: string, position: [number, number], fields: { name: string; value: unknown; type?: string }[], tails: Tail[]): N8nNode {
    return this.n8nAdd(
      {
        name,
        type: 'n8n-nodes-base.set',
        typeVersion: 3.4,
        position,
        parameters: {
          mode: 'manual',
          assignments: {
            assignments: fields.map((f) => ({
              id: this.uuid(),
              name: f.name,
              value: f.value,
              type: f.type ?? (typeof f.value === 'number' ? 'number' : typeof f.value === 'boolean' ? 'boolean' : 'string'),
            })),
          },
          includeOtherFields: false,
          options: {},
        },
      },
      tails,
    );
  }

  /** A Node-RED change rule that sets `p` to a translated value. */
  private static rule(p: string, v: NodeRedValue): Record<string, unknown> {
    return { t: 'set', p, pt: 'msg', to: v.value, tot: v.type };
  }

  /** A msg property path for a name (make.vars.total, make.vars["my total"]). */
  private static prop(base: string, name: string): string {
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${base}.${name}` : `${base}[${JSON.stringify(name)}]`;
  }

  /** A JSONata object of translated values. */
  private static object(entries: { key: string; nodeRed: NodeRedValue }[]): string {
    return `{${entries.map((f) => `${JSON.stringify(f.key)}: ${f.nodeRed.type === 'str' ? JSON.stringify(f.nodeRed.value) : f.nodeRed.value}`).join(', ')}}`;
  }

  private finishModule(m: Module, n8nNode: N8nNode, redFirst: string, redLast: NodeRedNode, output: Omit<Output, 'nodeRed'>, notes: string[] = []): Tail[] {
    this.outputs.set(m.id, { ...output, nodeRed: `make.m${m.id}` });
    this.sourceOf.set(n8nNode.name, m.id);
    const r = this.reports.get(m.id);
    if (r) {
      r.n8n = n8nNode.name;
      r.nodeRed = redFirst;
      r.notes.push(...notes);
    }
    return [{ n8n: { node: n8nNode.name, output: 0 }, nodeRed: { id: redLast.id, port: 0 } }];
  }

  private ref(name: string): string {
    return `$('${name.replace(/'/g, "\\'")}')`;
  }

  /** Iterator: n8n Edit Fields (the array as `value`) + Split Out; Node-RED change + split. */
  private iterator(m: Module, tails: Tail[]): Tail[] {
    const array = this.mapping(m, 'array', m.mapper.array ?? '');
    const p = this.pos(m);
    const label = m.label ?? 'Iterator';
    // Make's bundle of an element: its fields (or { value } for a text or a number) with its position
    // __IMTINDEX__ (from 1) and the count __IMTLENGTH__.
    const n8nArray =
      typeof array.n8n === 'string' && array.n8n.startsWith('={{ ') && array.n8n.endsWith(' }}')
        ? `={{ (${array.n8n.slice(4, -3)} ?? []).map((v, i, all) => Object.assign(typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.assign({}, v) : { value: v }, { __IMTINDEX__: i + 1, __IMTLENGTH__: all.length })) }}`
        : array.n8n;
    if (n8nArray === array.n8n) this.review(m, 'its array is not one expression: n8n gets it as written, without __IMTINDEX__ / __IMTLENGTH__');
    const set = this.n8nSet(`${label}: the array`, [p.n8n[0] - 100, p.n8n[1]], [{ name: 'value', value: n8nArray, type: 'array' }], tails);
    const split = this.n8nAdd(
      { name: label, type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: p.n8n, parameters: { fieldToSplitOut: 'value', include: 'noOtherFields', options: {} } },
      [{ n8n: { node: set.name, output: 0 }, nodeRed: null }],
    );
    const take = this.redAdd({ id: `make${m.id}array`, type: 'change', name: `${label}: the array`, rules: [Converter.rule('payload', array.nodeRed)], x: p.x - 100, y: p.y }, tails);
    const splitNode = this.redAdd(
      { id: `make${m.id}split`, type: 'split', name: label, property: 'payload', splt: '\\n', spltType: 'str', arraySplt: 1, arraySpltType: 'len', stream: false, addname: '', x: p.x, y: p.y },
      [{ n8n: null, nodeRed: { id: take.id, port: 0 } }],
    );
    // Make's bundle of an element: the element's fields, or { value } for a text or number.
    const keep = this.redAdd(
      {
        id: `make${m.id}keep`,
        type: 'change',
        name: `keep module ${m.id}`,
        rules: [
          {
            t: 'set',
            p: `make.m${m.id}`,
            pt: 'msg',
            to: '$merge([$type(payload) = "object" ? payload : {"value": payload}, {"__IMTINDEX__": parts.index + 1, "__IMTLENGTH__": parts.count}])',
            tot: 'jsonata',
          },
        ],
        x: p.x + 150,
        y: p.y + 60,
      },
      [{ n8n: null, nodeRed: { id: splitNode.id, port: 0 } }],
    );
    this.iterators.set(m.id, m);
    return this.finishModule(m, split, splitNode.id, keep, { n8n: `${this.ref(split.name)}.item.json`, n8nDirect: '$json' }, [
      'each element runs the following modules once (n8n: one item each; Node-RED: one message each), up to its aggregator',
    ]);
  }

  /** Array aggregator / text aggregator: n8n Edit Fields + Aggregate (+ the text); Node-RED change + join. */
  private aggregator(m: Module, tails: Tail[]): Tail[] {
    const text = m.module.toLowerCase() === 'util:textaggregator';
    const feeder = Number(m.parameters.feeder);
    const label = m.label ?? (text ? 'Text aggregator' : 'Array aggregator');
    const p = this.pos(m);
    const notes: string[] = [];
    if (!this.iterators.has(feeder)) this.review(m, `its iterator (parameters.feeder ${String(m.parameters.feeder)}) is not an iterator before it: it aggregates what reaches it`);
    const entries = text
      ? [{ key: 'value', ...this.mapping(m, 'value', m.mapper.value ?? '') }]
      : Object.entries(m.mapper).map(([key, value]) => ({ key, ...this.mapping(m, key, value) }));
    if (entries.length === 0) this.review(m, 'it names no fields to aggregate (mapper): set them by hand');
    const sep = textSeparator(m.parameters);
    const fields = this.n8nSet(`${label}: the fields`, [p.n8n[0] - 100, p.n8n[1]], entries.map((e) => ({ name: e.key, value: e.n8n })), tails);
    let last = this.n8nAdd(
      {
        name: text ? `${label}: the rows` : label,
        type: 'n8n-nodes-base.aggregate',
        typeVersion: 1,
        position: p.n8n,
        parameters: { aggregate: 'aggregateAllItemData', destinationFieldName: 'array', options: {} },
      },
      [{ n8n: { node: fields.name, output: 0 }, nodeRed: null }],
    );
    if (text) {
      last = this.n8nSet(label, [p.n8n[0] + 100, p.n8n[1]], [{ name: 'text', value: `={{ $json.array.map(row => row.value ?? '').join(${JSON.stringify(sep)}) }}` }], [
        { n8n: { node: last.name, output: 0 }, nodeRed: null },
      ]);
    }
    const take = this.redAdd(
      { id: `make${m.id}fields`, type: 'change', name: `${label}: the fields`, rules: [{ t: 'set', p: 'payload', pt: 'msg', to: Converter.object(entries), tot: 'jsonata' }], x: p.x - 100, y: p.y },
      tails,
    );
    const join = this.redAdd(
      {
        id: `make${m.id}join`,
        type: 'join',
        name: label,
        mode: 'auto',
        build: 'array',
        property: 'payload',
        propertyType: 'msg',
        key: 'topic',
        joiner: '\\n',
        joinerType: 'str',
        useparts: true,
        accumulate: false,
        timeout: '',
        count: '',
        reduceRight: false,
        reduceExp: '',
        reduceInit: '',
        reduceInitType: '',
        reduceFixup: '',
        x: p.x,
        y: p.y,
      },
      [{ n8n: null, nodeRed: { id: take.id, port: 0 } }],
    );
    const result = text ? `{"text": $join(payload.($exists(value) ? $string(value) : ""), ${JSON.stringify(sep)})}` : '{"array": payload}';
    const keep = this.redAdd(
      { id: `make${m.id}keep`, type: 'change', name: `keep module ${m.id}`, rules: [{ t: 'set', p: `make.m${m.id}`, pt: 'msg', to: result, tot: 'jsonata' }], x: p.x + 150, y: p.y + 60 },
      [{ n8n: null, nodeRed: { id: join.id, port: 0 } }],
    );
    const between = this.loopFilters(feeder, m.id);
    if (between.length > 0) {
      this.review(m, `a filter between the iterator and this aggregator (module ${between.join(', ')}): Node-RED's join waits for every element, so an element the filter stops holds the join back; rebuild the filter in Node-RED`);
    }
    return this.finishModule(m, last, join.id, keep, { n8n: `${this.ref(last.name)}.item.json`, n8nDirect: '$json' }, notes);
  }

  /** Modules with a filter between an iterator and its aggregator (in the flow's order). */
  private loopFilters(feeder: number, aggregator: number): number[] {
    const order = allModules(this.blueprint.flow);
    const from = order.findIndex((x) => x.id === feeder);
    const to = order.findIndex((x) => x.id === aggregator);
    if (from < 0 || to < 0) return [];
    return order.slice(from + 1, to).filter((x) => x.filter).map((x) => x.id);
  }

  /** Set variable(s): n8n Edit Fields; Node-RED change (msg.make.vars, Make's variables of one run). */
  private setVariables(m: Module, tails: Tail[]): Tail[] {
    const list: { name: string; value: unknown }[] = Array.isArray(m.mapper.variables)
      ? (m.mapper.variables as { name?: unknown; value?: unknown }[]).map((v) => ({ name: String(v?.name ?? ''), value: v?.value ?? '' }))
      : [{ name: String(m.mapper.name ?? ''), value: m.mapper.value ?? '' }];
    const named = list.filter((v) => v.name !== '');
    if (named.length < list.length) this.review(m, 'a variable without a name (mapper.name / variables[].name) is left out');
    if (m.mapper.scope === 'execution') this.review(m, 'the variable\'s scope "execution" (the whole run of several bundles) becomes one item / message here');
    const mapped = named.map((v) => ({ key: v.name, ...this.mapping(m, v.name, v.value) }));
    const p = this.pos(m);
    const node = this.n8nSet(m.label ?? 'Set variable', p.n8n, mapped.map((v) => ({ name: v.key, value: v.n8n })), tails);
    const rules = mapped.flatMap((v) => [Converter.rule(Converter.prop('make.vars', v.key), v.nodeRed), Converter.rule(Converter.prop(`make.m${m.id}`, v.key), v.nodeRed)]);
    const change = this.redAdd({ id: `make${m.id}vars`, type: 'change', name: m.label ?? 'Set variable', rules, x: p.x, y: p.y }, tails);
    for (const v of mapped) this.variables.set(v.key, { n8n: `${this.ref(node.name)}.item.json[${JSON.stringify(v.key)}]`, nodeRed: Converter.prop('make.vars', v.key) });
    return this.finishModule(m, node, change.id, change, { n8n: `${this.ref(node.name)}.item.json`, n8nDirect: '$json' });
  }

  /** Get variable(s): the value an earlier Set variable set. */
  private getVariables(m: Module, tails: Tail[]): Tail[] {
    const names: string[] = Array.isArray(m.mapper.variables)
      ? (m.mapper.variables as { name?: unknown }[]).map((v) => String(v?.name ?? '')).filter((n) => n !== '')
      : [String(m.mapper.name ?? '')].filter((n) => n !== '');
    const found = names.map((name) => ({ name, source: this.variables.get(name) }));
    for (const f of found) if (!f.source) this.review(m, `no Set variable before it sets "${f.name}": it is empty here; set it by hand`);
    const p = this.pos(m);
    const node = this.n8nSet(m.label ?? 'Get variable', p.n8n, found.map((f) => ({ name: f.name, value: f.source ? `={{ ${f.source.n8n} }}` : '' })), tails);
    const rules = found.map((f) => (f.source ? { t: 'set', p: Converter.prop(`make.m${m.id}`, f.name), pt: 'msg', to: f.source.nodeRed, tot: 'msg' } : { t: 'set', p: Converter.prop(`make.m${m.id}`, f.name), pt: 'msg', to: '', tot: 'str' }));
    const change = this.redAdd({ id: `make${m.id}vars`, type: 'change', name: m.label ?? 'Get variable', rules, x: p.x, y: p.y }, tails);
    return this.finishModule(m, node, change.id, change, { n8n: `${this.ref(node.name)}.item.json`, n8nDirect: '$json' });
  }

  /** HTTP (Make a request / send data): n8n HTTP Request; Node-RED change + http request + a status check. */
  private http(m: Module, tails: Tail[]): Tail[] {
    const mp = m.mapper;
    const pairs = (v: unknown): { name: string; value: unknown }[] =>
      Array.isArray(v) ? (v as { name?: unknown; key?: unknown; value?: unknown }[]).map((h) => ({ name: String(h?.name ?? h?.key ?? ''), value: h?.value ?? '' })).filter((h) => h.name !== '') : [];
    const url = this.mapping(m, 'url', firstKey(mp, HTTP_KEYS.url) ?? '');
    const method = String(firstKey(mp, HTTP_KEYS.method) ?? 'GET').toUpperCase();
    const headers = pairs(firstKey(mp, HTTP_KEYS.headers)).map((h) => ({ key: h.name, ...this.mapping(m, `headers.${h.name}`, h.value) }));
    const query = pairs(firstKey(mp, HTTP_KEYS.query)).map((h) => ({ key: h.name, ...this.mapping(m, `qs.${h.name}`, h.value) }));
    const rawBody = firstKey(mp, HTTP_KEYS.body);
    const ct = String(firstKey(mp, HTTP_KEYS.contentType) ?? '').toLowerCase();
    if (Array.isArray(rawBody) || ct.includes('x-www-form-urlencoded') || ct.includes('multipart')) {
      this.review(m, 'a form body (urlencoded or multipart fields) is not converted: set the body by hand');
    }
    const body = rawBody === undefined || Array.isArray(rawBody) ? null : this.mapping(m, 'data', rawBody);
    const mime = ct.includes('/') ? ct : ct === 'json' || ct === '' ? 'application/json' : 'text/plain';
    const parse = firstKey(mp, HTTP_KEYS.parseResponse);
    const parseJson = parse === true || parse === 'true' || (parse === undefined && m.module.toLowerCase() === 'http:makerequest');
    if (!parseJson) this.review(m, 'Make does not parse its answer here (parseResponse off); n8n reads the answer by its content type (JSON as an object)');
    if (!/^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/.test(method)) this.review(m, `the method "${method}" is an expression or unknown: set it by hand`);
    const p = this.pos(m);
    const label = m.label ?? 'HTTP Request';
    const node = this.n8nAdd(
      {
        name: label,
        type: 'n8n-nodes-base.httpRequest',
        typeVersion: 4.2,
        position: p.n8n,
        parameters: {
          method,
          url: url.n8n,
          ...(query.length > 0 ? { sendQuery: true, specifyQuery: 'keypair', queryParameters: { parameters: query.map((q) => ({ name: q.key, value: q.n8n })) } } : {}),
          ...(headers.length > 0 ? { sendHeaders: true, specifyHeaders: 'keypair', headerParameters: { parameters: headers.map((h) => ({ name: h.key, value: h.n8n })) } } : {}),
          ...(body ? { sendBody: true, contentType: 'raw', rawContentType: mime, body: body.n8n } : {}),
          // Make's output is { statusCode, headers, data }: the full response, with data read from n8n's body.
          // The response format stays n8n's autodetect (JSON by its content type): with fullResponse, n8n 2.8's
          // "json" leaves the body out (seen end to end).
          options: { response: { response: { fullResponse: true } } },
        },
      },
      tails,
    );
    this.n8nFailing.push(node.name);
    const qs = query.map((q) => `${JSON.stringify(`${encodeURIComponent(q.key)}=`)} & $encodeUrlComponent(${q.nodeRed.type === 'str' ? JSON.stringify(q.nodeRed.value) : `$string(${q.nodeRed.value})`})`);
    const urlExpr = url.nodeRed.type === 'str' ? JSON.stringify(url.nodeRed.value) : url.nodeRed.type === 'msg' ? `$string(${url.nodeRed.value})` : url.nodeRed.value;
    const fullUrl = qs.length > 0 ? `(${urlExpr}) & ($contains(${urlExpr}, "?") ? "&" : "?") & ${qs.join(' & "&" & ')}` : urlExpr;
    const headerObj = Converter.object([...(body ? [{ key: 'content-type', nodeRed: { value: mime, type: 'str' as const } }] : []), ...headers]);
    const prepare = this.redAdd(
      {
        id: `make${m.id}req`,
        type: 'change',
        name: `${label}: the request`,
        rules: [
          { t: 'set', p: 'url', pt: 'msg', to: fullUrl, tot: 'jsonata' },
          { t: 'set', p: 'method', pt: 'msg', to: method, tot: 'str' },
          // Only these headers: msg.headers may hold another request's.
          { t: 'set', p: 'headers', pt: 'msg', to: headerObj, tot: 'jsonata' },
          body ? Converter.rule('payload', body.nodeRed) : { t: 'delete', p: 'payload', pt: 'msg' },
        ],
        x: p.x - 100,
        y: p.y,
      },
      tails,
    );
    const request = this.redAdd(
      { id: `make${m.id}http`, type: 'http request', name: label, method: 'use', ret: parseJson ? 'obj' : 'txt', paytoqs: 'ignore', url: '', tls: '', persist: false, proxy: '', insecureHTTPParser: false, authType: '', senderr: false, headers: [], x: p.x, y: p.y },
      [{ n8n: null, nodeRed: { id: prepare.id, port: 0 } }],
    );
    // As Make (and n8n) treat it: a 4xx/5xx answer is an error. The response's headers and status must not
    // reach the answer to the shop (the http response node would send them).
    const check = this.redAdd(
      {
        id: `make${m.id}keep`,
        type: 'function',
        name: `keep module ${m.id}`,
        func: [
          `if (msg.statusCode >= 400) throw new Error(${JSON.stringify(`${label}: the server answered `)} + msg.statusCode);`,
          'msg.make = msg.make || {};',
          `msg.make.m${m.id} = { statusCode: msg.statusCode, headers: msg.headers, data: msg.payload };`,
          'delete msg.headers; delete msg.statusCode; delete msg.responseUrl; delete msg.redirectList; delete msg.retry; delete msg.url; delete msg.method;',
          'return msg;',
        ].join('\n'),
        outputs: 1,
        timeout: 0,
        noerr: 0,
        initialize: '',
        finalize: '',
        libs: [],
        x: p.x + 150,
        y: p.y + 60,
      },
      [{ n8n: null, nodeRed: { id: request.id, port: 0 } }],
    );
    this.failing.push(request.id, check.id);
    return this.finishModule(m, node, request.id, check, { n8n: `${this.ref(node.name)}.item.json`, n8nDirect: '$json', n8nRename: { data: 'body' } });
  }

  private shop(m: Module, shop: string, tails: Tail[]): Tail[] {
    const p = this.pos(m);
    const node = this.n8nAdd(
      {
        name: m.label ?? 'Shop Webhook Trigger',
        type: N8N_SHOP_TRIGGER,
        typeVersion: 1,
        position: p.n8n,
        webhookId: this.uuid(),
        parameters: { shop, events: [] },
        credentials: { memberflowShopWebhookSecretApi: { id: 'shop-secret-credential', name: `${shop} secret` } } as never,
      },
      tails,
    );
    const cfgId = `make${m.id}shopcfg`;
    const path = `/shop-${shop}`;
    const sh = this.redAdd({ id: `make${m.id}shop`, type: 'memberspot-shop', name: m.label ?? '', path, config: cfgId, events: '', store: '', x: p.x, y: p.y }, tails);
    this.red.push({ id: cfgId, type: 'memberspot-shop-config', name: shop, shop });
    const keep = this.redAdd(
      { id: `make${m.id}keep`, type: 'change', name: `keep module ${m.id}`, rules: [{ t: 'set', p: `make.m${m.id}`, pt: 'msg', to: 'payload', tot: 'msg' }], x: p.x + 150, y: p.y + 60 },
      [{ n8n: null, nodeRed: { id: sh.id, port: 0 } }],
    );
    this.redHttpIn = true;
    this.outputs.set(m.id, { n8n: `$('${node.name.replace(/'/g, "\\'")}').item.json`, n8nDirect: '$json', nodeRed: `make.m${m.id}` });
    this.sourceOf.set(node.name, m.id);
    this.webhooks.push({ module: m.id, n8n: `https://<your n8n>/webhook/<the Shop Webhook Trigger's production path>`, nodeRed: `https://<your Node-RED>${path}` });
    this.report(m, 'review', node.name, sh.id, [
      `the ${shop} trigger became the verified Shop Webhook trigger: enter the shop's secret in its credential / config node`,
      `references to this module's output use our normalised fields (email, firstName, lastName, orderId, event): check every field that reads from it`,
    ]);
    return [{ n8n: { node: node.name, output: 0 }, nodeRed: { id: keep.id, port: 0 } }];
  }

  private memberspot(m: Module, recognition: Recognition, tails: Tail[]): Tail[] {
    const action = recognition.action;
    this.usesMemberspot = true;
    const n8nParams: Record<string, unknown> = { resource: action.resource, operation: action.operation };
    const additional: Record<string, unknown> = {};
    const redProps: Record<string, unknown> = {};
    for (const def of Object.values(definitions)) for (const f of def.fields) {
      redProps[f.name] = '';
      redProps[`${f.name}Type`] = 'msgdefault';
    }
    const used = new Set<string>();
    for (const field of action.fields) {
      const found = mapperValue(m, action, field.name);
      if (!found) {
        if (field.required) this.review(m, `the required field "${field.label}" has no mapping in the blueprint`);
        continue;
      }
      used.add(found.key);
      const value = found.value;
      if (field.name === 'properties') {
        this.properties(m, value, n8nParams, redProps);
        continue;
      }
      if (field.type === 'keyValue') {
        this.keyValue(m, field.name, value, field.name === 'headers' ? additional : n8nParams, redProps);
        continue;
      }
      if (field.name === 'emails' && Array.isArray(value)) {
        const list = value.map((e) => (typeof e === 'object' && e !== null ? (e as { email?: unknown }).email : e)).map((e) => String(e ?? ''));
        const joined = this.mapping(m, 'emails', list.join('\n'));
        n8nParams.emails = joined.n8n;
        redProps.emails = joined.nodeRed.value;
        redProps.emailsType = joined.nodeRed.type;
        continue;
      }
      const mapped = this.mapping(m, field.name, value);
      if (field.picker === 'offers') n8nParams[field.name] = { __rl: true, mode: 'id', value: mapped.n8n };
      else if (action.id === 'deleteOrderAccess' && field.name === 'active') additional.active = toBool(mapped.n8n);
      else n8nParams[field.name] = field.type === 'boolean' ? toBool(mapped.n8n) : mapped.n8n;
      if (field.name === 'method') {
        redProps.method = String(mapped.nodeRed.value).toUpperCase();
        redProps.methodType = mapped.nodeRed.type === 'str' ? 'option' : mapped.nodeRed.type;
        n8nParams.method = typeof mapped.n8n === 'string' ? mapped.n8n.toUpperCase() : mapped.n8n;
      } else {
        redProps[field.name] = mapped.nodeRed.value;
        redProps[`${field.name}Type`] = field.type === 'boolean' && mapped.nodeRed.type === 'str' ? 'bool' : mapped.nodeRed.type;
      }
    }
    if (Object.keys(additional).length > 0) n8nParams.additionalFields = additional;
    const unknownKeys = Object.keys(m.mapper).filter((k) => !used.has(k));
    if (unknownKeys.length > 0) this.review(m, `mapper keys we do not know for ${action.label}: ${unknownKeys.join(', ')} (left out)`);
    const p = this.pos(m);
    const node = this.n8nAdd(
      {
        name: m.label ?? action.label,
        type: N8N_MEMBERSPOT,
        typeVersion: 1,
        position: p.n8n,
        parameters: n8nParams,
        credentials: N8N_CREDENTIAL,
      },
      tails,
    );
    // bulk: false, as a node added in the editor saves it: a converted node runs once per message, never once
    // per element of an array payload (a node saved without the property would, for 0.1.0 flows).
    const redNode = this.redAdd({ id: `make${m.id}ms`, type: 'memberspot', name: m.label ?? action.label, account: NODE_RED_CONFIG_ID, action: action.id, bulk: false, ...redProps, x: p.x, y: p.y }, tails);
    this.failing.push(redNode.id);
    this.n8nFailing.push(node.name);
    const keep = this.redAdd(
      { id: `make${m.id}keep`, type: 'change', name: `keep module ${m.id}`, rules: [{ t: 'set', p: `make.m${m.id}`, pt: 'msg', to: 'payload', tot: 'msg' }], x: p.x + 150, y: p.y + 60 },
      [{ n8n: null, nodeRed: { id: redNode.id, port: 0 } }],
    );
    this.outputs.set(m.id, { n8n: `$('${node.name.replace(/'/g, "\\'")}').item.json`, n8nDirect: '$json', nodeRed: `make.m${m.id}` });
    this.sourceOf.set(node.name, m.id);
    const r = this.reports.get(m.id);
    if (r) {
      r.n8n = node.name;
      r.nodeRed = redNode.id;
      if (recognition.by !== 'module' && recognition.note) {
        r.status = 'review';
        r.notes.push(recognition.note);
      }
    }
    return [{ n8n: { node: node.name, output: 0 }, nodeRed: { id: keep.id, port: 0 } }];
  }

  private properties(m: Module, value: unknown, n8nParams: Record<string, unknown>, redProps: Record<string, unknown>): void {
    const pairs: { id: string; value: unknown }[] = [];
    if (Array.isArray(value)) {
      for (const p of value) {
        if (typeof p !== 'object' || p === null) continue;
        const o = p as Record<string, unknown>;
        const id = o.propertyId ?? o.id ?? o.key ?? o.name;
        if (id !== undefined) pairs.push({ id: String(id), value: o.value ?? '' });
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const [id, v] of Object.entries(value)) pairs.push({ id, value: v });
    } else {
      this.review(m, 'the properties are not a list of { propertyId, value } nor an object; set them by hand');
      return;
    }
    const mapped = pairs.map((p) => ({ id: p.id, ...this.mapping(m, `properties.${p.id}`, p.value) }));
    n8nParams.properties = { property: mapped.map((p) => ({ propertyId: p.id, value: p.n8n })) };
    redProps.properties = `{${mapped.map((p) => `${JSON.stringify(p.id)}: ${p.nodeRed.type === 'str' ? JSON.stringify(p.nodeRed.value) : p.nodeRed.value}`).join(', ')}}`;
    redProps.propertiesType = 'jsonata';
  }

  private keyValue(m: Module, field: string, value: unknown, target: Record<string, unknown>, redProps: Record<string, unknown>): void {
    const list = Array.isArray(value) ? (value as { key?: unknown; value?: unknown }[]) : [];
    const mapped = list.map((h) => ({ name: String(h.key ?? ''), ...this.mapping(m, `${field}.${String(h.key)}`, h.value ?? '') }));
    target[field] = { parameter: mapped.map((p) => ({ name: p.name, value: p.n8n })) };
    redProps[field] = `{${mapped.map((p) => `${JSON.stringify(p.name)}: ${p.nodeRed.type === 'str' ? JSON.stringify(p.nodeRed.value) : p.nodeRed.value}`).join(', ')}}`;
    redProps[`${field}Type`] = 'jsonata';
  }

  private placeholder(m: Module, tails: Tail[], reason: string): Tail[] {
    const p = this.pos(m);
    const mapping = JSON.stringify(m.mapper);
    const name = m.label ?? m.module;
    const node = this.n8nAdd(
      {
        name: `Rebuild: ${name}`,
        type: 'n8n-nodes-base.noOp',
        typeVersion: 1,
        position: p.n8n,
        parameters: {},
        disabled: true,
        notes: `Make module ${m.id} ${m.module}: ${reason}. Its mapping: ${mapping}`,
        notesInFlow: true,
      },
      tails,
    );
    const fn = this.redAdd(
      {
        id: `make${m.id}todo`,
        type: 'function',
        name: `Rebuild: ${name}`,
        func: `throw new Error(${JSON.stringify(`rebuild this step: Make module ${m.id} ${m.module}`)});`,
        outputs: 1,
        timeout: 0,
        noerr: 0,
        initialize: '',
        finalize: '',
        libs: [],
        x: p.x,
        y: p.y,
      },
      tails,
    );
    // Enabled: a disabled Node-RED node drops what reaches it, and the shop would wait for an answer that never
    // comes. It throws instead, and the flow's catch answers the shop 500 (once), so that the shop retries.
    this.failing.push(fn.id);
    this.red.push({ id: `make${m.id}note`, type: 'comment', z: this.tabId, name: `Make module ${m.id} ${m.module}`, info: `${reason}.\nIts mapping: ${mapping}`, x: p.x, y: p.y + 40, wires: [] });
    this.outputs.set(m.id, { n8n: `$('${node.name.replace(/'/g, "\\'")}').item.json`, nodeRed: `make.m${m.id}` });
    this.placeholders.set(m.id, m.module);
    // n8n passes items through a disabled node: what comes out is what went in.
    this.sourceOf.set(node.name, this.direct);
    this.report(m, 'manual', node.name, fn.id, [
      reason,
      "a placeholder keeps its place: rebuild this step (n8n: a disabled No Operation node, which passes items on; Node-RED: a function that stops the message with \"rebuild this step\", and the shop hears 500)",
    ]);
    return [{ n8n: { node: node.name, output: 0 }, nodeRed: { id: fn.id, port: 0 } }];
  }

  /**
   * A module's error handler (`onerror`, its directive last). Ignore and Commit end the failing bundle without
   * an error (n8n: the node's error output leads nowhere; Node-RED: a catch of its own, and the shop hears 200
   * Accepted); Resume continues with the directive's substitute output (n8n: the error output through an Edit
   * Fields node into the same next node; Node-RED: a catch that sets msg.payload and goes on where the module
   * went on); Break retries in n8n (retry on fail) and answers the shop 500 in Node-RED, so that the shop
   * sends it again (Make stores the run and retries it); Rollback stops the run with an error, as without a
   * handler. Modules inside the handler before the directive are left to rebuild.
   */
  private errorHandler(m: Module, out: Tail[]): Tail[] {
    const handlers = m.onerror ?? [];
    const directive = handlers[handlers.length - 1];
    const kind = directive?.module.toLowerCase() ?? '';
    const r = this.reports.get(m.id);
    const n8nNode = r?.n8n ? this.n8nNodes.find((n) => n.name === r.n8n) : undefined;
    const redNode = r?.nodeRed ? this.red.find((n) => n.id === r.nodeRed) : undefined;
    for (const h of handlers) {
      if (h === directive) continue;
      this.report(h, 'manual', null, null, [`a module of module ${m.id}'s error handler: rebuild it by hand (it is not converted)`]);
    }
    if (handlers.length > 1) this.review(m, `its error handler runs ${handlers.length - 1} module(s) before ${directive?.module}: those are not converted, rebuild them`);
    const done = (status: Status, note: string): Tail[] => {
      if (directive) this.report(directive, status, n8nNode?.name ?? null, redNode?.id ?? null, [`the error handler directive of module ${m.id}: ${note}`]);
      return out;
    };
    if (!n8nNode || !redNode) {
      this.review(m, `its error handler ${directive?.module ?? '(none)'} is not converted: the module has no node to attach it to`);
      return done('review', 'not converted');
    }
    const p = this.pos(m, 0);
    const ownCatch = (name: string): NodeRedNode => {
      this.ownCatch.add(redNode.id);
      return this.redAdd({ id: `make${m.id}catch`, type: 'catch', name, scope: [redNode.id], uncaught: false, x: p.x, y: p.y + 120 }, []);
    };
    if (kind === 'builtin:ignore' || kind === 'builtin:commit') {
      n8nNode.onError = 'continueErrorOutput';
      const c = ownCatch(`${kind === 'builtin:ignore' ? 'Ignore' : 'Commit'}: ${m.label ?? m.module}`);
      if (this.redHttpIn) this.redConnect(c.id, 0, this.acceptedAnswer());
      if (this.n8nWebhook) this.n8nConnect(n8nNode.name, 1, this.n8nAnswer('accepted', 240));
      this.n8nOwnHandler.add(n8nNode.name);
      if (kind === 'builtin:commit') {
        this.review(m, 'error handler Commit: a failure ends the run without an error, as Ignore does; Make also commits its transactional modules, which have no counterpart here: check');
        return done('review', 'ends the run without an error');
      }
      return done('converted', 'a failure ends this bundle without an error (n8n: the error output leads nowhere; Node-RED: its own catch, the shop hears 200 Accepted)');
    }
    if (kind === 'builtin:resume') {
      const substitute = directive?.mapper ?? {};
      const mapped = Object.entries(substitute).map(([key, value]) => ({ key, ...this.mapping(m, `onerror.resume.${key}`, value) }));
      n8nNode.onError = 'continueErrorOutput';
      this.n8nOwnHandler.add(n8nNode.name);
      const set = this.n8nAdd(
        {
          name: `Resume: ${m.label ?? m.module}`,
          type: 'n8n-nodes-base.set',
          typeVersion: 3.4,
          position: [p.n8n[0], p.n8n[1] + 200],
          parameters: {
            mode: 'manual',
            assignments: {
              assignments: mapped.map((f) => ({
                id: this.uuid(),
                name: f.key,
                value: f.n8n,
                type: typeof f.n8n === 'number' ? 'number' : typeof f.n8n === 'boolean' ? 'boolean' : 'string',
              })),
            },
            includeOtherFields: false,
            options: {},
          },
        },
        [],
      );
      this.n8nConnect(n8nNode.name, 1, set.name);
      this.sourceOf.set(set.name, m.id);
      out = [...out, { n8n: { node: set.name, output: 0 }, nodeRed: null }];
      const c = ownCatch(`Resume: ${m.label ?? m.module}`);
      const object = `{${mapped.map((f) => `${JSON.stringify(f.key)}: ${f.nodeRed.type === 'str' ? JSON.stringify(f.nodeRed.value) : f.nodeRed.value}`).join(', ')}}`;
      const resume = this.redAdd(
        { id: `make${m.id}resume`, type: 'change', name: 'substitute output', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: object, tot: 'jsonata' }, { t: 'delete', p: 'error', pt: 'msg' }], x: p.x + 150, y: p.y + 120 },
        [{ n8n: null, nodeRed: { id: c.id, port: 0 } }],
      );
      // Node-RED goes on where the module went on (its keep node, or the next node).
      const after = (redNode.wires as string[][])[0] ?? [];
      for (const id of after) this.redConnect(resume.id, 0, id);
      if (after.length === 0) out = [...out, { n8n: null, nodeRed: { id: resume.id, port: 0 } }];
      // Later modules read the substitute when the module failed.
      const own = this.outputs.get(m.id);
      const setRef = `$('${set.name.replace(/'/g, "\\'")}')`;
      if (own) this.outputs.set(m.id, { ...own, n8n: `(${setRef}.isExecuted ? ${setRef}.item.json : ${own.n8n})`, n8nDirect: '$json' });
      return done('converted', 'a failure continues with the substitute output');
    }
    if (kind === 'builtin:break') {
      const count = Number(directive?.mapper.count ?? 3) || 3;
      n8nNode.retryOnFail = true;
      n8nNode.maxTries = Math.min(Math.max(count, 2), 5);
      n8nNode.waitBetweenTries = 5000;
      this.review(
        m,
        `error handler Break (retry ${count} times every ${String(directive?.mapper.interval ?? '?')} min): n8n retries at most 5 times, 5 s apart; Node-RED answers the shop 500 so that the shop sends it again`,
      );
      return done('review', 'retry');
    }
    if (kind === 'builtin:rollback') {
      this.review(m, 'error handler Rollback: a failure stops the run with an error (n8n: an error status to the shop; Node-RED: 500), as without a handler; Make\'s rollback of transactional modules has no counterpart');
      return done('review', 'stops the run with an error');
    }
    this.review(m, `error handler ${directive?.module ?? '(none)'} is not one we know: rebuild it by hand`);
    return done('review', 'not converted');
  }

  /**
   * The shop hears back in Node-RED: without a webhook response 200 "OK" at every end of the flow; in every
   * case 500 when a step failed (a catch over every step that can fail, except those whose error handler
   * catches them), each answer only once.
   */
  private finish(tails: Tail[]): void {
    if (this.n8nWebhook) {
      if (!this.hasRespond) {
        const ok = this.n8nAnswer('ok', 40);
        for (const t of tails) if (t.n8n) this.n8nConnect(t.n8n.node, t.n8n.output, ok);
      }
      for (const name of this.n8nFailing.filter((n) => !this.n8nOwnHandler.has(n))) {
        const node = this.n8nNodes.find((n) => n.name === name);
        if (!node) continue;
        node.onError = 'continueErrorOutput';
        this.n8nConnect(name, 1, this.n8nAnswer('error', 140));
      }
    }
    if (!this.redHttpIn) return;
    if (!this.hasRespond) {
      const ok = this.answer('ok', 40);
      for (const t of tails) if (t.nodeRed) this.redConnect(t.nodeRed.id, t.nodeRed.port, ok);
    }
    const scope = this.failing.filter((id) => !this.ownCatch.has(id));
    if (scope.length > 0) {
      const c = this.redAdd({ id: 'make0catch', type: 'catch', name: 'a step failed', scope, uncaught: false, x: 1000, y: 140 }, []);
      this.redConnect(c.id, 0, this.answer('error', 140));
    }
    if (this.n8nWebhook) {
      this.n8nWebhook.notes = 'Answers the shop through a Respond to Webhook node: 500 when a step failed, so that the shop sends the notification again.';
    }
  }
}

/** Every Node-RED id (and every reference to one: z, wires, scope, account, config) with `-<suffix>`. */
function suffixIds(nodes: NodeRedNode[], suffix: string): NodeRedNode[] {
  const ids = new Set(nodes.map((n) => n.id));
  const map = (id: unknown): unknown => (typeof id === 'string' && ids.has(id) ? `${id}-${suffix}` : id);
  return nodes.map((n) => {
    const out: NodeRedNode = { ...n, id: `${n.id}-${suffix}` };
    for (const key of ['z', 'account', 'config'] as const) if (key in n) out[key] = map(n[key]);
    if (Array.isArray(n.wires)) out.wires = (n.wires as string[][]).map((port) => port.map((id) => map(id) as string));
    if (Array.isArray(n.scope)) out.scope = (n.scope as string[]).map((id) => map(id) as string);
    return out;
  });
}

function toBool(v: unknown): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  return v;
}

/** Converts a read blueprint. Never throws for content: what cannot be converted is in the report. */
export function convert(blueprint: Blueprint): Conversion {
  return new Converter(blueprint).run();
}

/**
 * The converted Node-RED flow (what Menu → Import takes: the tab, its nodes, the config node) as the body of
 * the admin API's `POST /flow`: `{ label, info, nodes, configs }`, the tab itself left out (Node-RED makes
 * it) and the config node among `configs`.
 */
export function nodeRedFlowApi(nodes: NodeRedNode[]): { label: string; info: string; nodes: NodeRedNode[]; configs: NodeRedNode[] } {
  const tab = nodes.find((n) => n.type === 'tab');
  const strip = ({ z: _z, ...rest }: NodeRedNode): NodeRedNode => rest as NodeRedNode;
  return {
    label: String(tab?.label ?? 'Make scenario'),
    info: String(tab?.info ?? ''),
    nodes: nodes.filter((n) => n.type !== 'tab' && 'z' in n && n.z === tab?.id).map(strip),
    configs: nodes.filter((n) => n.type !== 'tab' && !('z' in n && n.z === tab?.id)).map(strip),
  };
}

/** 0 when everything was converted, 1 when something needs review or manual work. */
export function exitCodeOf(report: Report): 0 | 1 {
  return report.modules.every((m) => m.status === 'converted') ? 0 : 1;
}
