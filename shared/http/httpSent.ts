/**
 * When a request made through Node's own http/https modules is on the wire, for transports that send
 * through a library they do not control (n8n's request helper, over axios and Node's http). The request's
 * `onSent` (./transport) is kept in an AsyncLocalStorage while the library runs; Node announces each new
 * client request on the `http.client.request.start` diagnostics channel within that same asynchronous
 * context, and the request's `finish` (all of it written to its socket, after any wait for the
 * connection) tells the limiter. A library that does not go through Node's http never finds the store, and
 * its requests count as sent when their answer came.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

const current = new AsyncLocalStorage<() => void>();
let listening = false;

function onRequestStart(message: unknown): void {
  const sent = current.getStore();
  if (!sent) return;
  const request = (message as { request?: ClientRequest }).request;
  if (request && typeof request.once === 'function') request.once('finish', sent);
}

/** Runs `send`; `onSent` is called when the first Node http request it makes is written to its socket. */
export function tellWhenSent<T>(onSent: (() => void) | undefined, send: () => Promise<T>): Promise<T> {
  if (!onSent) return send();
  if (!listening) {
    listening = true;
    subscribe('http.client.request.start', onRequestStart);
  }
  let told = false;
  return current.run(() => {
    if (told) return;
    told = true;
    onSent();
  }, send);
}
