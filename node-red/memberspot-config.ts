/**
 * memberspot-config: one Memberspot account (API key, base URL, requests per second).
 *
 * It owns ONE core client, and with it the account's rate limiter and keep-alive connections, shared by
 * every node that uses it. Nodes register with it; on redeploy or shutdown it closes the client, which
 * fails calls still waiting at once, so closing never hangs.
 *
 * It also serves the editor's pickers (offers, custom properties) through admin endpoints that use the
 * deployed node's key on the server; the key itself never reaches the browser.
 */
import { createClient, DEFAULT_BASE_URL, DEFAULT_REQUESTS_PER_SECOND, describeError, pickerOptions, ValidationError } from '../shared';
import type { MemberspotClient } from '../shared';
import { CONFIG_TYPE, PICKERS, READ_PERMISSION, type ConfigDef, type MemberspotConfigNode } from './common';
import type { RED, Request, Response } from './types';

function positiveNumber(value: unknown, fallback: number): number {
  const n = Number(value);
  return value !== '' && value !== null && Number.isFinite(n) && n > 0 ? n : fallback;
}

const DEFAULT_TIMEOUT_S = 30;

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
    node.users = new Set();

    let client: MemberspotClient | undefined;
    let closed = false;

    node.client = () => {
      if (closed) {
        throw new ValidationError([{ field: 'config', message: 'this Memberspot account node was stopped (redeploy in progress)' }]);
      }
      if (!client) {
        // createClient validates the key and the base URL; its errors are redacted and say what to fix.
        client = createClient({
          apiKey: node.credentials?.apiKey ?? '',
          baseUrl: node.baseUrl,
          requestsPerSecond: node.requestsPerSecond,
          timeoutMs,
          // Optional: shares the limit with other Node-RED instances; without Redis it falls back with a warning.
          redisUrl: node.credentials?.redisUrl?.trim() || undefined,
          onWarning: (message) => node.warn(message),
        });
      }
      return client;
    };
    node.register = (user) => {
      node.users.add(user);
    };
    node.deregister = (user) => {
      node.users.delete(user);
    };

    node.on('close', (_removed, done) => {
      closed = true;
      node.users.clear();
      const closing = client;
      client = undefined;
      if (!closing) return done();
      // close() fails waiting calls with ClientClosedError and never hangs; done() is called either way.
      closing.close().then(
        () => done(),
        () => done(),
      );
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
        .then(() => pickerOptions(config.client(), picker, filter))
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
