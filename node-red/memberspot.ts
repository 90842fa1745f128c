/**
 * memberspot: runs one Memberspot action per message, through the account's shared client and limiter.
 *
 * Each field of the action is a typedInput, resolved with RED.util.evaluateNodeProperty; a field left at
 * "msg.<field>" (or blank) takes msg.<field name>. The result replaces msg.payload on the same msg. With
 * msg.payload an array of input objects, every element runs (through the limiter) and msg.payload becomes
 * one result per element. Failures go to done(err), so Catch nodes see them; the handler never throws.
 */
import { actions, describeError, isActionId, buildInput } from '../shared';
import type { AnyAction } from '../shared';
import { BLANK_FALLS_BACK, FALLBACK_TYPE, OPTIONS_TYPE } from './fields';
import { CONFIG_TYPE, MemberspotNodeError, type MemberspotConfigNode } from './common';
import type { Done, Msg, RED, RedNode, Send } from './types';

interface ActionDef {
  id: string;
  name?: string;
  action?: string;
  account?: string;
  [property: string]: unknown;
}

/** Elements of a bulk payload run with at most this many in flight (the limiter paces rate-limited ones). */
const BULK_CONCURRENCY = 4;

export = function register(RED: RED): void {
  function evaluate(value: string, type: string, node: RedNode, msg: Msg): Promise<unknown> {
    return new Promise((resolve, reject) => {
      try {
        RED.util.evaluateNodeProperty(value, type, node, msg, (err, result) => (err ? reject(err) : resolve(result)));
      } catch (error) {
        reject(error);
      }
    });
  }

  function MemberspotNode(this: RedNode, config: ActionDef): void {
    RED.nodes.createNode(this, config);
    // Node-RED calls the constructor with the node as `this`; handlers below need it.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const account = config.account ? (RED.nodes.getNode(config.account) as MemberspotConfigNode | null) : null;
    const action: AnyAction | undefined = isActionId(config.action) ? actions[config.action] : undefined;
    const running = new AbortController();
    let inFlight = 0;
    let closing = false;

    if (account && account.type === CONFIG_TYPE) account.register(node);

    function status(fill: 'grey' | 'blue' | 'green' | 'red' | 'yellow', shape: 'ring' | 'dot', key: string, values?: Record<string, unknown>) {
      node.status({ fill, shape, text: RED._(`memberspot.status.${key}`, values) });
    }

    if (!action) status('red', 'ring', 'noAction');
    else if (!account) status('red', 'ring', 'noAccount');

    /** The value of one field for one input: the node's setting, or msg.<name> / the bulk element's <name>. */
    async function fieldValue(name: string, msg: Msg, fallback: Record<string, unknown>): Promise<unknown> {
      const type = typeof config[`${name}Type`] === 'string' ? (config[`${name}Type`] as string) : FALLBACK_TYPE;
      const raw = config[name];
      const value = raw === undefined || raw === null ? '' : String(raw);
      if (type === FALLBACK_TYPE || (BLANK_FALLS_BACK.has(type) && value.trim() === '')) return fallback[name];
      if (type === OPTIONS_TYPE) return value;
      return evaluate(value, type, node, msg);
    }

    async function inputFor(act: AnyAction, msg: Msg, fallback: Record<string, unknown>): Promise<Record<string, unknown>> {
      const values: Record<string, unknown> = {};
      for (const field of act.fields) values[field.name] = await fieldValue(field.name, msg, fallback);
      return buildInput(act, (name) => values[name]);
    }

    /** Runs one message; resolves to true for a bulk payload (which sets its own final status). */
    async function run(msg: Msg, send: Send, done: Done): Promise<boolean> {
      if (!action) throw new MemberspotNodeError({ message: RED._('memberspot.errors.noAction'), hint: '', code: 'CONFIG' });
      if (!account || account.type !== CONFIG_TYPE) {
        throw new MemberspotNodeError({ message: RED._('memberspot.errors.noAccount'), hint: '', code: 'CONFIG' });
      }
      const client = account.client();
      const signal = running.signal;
      const payload = msg.payload;
      if (Array.isArray(payload) && payload.length > 0 && payload.every((p) => typeof p === 'object' && p !== null && !Array.isArray(p))) {
        const elements = payload as Array<Record<string, unknown>>;
        const results: unknown[] = new Array(elements.length);
        let next = 0;
        let finished = 0;
        let failed = 0;
        status('blue', 'dot', 'progress', { done: 0, total: elements.length });
        const worker = async () => {
          while (next < elements.length) {
            const index = next++;
            try {
              const input = await inputFor(action, msg, elements[index]);
              results[index] = { ok: true, result: await client.execute(action.id, input, { signal }) };
            } catch (error) {
              failed += 1;
              results[index] = { ok: false, error: describeError(error) };
            }
            finished += 1;
            if (!closing) status('blue', 'dot', 'progress', { done: finished, total: elements.length });
          }
        };
        await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, elements.length) }, worker));
        msg.payload = results;
        if (failed > 0) status('yellow', 'dot', 'bulkFailed', { ok: elements.length - failed, failed, total: elements.length });
        else status('green', 'dot', 'bulkDone', { total: elements.length });
        send(msg);
        done();
        return true;
      }
      const input = await inputFor(action, msg, msg);
      status('blue', 'dot', 'working', { action: action.label });
      msg.payload = await client.execute(action.id, input, { signal });
      send(msg);
      done();
      return false;
    }

    const pending = new Set<Promise<void>>();

    node.on('input', (msg, send, done) => {
      inFlight += 1;
      status('yellow', 'ring', 'queued', { count: inFlight });
      const task: Promise<void> = run(msg, send, done)
        .then(
          (bulk) => {
            if (closing || bulk) return;
            if (inFlight > 1) status('blue', 'dot', 'working', { action: action?.label ?? '' });
            else status('green', 'dot', 'done', { action: action?.label ?? '' });
          },
          (error: unknown) => {
            const detail =
              error instanceof MemberspotNodeError ? { message: error.message, hint: error.hint, code: error.code } : describeError(error);
            msg.error = detail;
            if (!closing) node.status({ fill: 'red', shape: 'ring', text: detail.message.slice(0, 60) });
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
      // Calls waiting for the limiter or a retry are cancelled at once (each ends in done(err)); a request
      // already on the wire is abandoned. Then the node is closed: this never waits for Memberspot.
      running.abort();
      account?.deregister?.(node);
      Promise.allSettled([...pending]).then(() => {
        node.status({});
        done();
      });
    });
  }

  RED.nodes.registerType('memberspot', MemberspotNode as never);
};
