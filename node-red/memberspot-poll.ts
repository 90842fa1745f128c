/**
 * memberspot-poll: sends a message for every member who joined, got or lost an offer, found by reading
 * Memberspot's user list every `interval` seconds: no setup in Memberspot. The poll itself (paging, state,
 * events, safety stops) is the core's (shared/poll); this node schedules it, keeps the state in the chosen
 * context store (written only after a completed poll), shows the status and reports errors Catch-able.
 *
 * One poll at a time: the next one is scheduled when the last one ended; a message on the input polls now
 * (unless a poll runs). Closing the node (redeploy, stop) cancels a poll in flight; its result is dropped
 * and the state stays as the last completed poll left it.
 */
import { describeError, poll, POLL_EVENTS, type PollEventName } from '../shared';
import { CONFIG_TYPE, MemberspotNodeError, type AccountUser, type MemberspotConfigNode } from './common';
import type { Done, NodeStatus, RED } from './types';

interface PollDef {
  id: string;
  name?: string;
  account?: string;
  event?: string;
  accessId?: string;
  /** Seconds between polls (default 300, at least 10). */
  interval?: number | string;
  /** The context store for the state; empty: the default store. */
  store?: string;
  emitOnFirstPoll?: boolean | string;
  confirmMassChanges?: boolean | string;
}

type ContextStore = {
  get(key: string, store: string | undefined, callback: (err: Error | null, value?: unknown) => void): void;
  set(key: string, value: unknown, store: string | undefined, callback: (err: Error | null) => void): void;
};
type PollNode = AccountUser & { context(): ContextStore };

/** The node context key of the state. */
const STATE_KEY = 'memberspotPoll';
const DEFAULT_INTERVAL_S = 300;
const MIN_INTERVAL_S = 10;

function flag(value: unknown): boolean {
  return value === true || value === 'true';
}

/** The interval in seconds, or a message naming the field. */
function intervalOf(value: unknown): number | string {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return DEFAULT_INTERVAL_S;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < MIN_INTERVAL_S) return `interval must be a number of seconds, at least ${MIN_INTERVAL_S}, not ${JSON.stringify(value)}`;
  return seconds;
}

function clock(date: Date): string {
  return date.toTimeString().slice(0, 8);
}

export = function register(RED: RED): void {
  function MemberspotPoll(this: PollNode, config: PollDef): void {
    RED.nodes.createNode(this, config);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const account = config.account ? (RED.nodes.getNode(config.account) as MemberspotConfigNode | null) : null;
    const event = (config.event ?? 'newMember') as PollEventName;
    const accessId = (config.accessId ?? '').trim();
    const store = config.store && config.store.trim() !== '' ? config.store.trim() : undefined;
    const interval = intervalOf(config.interval);
    const emitOnFirstPoll = flag(config.emitOnFirstPoll);
    const confirmMassChanges = flag(config.confirmMassChanges);
    // Not throttled (as the action node's is): one poll at a time shows at most two statuses, and each shows.
    let stopped = false;
    const shown = { set: (status: NodeStatus) => !stopped && node.status(status), stop: () => (stopped = true) };
    const closing = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    let warning: string | undefined;
    let base: NodeStatus = {};

    function show(status: NodeStatus) {
      base = status;
      if (!warning) return shown.set(status);
      shown.set({ fill: status.fill === 'red' ? 'red' : 'yellow', shape: 'ring', text: `${status.text ?? ''} · ${RED._('memberspot-poll.status.redisFallback')}` });
    }
    node.accountWarning = (text) => {
      warning = text;
      if (!closing.signal.aborted) show(base);
    };

    /** A setup problem: red status, one node.error (Catch-able), and no polling. */
    function refuse(message: string) {
      show({ fill: 'red', shape: 'ring', text: message });
      // Once the flows have started, so that the Catch nodes (maybe created after this node) get it.
      const report = () => {
        if (!closing.signal.aborted) node.error(message, { topic: 'error', payload: { event, accessId: accessId || undefined }, error: { message, code: 'VALIDATION' } });
      };
      if (!RED.events) return void setTimeout(report, 0);
      RED.events.once('flows:started', report);
      closing.signal.addEventListener('abort', () => RED.events?.removeListener('flows:started', report), { once: true });
    }

    const problem =
      !account || account.type !== CONFIG_TYPE
        ? 'account is required: pick the Memberspot account in the node'
        : !POLL_EVENTS.includes(event)
          ? `event must be one of ${POLL_EVENTS.join(', ')}, not ${JSON.stringify(config.event)}`
          : event !== 'newMember' && accessId === ''
            ? `accessId is required for ${event}: pick the offer (Access ID) whose holders to watch`
            : typeof interval === 'string'
              ? interval
              : undefined;

    const readState = () =>
      new Promise<unknown>((resolve, reject) => node.context().get(STATE_KEY, store, (err, value) => (err ? reject(err) : resolve(value))));
    const writeState = (value: unknown) =>
      new Promise<void>((resolve, reject) => node.context().set(STATE_KEY, value, store, (err) => (err ? reject(err) : resolve())));

    async function once(): Promise<void> {
      const client = (account as MemberspotConfigNode).client();
      show({ fill: 'blue', shape: 'dot', text: RED._('memberspot-poll.status.polling') });
      const stored = await readState();
      const result = await poll(client, stored, { event, accessId, emitOnFirstPoll, confirmMassChanges, signal: closing.signal });
      if (closing.signal.aborted) return;
      // The state first, then the messages: a state that cannot be written sends nothing (the next poll retries).
      await writeState(result.state);
      if (closing.signal.aborted) return;
      for (const payload of result.events) node.send({ topic: payload.event, payload });
      const at = clock(new Date(result.state.polledAt));
      show({
        fill: 'green',
        shape: 'dot',
        text: RED._(result.baseline && result.events.length === 0 ? 'memberspot-poll.status.baseline' : 'memberspot-poll.status.polled', {
          time: at,
          users: result.listed,
          events: result.events.length,
        }),
      });
    }

    /** A failed poll: red status, and the error for Catch nodes. */
    function failed(error: unknown): MemberspotNodeError {
      const detail = describeError(error);
      show({ fill: 'red', shape: 'ring', text: `${clock(new Date())} ${detail.message}`.slice(0, 120) });
      return new MemberspotNodeError(detail);
    }

    /** One poll now, unless one runs (then nothing: never two at once); the next is scheduled when it ends. */
    function start(done?: Done) {
      if (closing.signal.aborted) return done?.();
      if (running) return done?.();
      if (timer) clearTimeout(timer);
      timer = undefined;
      running = once()
        .then(
          () => done?.(),
          (error: unknown) => {
            if (closing.signal.aborted) return done?.();
            const nodeError = failed(error);
            // The state stays; the next poll catches up.
            if (done) return done(nodeError);
            node.error(nodeError, { topic: 'error', payload: { event, accessId: accessId || undefined }, error: { message: nodeError.message, code: nodeError.code } });
          },
        )
        .finally(() => {
          running = undefined;
          schedule((interval as number) * 1000);
        });
    }

    function schedule(delayMs: number) {
      if (closing.signal.aborted) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        start();
      }, delayMs);
    }

    // Any message polls now (e.g. from an inject node), unless a poll is running.
    node.on('input', (_msg, _send, done) => {
      if (problem !== undefined) return done(new MemberspotNodeError({ message: problem, hint: '', code: 'VALIDATION' }));
      start(done);
    });

    if (problem !== undefined) {
      refuse(problem);
    } else {
      (account as MemberspotConfigNode).register(node);
      show({ fill: 'grey', shape: 'ring', text: RED._('memberspot-poll.status.waiting') });
      // The first poll right after the deploy (the baseline, or the catch-up after a restart).
      schedule(0);
    }

    node.on('close', (_removed, done) => {
      closing.abort();
      if (timer) clearTimeout(timer);
      shown.stop();
      const left = problem === undefined ? (account as MemberspotConfigNode).deregister(node) : Promise.resolve();
      Promise.allSettled([running, left]).then(() => {
        node.status({});
        done();
      });
    });
  }

  RED.nodes.registerType('memberspot-poll', MemberspotPoll as never);
};
