import { setTimeout as sleep } from 'node:timers/promises';
import { request as undiciRequest } from 'undici';
import { actions, type AnyAction } from '../shared/actions';
import { withQuery } from '../shared/client';
import { TransportError, parseBody } from '../shared/http/transport';
import type { ActionId, ApiRequest } from '../shared/types';
import { UndiciTransport } from '../shared/http/undiciTransport';
import { parseInput } from '../shared/validation';

export interface Answer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: unknown;
}

/** No HTTP answer: `tls` for certificate problems, `network` for the rest, `timeout`; `invalid`: not sent, the action refused the input. */
export interface NoAnswer {
  status: 'tls' | 'network' | 'timeout' | 'invalid';
  code?: string;
}

export type Outcome = Answer | NoAnswer;

export const isAnswer = (outcome: Outcome): outcome is Answer => typeof outcome.status === 'number';

const TLS_CODE = /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i;
/** Slightly under Memberspot's 4 requests per second on the limited endpoints. */
const LIMITED_SPACING_MS = 270;
const MAX_429_RETRIES = 3;
const TIMEOUT_MS = 15_000;

/**
 * The doctor's own requests: the registry builds them (so the doctor checks what the nodes really send),
 * the shared undici transport sends them once, without the client's retries, so every status is seen.
 * Redirects are never followed (undici does not follow them): a 3xx comes back as an answer.
 */
export class DoctorHttp {
  private readonly transport: UndiciTransport;
  private lastLimited = 0;
  /** 429 answers met (and waited out) outside the rate probe. */
  throttled = 0;

  constructor(readonly baseUrl: string, apiKey: string) {
    this.transport = new UndiciTransport({ baseUrl, apiKey, connectTimeoutMs: 10_000 });
  }

  build(actionId: ActionId, input: unknown): ApiRequest {
    return buildRequest(actionId, input, this.baseUrl);
  }

  /** Runs an action's request; on the limited endpoints spaced out, and a 429 waited out (up to three times). */
  async action(actionId: ActionId, input: unknown, options: { wait429?: boolean } = {}): Promise<Outcome> {
    const limited = actions[actionId].rateLimited;
    let request: ApiRequest;
    try {
      request = this.build(actionId, input);
    } catch {
      // e.g. an address from the API that the action's own validation refuses: nothing is sent.
      return { status: 'invalid' };
    }
    for (let attempt = 0; ; attempt += 1) {
      if (limited) await this.space();
      const outcome = await this.send(request);
      if (!isAnswer(outcome) || outcome.status !== 429 || options.wait429 === false || attempt >= MAX_429_RETRIES) return outcome;
      this.throttled += 1;
      const seconds = Number(outcome.headers['retry-after']);
      await sleep(Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 10) * 1000 : 1000);
    }
  }

  async send(request: ApiRequest): Promise<Outcome> {
    try {
      return await this.transport.request({
        method: request.method,
        path: withQuery(request.path, request.query),
        headers: request.headers ?? {},
        body: request.body,
        timeoutMs: TIMEOUT_MS,
      });
    } catch (error) {
      return noAnswer(error);
    }
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private async space(): Promise<void> {
    const wait = this.lastLimited + LIMITED_SPACING_MS - Date.now();
    if (wait > 0) await sleep(wait);
    this.lastLimited = Date.now();
  }
}

/** The request an action builds for this input (validated by the action's own schema), as the nodes send it. */
export function buildRequest(actionId: ActionId, input: unknown, baseUrl: string): ApiRequest {
  const action: AnyAction = actions[actionId];
  const parsed = parseInput(action.schema, input, actionId, action.label);
  return action.request(parsed, { baseUrl });
}

function noAnswer(error: unknown): NoAnswer {
  const code = error instanceof TransportError ? error.code : (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : '';
  if (error instanceof TransportError && error.kind === 'timeout') return { status: 'timeout', code };
  return { status: TLS_CODE.test(`${code ?? ''} ${message}`) ? 'tls' : 'network', code };
}

/** A GET without the key (the API docs need none), never following a redirect. */
export async function getWithoutKey(url: string): Promise<Outcome> {
  try {
    const response = await undiciRequest(url, { method: 'GET', headers: { accept: 'application/json' }, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { status: response.statusCode, headers, body: parseBody(await response.body.text()) };
  } catch (error) {
    return noAnswer(error);
  }
}

/** Says what a failed outcome was, without values: the status, or the kind of network failure. */
export function describeOutcome(outcome: Outcome): string {
  if (isAnswer(outcome)) return `HTTP ${outcome.status}`;
  const code = outcome.code ? ` (${outcome.code})` : '';
  return {
    tls: `TLS problem${code}`,
    network: `no connection${code}`,
    timeout: `no answer in time${code}`,
    invalid: 'not sent: the action refused the input',
  }[outcome.status];
}
