/**
 * memberspot: runs one Memberspot action per message, through the account's shared client and limiter.
 *
 * Each field of the action is a typedInput, resolved with RED.util.evaluateNodeProperty; a field left at
 * "msg.<field>" (or blank) takes msg.<field name>. The result replaces msg.payload on the same msg. With
 * "Run once per element of msg.payload" (new nodes: off; nodes saved without the option: on) and msg.payload
 * an array of input objects, every element runs (at most "Parallel requests" at once, through the limiter)
 * and msg.payload becomes one result per element, in element order; a msg.<field> set beside the array is
 * refused, and a failed element sends the message to done(err). Failures go to done(err), so Catch nodes
 * see them; the handler never throws.
 */
import { actions, DEFAULT_PARALLEL_REQUESTS, describeError, isActionId, buildInput, runAction, runInOrder, ValidationError } from '../shared';
import type { AnyAction } from '../shared';
import { BLANK_FALLS_BACK, BULK, FALLBACK_TYPE, OPTIONS_TYPE, PAGING } from './fields';
import { CONFIG_TYPE, MemberspotNodeError, type AccountUser, type MemberspotConfigNode } from './common';
import { throttledStatus } from './status';
import type { Done, Msg, NodeStatus, RED, Send } from './types';

interface ActionDef {
  id: string;
  name?: string;
  action?: string;
  account?: string;
  [property: string]: unknown;
}

type Fill = NonNullable<NodeStatus['fill']>;

function isInputObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the text ${JSON.stringify(value.slice(0, 40))}` : `${typeof value} ${String(value).slice(0, 40)}`;
}

/**
 * A bulk payload: an array whose elements are all input objects. An array mixing objects with anything else
 * is refused (naming the elements), rather than run as one call that replaces the whole array.
 */
function bulkElements(payload: unknown): Array<Record<string, unknown>> | undefined {
  if (!Array.isArray(payload) || payload.length === 0 || !payload.some(isInputObject)) return undefined;
  const bad = payload.flatMap((element, index) => (isInputObject(element) ? [] : [index]));
  if (bad.length === 0) return payload as Array<Record<string, unknown>>;
  throw new ValidationError(
    bad.slice(0, 5).map((index) => ({
      field: `msg.payload[${index}]`,
      message:
        `is ${describeValue(payload[index])}; in a bulk payload every element must be an object with the fields of one call ` +
        '(e.g. {"email": "…"}). Remove or fix this element; no element was run',
    })),
  );
}

export = function register(RED: RED): void {
  function evaluate(value: string, type: string, node: AccountUser, msg: Msg): Promise<unknown> {
    return new Promise((resolve, reject) => {
      try {
        RED.util.evaluateNodeProperty(value, type, node, msg, (err, result) => (err ? reject(err) : resolve(result)));
      } catch (error) {
        reject(error);
      }
    });
  }

  /** The first part of a msg path that is missing (`msg.payload.buyer` for `payload.buyer.email`), if it can tell. */
  function missingParent(path: string, msg: Msg): string | undefined {
    try {
      const parts = RED.util.normalisePropertyExpression?.(path) ?? [];
      let current: unknown = msg;
      let shown = 'msg';
      for (const part of parts.slice(0, -1)) {
        shown += typeof part === 'number' ? `[${part}]` : `.${part}`;
        current = (current as Record<string | number, unknown>)[part];
        if (current === undefined || current === null) return `${shown} is ${current === null ? 'null' : 'missing'}`;
      }
    } catch {
      /* the path itself is invalid: the runtime's message says so */
    }
    return undefined;
  }

  function MemberspotNode(this: AccountUser, config: ActionDef): void {
    RED.nodes.createNode(this, config);
    // Node-RED calls the constructor with the node as `this`; handlers below need it.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const account = config.account ? (RED.nodes.getNode(config.account) as MemberspotConfigNode | null) : null;
    const action: AnyAction | undefined = isActionId(config.action) ? actions[config.action] : undefined;
    // A paged list (action.paging): one page, or with "All pages" every page up to the limit (blank: none).
    const paging = { returnAll: config[PAGING.returnAll] === true || config[PAGING.returnAll] === 'true', limit: config[PAGING.limit] };
    // "Run once per element of msg.payload": `false` on new nodes; a node saved before the option existed
    // (no property) keeps the behaviour it had, an array of objects runs once per element.
    const bulk = config[BULK] === undefined || config[BULK] === true || config[BULK] === 'true';
    const running = new AbortController();
    const shown = throttledStatus(node);
    let inFlight = 0;
    let closing = false;
    /** The account's warning (Redis unreachable), shown with every status while it lasts. */
    let warning: string | undefined;
    let base: NodeStatus = {};

    function show(status: NodeStatus) {
      base = status;
      if (!warning) return shown.set(status);
      const note = RED._('memberspot.status.redisFallback');
      shown.set({
        fill: status.fill === 'red' ? 'red' : 'yellow',
        shape: 'ring',
        text: status.text ? `${status.text} · ${note}` : note,
      });
    }
    function status(fill: Fill, shape: 'ring' | 'dot', key: string, values?: Record<string, unknown>) {
      show({ fill, shape, text: RED._(`memberspot.status.${key}`, values) });
    }
    node.accountWarning = (text) => {
      warning = text;
      if (!closing) show(base);
    };

    if (!action) status('red', 'ring', 'noAction');
    else if (!account) status('red', 'ring', 'noAccount');
    if (account && account.type === CONFIG_TYPE) account.register(node);

    /** The in-flight cap of the account's client ("Parallel requests"); the default while the account cannot make one. */
    function cap(): number {
      try {
        return account && account.type === CONFIG_TYPE ? account.client().parallelRequests : DEFAULT_PARALLEL_REQUESTS;
      } catch {
        return DEFAULT_PARALLEL_REQUESTS; // the message itself reports why
      }
    }

    /** "working", or "queued (n)" when more messages are under way than the account sends at once. */
    function busy() {
      const waiting = inFlight - cap();
      if (waiting > 0) status('yellow', 'ring', 'queued', { count: waiting });
      else status('blue', 'dot', 'working', { action: action?.label ?? '' });
    }

    /** The value of one field for one input: the node's setting, or msg.<name> / the bulk element's <name>. */
    async function fieldValue(name: string, msg: Msg, fallback: Record<string, unknown>): Promise<unknown> {
      const type = typeof config[`${name}Type`] === 'string' ? (config[`${name}Type`] as string) : FALLBACK_TYPE;
      const raw = config[name];
      const value = raw === undefined || raw === null ? '' : String(raw);
      if (type === FALLBACK_TYPE || (BLANK_FALLS_BACK.has(type) && value.trim() === '')) return fallback[name];
      if (type === OPTIONS_TYPE) return value;
      try {
        return await evaluate(value, type, node, msg);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        const where = type === 'msg' ? `msg.${value}` : `${type} ${JSON.stringify(value)}`;
        const parent = type === 'msg' ? missingParent(value, msg) : undefined;
        throw new ValidationError([
          {
            field: name,
            message:
              `could not be read from ${where} (${parent ? `${parent}: ` : ''}${why}). ` +
              `Check the path set in the node's ${name} field, or make sure every message has it`,
          },
        ]);
      }
    }

    /** Whether the field is left at the msg default (msg.<name>, or blank for a type that falls back). */
    function fromMsg(name: string): boolean {
      const type = typeof config[`${name}Type`] === 'string' ? (config[`${name}Type`] as string) : FALLBACK_TYPE;
      const raw = config[name];
      const value = raw === undefined || raw === null ? '' : String(raw);
      return type === FALLBACK_TYPE || (BLANK_FALLS_BACK.has(type) && value.trim() === '');
    }

    /**
     * In bulk mode a field left at msg.<field> is read from each element, so a msg.<field> set beside the
     * array would be silently ignored (a refund's msg.orderId, a leaver's msg.email, while the elements name
     * other records): refused, naming the conflict, and nothing is sent.
     */
    function refuseConflicts(act: AnyAction, msg: Msg): void {
      const conflicts = act.fields.filter((f) => f.name !== 'payload' && fromMsg(f.name) && Object.prototype.hasOwnProperty.call(msg, f.name));
      if (conflicts.length === 0) return;
      throw new ValidationError(
        conflicts.map((f) => ({
          field: `msg.${f.name}`,
          message:
            `is set beside an array msg.payload, which runs once per element and reads ${f.name} from each element, not from msg.${f.name}. ` +
            `Remove msg.${f.name} (or put it into each element), or turn off "Run once per element" to run one call with msg.${f.name}; nothing was sent`,
        })),
      );
    }

    /** Whether the field is set: a source other than the msg default, or the msg (element) has the property. */
    function isSet(name: string, fallback: Record<string, unknown>): boolean {
      const type = typeof config[`${name}Type`] === 'string' ? (config[`${name}Type`] as string) : FALLBACK_TYPE;
      const raw = config[name];
      const value = raw === undefined || raw === null ? '' : String(raw);
      if (type === FALLBACK_TYPE || (BLANK_FALLS_BACK.has(type) && value.trim() === '')) {
        return Object.prototype.hasOwnProperty.call(fallback, name);
      }
      return true;
    }

    async function inputFor(act: AnyAction, msg: Msg, fallback: Record<string, unknown>): Promise<Record<string, unknown>> {
      const values: Record<string, unknown> = {};
      for (const field of act.fields) values[field.name] = await fieldValue(field.name, msg, fallback);
      return buildInput(act, (name) => values[name], (name) => isSet(name, fallback));
    }

    /** Runs one message; resolves to true for a bulk payload (which sets its own final status). */
    async function run(msg: Msg, send: Send, done: Done): Promise<boolean> {
      if (!action) throw new MemberspotNodeError({ message: RED._('memberspot.errors.noAction'), hint: '', code: 'CONFIG' });
      if (!account || account.type !== CONFIG_TYPE) {
        throw new MemberspotNodeError({ message: RED._('memberspot.errors.noAccount'), hint: '', code: 'CONFIG' });
      }
      const client = account.client();
      const signal = running.signal;
      const elements = bulk ? bulkElements(msg.payload) : undefined;
      if (elements) refuseConflicts(action, msg);
      if (elements) {
        const results: unknown[] = new Array(elements.length);
        let finished = 0;
        let failed = 0;
        status('blue', 'dot', 'progress', { done: 0, total: elements.length });
        // The account's in-flight cap ("Parallel requests"): 1 runs the elements one at a time, in order.
        await runInOrder(elements.length, client.parallelRequests, async (index) => {
          try {
            const input = await inputFor(action, msg, elements[index]);
            results[index] = { ok: true, result: await runAction(client, action, input, { ...paging, signal }) };
          } catch (error) {
            failed += 1;
            results[index] = { ok: false, error: describeError(error) };
          }
          finished += 1;
          if (!closing) status('blue', 'dot', 'progress', { done: finished, total: elements.length });
        });
        msg.payload = results;
        if (failed > 0) {
          // A failed element fails the message: it goes to done(err) (Catch nodes, e.g. to answer a shop 500 so
          // that it sends again) with msg.payload = every element's result, and not to the output.
          if (!closing) status('yellow', 'dot', 'bulkFailed', { ok: elements.length - failed, failed, total: elements.length });
          const first = results.findIndex((r) => !(r as { ok: boolean }).ok);
          const detail = (results[first] as { error: { message: string; hint: string; code: string } }).error;
          const error = {
            message: `${failed} of ${elements.length} elements of msg.payload failed (first: element ${first}: ${detail.message})`,
            hint: 'msg.payload holds one result per element: { ok: true, result } or { ok: false, error }. The elements that succeeded took effect.',
            code: 'BULK_FAILED',
          };
          msg.error = error;
          done(new MemberspotNodeError(error));
          return true;
        }
        status('green', 'dot', 'bulkDone', { total: elements.length });
        send(msg);
        done();
        return true;
      }
      const input = await inputFor(action, msg, msg);
      msg.payload = await runAction(client, action, input, { ...paging, signal });
      send(msg);
      done();
      return false;
    }

    const pending = new Set<Promise<void>>();

    node.on('input', (msg, send, done) => {
      inFlight += 1;
      busy();
      const task: Promise<void> = run(msg, send, done)
        .then(
          (bulk) => {
            if (closing || bulk) return;
            if (inFlight > 1) busy();
            else status('green', 'dot', 'done', { action: action?.label ?? '' });
          },
          (error: unknown) => {
            const detail =
              error instanceof MemberspotNodeError ? { message: error.message, hint: error.hint, code: error.code } : describeError(error);
            msg.error = detail;
            if (!closing) show({ fill: 'red', shape: 'ring', text: detail.message.slice(0, 60) });
            done(new MemberspotNodeError(detail));
          },
        )
        .catch((error: unknown) => {
          // Only reached if send() or done() threw: report it, never let it become an unhandled rejection.
          try {
            node.error(error instanceof Error ? error.message : String(error));
          } catch {
            /* nothing more to do */
          }
        })
        .finally(() => {
          inFlight -= 1;
          pending.delete(task);
        });
      pending.add(task);
    });

    node.on('close', (_removed, done) => {
      closing = true;
      shown.stop();
      // Calls waiting for the limiter or a retry are cancelled at once (each ends in done(err)); a request
      // already on the wire is abandoned. The account closes its client when this was its last user.
      running.abort();
      const left = account && account.type === CONFIG_TYPE ? account.deregister(node) : Promise.resolve();
      Promise.allSettled([...pending, left]).then(() => {
        node.status({});
        done();
      });
    });
  }

  RED.nodes.registerType('memberspot', MemberspotNode as never);
};
