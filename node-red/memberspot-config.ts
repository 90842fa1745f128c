/**
 * memberspot-config: one Memberspot account (API key, base URL, requests per second, parallel requests).
 *
 * It owns ONE core client, and with it the account's rate limiter and keep-alive connections, shared by
 * every node that uses it. As with Node-RED's MQTT broker node, the nodes using it register and deregister:
 * the client is made on first use, closed when the last user leaves (and made again on the next use), and
 * its warnings (Redis unreachable) show on every user's status. Closing fails calls still waiting at once,
 * so it never hangs.
 *
 * It also serves the editor's pickers (offers, custom properties) through admin endpoints that use the
 * deployed node's key on the server; the key itself never reaches the browser.
 */
import { createClient, DEFAULT_BASE_URL, DEFAULT_REQUESTS_PER_SECOND, DEFAULT_TIMEOUT_MS, describeError, pickerOptions, TimeoutError, ValidationError } from '../shared';
import type { MemberspotClient } from '../shared';
import { CONFIG_TYPE, PICKERS, READ_PERMISSION, type AccountUser, type ConfigDef, type MemberspotConfigNode } from './common';
import type { RED, Request, Response } from './types';

function positiveNumber(value: unknown, fallback: number): number {
  const n = Number(value);
  return value !== '' && value !== null && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** The core's default, in the seconds the config node holds. */
const DEFAULT_TIMEOUT_S = DEFAULT_TIMEOUT_MS / 1000;
/** "Parallel requests": blank or missing (flows saved before it existed) is the core's default; the core validates the rest. */
function parallelRequests(value: unknown): number | undefined {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') ? undefined : Number(value);
}

export = function register(RED: RED): void {
  function MemberspotConfig(this: MemberspotConfigNode, config: ConfigDef): void {
    RED.nodes.createNode(this, config);
    // Node-RED calls the constructor with the node as `this`; handlers below need it.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    node.name = config.name;
    node.baseUrl = (config.baseUrl ?? '').trim() || DEFAULT_BASE_URL;
    node.requestsPerSecond = positiveNumber(config.requestsPerSecond, DEFAULT_REQUESTS_PER_SECOND);
    const timeoutMs = positiveNumber(config.timeout, DEFAULT_TIMEOUT_S) * 1000;
    const parallel = parallelRequests(config.parallelRequests);
    node.users = new Set();

    let client: MemberspotClient | undefined;
    let warning: string | undefined;
    /** Aborts the editor's list requests when the account closes. */
    const closing = new AbortController();

    function tellUsers(text: string | undefined) {
      warning = text;
      for (const user of node.users) user.accountWarning?.(text);
    }

    node.client = () => {
      if (closing.signal.aborted) {
        throw new ValidationError([{ field: 'config', message: 'this Memberspot account node was stopped (redeploy in progress)' }]);
      }
      if (!client) {
        // createClient validates the key and the base URL; its errors are redacted and say what to fix.
        const made = createClient({
          apiKey: node.credentials?.apiKey ?? '',
          baseUrl: node.baseUrl,
          requestsPerSecond: node.requestsPerSecond,
          parallelRequests: parallel,
          timeoutMs,
          // Optional: shares the limit with other Node-RED instances; without Redis it falls back with a warning.
          redisUrl: node.credentials?.redisUrl?.trim() || undefined,
          onWarning: (message, fallback) => {
            if (client !== made) return;
            node.warn(message);
            tellUsers(fallback ? message : undefined);
          },
        });
        client = made;
      }
      return client;
    };

    /** Closes the client (calls still waiting fail at once); the next use makes a new one. */
    function closeClient(): Promise<void> {
      const closingClient = client;
      client = undefined;
      if (warning !== undefined) tellUsers(undefined);
      return closingClient ? closingClient.close().catch(() => undefined) : Promise.resolve();
    }

    node.register = (user: AccountUser) => {
      node.users.add(user);
      if (warning !== undefined) user.accountWarning?.(warning);
    };
    node.deregister = (user: AccountUser) => {
      node.users.delete(user);
      return node.users.size === 0 && pickerCalls === 0 ? closeClient() : Promise.resolve();
    };

    /** Editor list requests under way (they may use a client that no node uses). */
    let pickerCalls = 0;
    node.pickerOptions = async (picker, filter) => {
      const shared = node.client();
      pickerCalls += 1;
      const call = new AbortController();
      const onClose = () => call.abort();
      closing.signal.addEventListener('abort', onClose, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        call.abort();
      }, timeoutMs);
      // pickerOptions only calls execute: give each of its calls this request's signal.
      const signalled = { execute: (id: never, input?: unknown) => shared.execute(id, input, { signal: call.signal }) } as unknown as MemberspotClient;
      try {
        return await pickerOptions(signalled, picker, filter);
      } catch (error) {
        if (timedOut) throw new TimeoutError(`Memberspot did not send the list within ${timeoutMs / 1000} s (the account's timeout).`, { hint: 'Try again later.' });
        throw error;
      } finally {
        clearTimeout(timer);
        closing.signal.removeEventListener('abort', onClose);
        pickerCalls -= 1;
        // A client made only for the editor is not kept open without users.
        if (node.users.size === 0 && pickerCalls === 0 && client === shared && !closing.signal.aborted) void closeClient();
      }
    };

    node.on('close', (_removed, done) => {
      closing.abort();
      node.users.clear();
      // close() fails waiting calls with ClientClosedError and never hangs; done() is called either way.
      closeClient().then(() => done());
    });
  }

  RED.nodes.registerType(CONFIG_TYPE, MemberspotConfig as never, {
    credentials: { apiKey: { type: 'password' }, redisUrl: { type: 'password' } },
  });

  for (const [route, picker] of Object.entries(PICKERS)) {
    RED.httpAdmin.get(`/memberspot/:configId/${route}`, RED.auth.needsPermission(READ_PERMISSION), (req: Request, res: Response) => {
      const config = RED.nodes.getNode(req.params.configId) as MemberspotConfigNode | null;
      if (!config || config.type !== CONFIG_TYPE) {
        res.status(404).json({ error: 'not-deployed', message: 'Deploy the Memberspot account first, then load the list again.' });
        return;
      }
      const filter = typeof req.query?.filter === 'string' ? req.query.filter : undefined;
      Promise.resolve()
        .then(() => config.pickerOptions(picker, filter))
        .then(
          (options) => res.json(options.map(({ name, value }) => ({ name, value }))),
          (error: unknown) => {
            const { message, hint, code } = describeError(error);
            res.status(502).json({ error: code, message, hint });
          },
        );
    });
  }
};
