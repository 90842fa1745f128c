/**
 * What went wrong, as a typed error that says what to do: an HTTP answer outside 2xx, a transport failure
 * (timeout, network), a request the HTTP library refused, a cancelled call, or anything unexpected.
 * Redirects are mapped by `redirectError` (./errors). The client redacts every error before throwing it.
 */
import { STATUS_CODES } from 'node:http';
import {
  ApiError,
  AuthenticationError,
  ClientClosedError,
  MemberspotError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
  ValidationError,
} from './errors';
import type { TransportError, TransportResponse } from './http/transport';
import type { ActionDefinition, ActionId, ApiRequest } from './types';

const CLOSED_MID_CALL = 'The Memberspot client was closed before this call finished; a request already sent may have taken effect.';

type AnyActionDefinition = ActionDefinition<unknown, unknown>;

const attemptsText = (attempts: number) => `${attempts} attempt${attempts === 1 ? '' : 's'}`;

/** The call ended because its client closed (`closed`) or its caller's signal aborted. */
export function cancelledError(closed: boolean, actionId: ActionId, attempts: number): ClientClosedError {
  if (closed) return new ClientClosedError({ actionId, attempts, ...(attempts > 0 && { message: CLOSED_MID_CALL }) });
  return new ClientClosedError({
    actionId,
    attempts,
    message: 'The call was cancelled before it finished: the workflow or flow that made it was stopped.',
    hint: 'Run the item again if it is still needed.',
  });
}

/** No answer (timeout) or no connection (network), after `attempts`; `retried` says whether it was safe to repeat. */
export function transportFailure(
  error: TransportError,
  attempts: number,
  retried: boolean,
  context: { actionId: ActionId; timeoutMs: number; baseUrl: string },
): MemberspotError {
  const { actionId, timeoutMs, baseUrl } = context;
  const tries = attemptsText(attempts);
  const why = retried ? '' : ' It was not repeated automatically, because repeating it may not be safe; check in Memberspot whether it took effect.';
  if (error.kind === 'timeout') {
    return new TimeoutError(`Memberspot did not answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} (${tries}).${why}`, {
      actionId,
      attempts,
      cause: error,
      hint: 'Memberspot may be slow or unreachable right now; run the item again later.',
    });
  }
  return new NetworkError(`Could not reach Memberspot at ${baseUrl} (${error.code ?? error.message}; ${tries}).${why}`, {
    actionId,
    attempts,
    cause: error,
    hint: 'Check the base URL in the credentials and that this machine can reach it.',
  });
}

/** An answer outside 2xx and 3xx that is not retried (any more); `rate` is the requests per second in force. */
export function httpFailure(
  action: AnyActionDefinition,
  input: unknown,
  request: ApiRequest,
  response: TransportResponse,
  outcome: { attempts: number; safeToRetry: boolean; rate: number },
): MemberspotError {
  const { status } = response;
  const { attempts, safeToRetry, rate } = outcome;
  const said = apiMessage(response.body);
  // NestJS often says just the status text ({ statusCode: 401, message: 'Unauthorized' }): not repeated.
  const suffix = said && said.trim().toLowerCase() !== (STATUS_CODES[status] ?? '').toLowerCase() ? `: ${said}` : '';
  const options = { actionId: action.id, status, attempts };
  if (status === 401) {
    return new AuthenticationError(`Memberspot rejected the API key (401 Unauthorized${suffix}).`, {
      ...options,
      hint: "Check the API key in the Memberspot credentials; create a key in Memberspot's settings under Integrations.",
    });
  }
  if (status === 403) {
    return new AuthenticationError(`Memberspot refused access (403 Forbidden${suffix}).`, {
      ...options,
      hint: 'The API needs the Enterprise plan or the API add-on (Find User by Email needs Enterprise); check the plan and the key.',
    });
  }
  if (status === 404) {
    const message = action.notFound ? action.notFound(input) : `Memberspot found nothing at ${request.method} ${request.path}${suffix}.`;
    return new NotFoundError(message, { ...options, hint: 'Check the email and IDs given to this node.' });
  }
  if (status === 429) {
    return new RateLimitError(`Memberspot's rate limit was still exceeded after ${attempts} attempts (429 Too Many Requests).`, {
      ...options,
      hint: `Lower "Requests per Second" in the credentials (now ${rate}) or spread the items out; Memberspot allows 4 requests per second on user lookups.`,
    });
  }
  if (status >= 500 || status === 408) {
    return new ApiError(`Memberspot answered ${status}${suffix} (${attemptsText(attempts)}).`, {
      ...options,
      apiMessage: said,
      hint: safeToRetry
        ? 'This is usually a temporary problem at Memberspot: run the item again later (the action is safe to repeat).'
        : 'It was not repeated automatically, because repeating it may not be safe: check in Memberspot whether it took effect.',
    });
  }
  return new ApiError(`Memberspot refused the request (${status}${suffix}).`, {
    ...options,
    apiMessage: said,
    hint: "Check the fields named in Memberspot's message.",
  });
}

/** The HTTP library refused to send the request (a header or path it cannot encode): permanent, nothing sent. */
export function refusedBeforeSending(error: TransportError, action: AnyActionDefinition): ValidationError {
  return new ValidationError(
    [{ field: 'request', message: `could not be sent: the HTTP client refused it (${error.message}); check the path and headers given to this node` }],
    { actionId: action.id, actionLabel: action.label, cause: error },
  );
}

/** A MemberspotError as it is; anything else is unexpected: its message is kept, never its properties. */
export function asMemberspotError(error: unknown): MemberspotError {
  if (error instanceof MemberspotError) return error;
  return new MemberspotError('API_ERROR', `Unexpected error: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
    hint: 'This looks like a bug in the Memberspot node; please report it.',
  });
}

/** What Memberspot said: NestJS's `message` (text or list), `error`, or a short text body. */
export function apiMessage(body: unknown): string {
  if (typeof body === 'string') return body.length > 300 ? `${body.slice(0, 300)}…` : body;
  if (typeof body !== 'object' || body === null) return '';
  const { message, error } = body as { message?: unknown; error?: unknown };
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'string' && message) return message;
  return typeof error === 'string' ? error : '';
}
