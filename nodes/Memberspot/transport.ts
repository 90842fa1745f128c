/**
 * The core's Transport on top of n8n's request helper: requests go through
 * `httpRequestWithAuthentication`, so n8n adds the API key (the credential's `authenticate` block) and
 * applies its proxy settings. Every HTTP status is handed to the core, which does the retries and the
 * error messages; only "no answer at all" becomes a TransportError. Redirects are never followed: a 3xx
 * answer goes to the core like any other status.
 */
import { NodeOperationError, type IExecuteFunctions, type IHttpRequestMethods, type IHttpRequestOptions, type ILoadOptionsFunctions, type IPollFunctions } from 'n8n-workflow';
import { parseBody, tellWhenSent, TransportError, type Transport, type TransportRequest, type TransportResponse } from '../../shared';

/** The credential type's name (not `memberspotApi`: another community package uses that one). */
export const CREDENTIAL_TYPE = 'memberflowMemberspotApi';

type RequestContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

const NETWORK_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EPIPE',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'UND_ERR_SOCKET',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'EPROTO',
	'CERT_HAS_EXPIRED',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Errors for requests that cannot be sent as given: permanent, never retried. */
const INVALID_CODES = new Set(['ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN', 'ERR_UNESCAPED_CHARACTERS', 'ERR_INVALID_ARG_VALUE', 'UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

function lowerCaseHeaders(headers: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (!headers || typeof headers !== 'object') return out;
	for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
		if (value === undefined || value === null) continue;
		out[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
	}
	return out;
}

function responseBody(body: unknown): unknown {
	if (body === undefined || body === null) return undefined;
	if (Buffer.isBuffer(body)) return parseBody(body.toString('utf8'));
	if (typeof body === 'string') return parseBody(body);
	return body;
}

/**
 * The error code of an error or of the errors it wraps. n8n wraps request errors in a NodeApiError that
 * keeps a system error's code (ECONNREFUSED, ECONNABORTED, ...) as its non-numeric `httpCode`.
 */
function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth += 1) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && code !== '') return code;
		const httpCode = (current as { httpCode?: unknown }).httpCode;
		if (typeof httpCode === 'string' && /^[A-Z_]{3,}$/.test(httpCode)) return httpCode;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function errorMessages(error: unknown): string {
	const parts: string[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current; depth += 1) {
		if (current instanceof Error) parts.push(current.message);
		current = (current as { cause?: unknown }).cause;
	}
	return parts.join(' | ');
}

/** Whether a thrown error means "no HTTP answer"; returns the TransportError to throw instead. */
export function toTransportError(error: unknown): TransportError | undefined {
	if (error instanceof TransportError) return error;
	const code = errorCode(error);
	const text = errorMessages(error);
	if (code && INVALID_CODES.has(code)) {
		// Node.js or undici refused to send what it was given (e.g. a character a header cannot hold): repeating cannot help.
		return new TransportError('invalid', `The request could not be sent (${code})`, code);
	}
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timeout of \d+ms exceeded|timed? ?out/i.test(text)) {
		return new TransportError('timeout', 'No answer in time', code);
	}
	if ((code && (NETWORK_CODES.has(code) || code.startsWith('ERR_') || code.startsWith('UND_ERR'))) || /socket hang up|ECONNREFUSED|ENOTFOUND|network/i.test(text)) {
		// Only the code goes on: the original error may hold the request options, headers included.
		return new TransportError('network', code ? `Connection failed (${code})` : 'Connection failed', code);
	}
	return undefined;
}

/**
 * A Transport sending through n8n. `baseUrl` is read at request time (the client normalises it).
 */
export function n8nTransport(context: RequestContext, baseUrl: () => string): Transport {
	return {
		async request(request: TransportRequest): Promise<TransportResponse> {
			// A caller's Accept or Content-Type (any case) replaces ours rather than adding a second one.
			const given = new Set(Object.keys(request.headers).map((name) => name.toLowerCase()));
			const headers: Record<string, string> = { ...request.headers };
			if (!given.has('accept')) headers.Accept = 'application/json';
			if (request.body !== undefined && !given.has('content-type')) headers['Content-Type'] = 'application/json';
			const options: IHttpRequestOptions = {
				method: request.method as IHttpRequestMethods,
				url: `${baseUrl()}${request.path}`,
				headers,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				// n8n follows 3xx by default and keeps the X-API-KEY header on a host change: never follow. A 3xx
				// reaches the core as an answer (status and `location`), which fails the call without sending
				// anything to the target.
				disableFollowRedirect: true,
				timeout: request.timeoutMs,
			};
			if (request.body !== undefined) options.body = request.body as IHttpRequestOptions['body'];
			if (request.signal) options.abortSignal = request.signal;
			let response: { statusCode?: number; status?: number; headers?: unknown; body?: unknown };
			try {
				// The limiter keeps its window from when the request is on the wire (shared/http/httpSent).
				response = (await tellWhenSent(request.onSent, () =>
					context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, options),
				)) as typeof response;
			} catch (error) {
				const transportError = toTransportError(error);
				if (transportError) throw transportError;
				// Anything else (e.g. the credential could not be read): keep the message only, never the
				// error's properties, which may hold the request options with the key header.
				throw new NodeOperationError(context.getNode(), error instanceof Error ? error.message : String(error));
			}
			const status = Number(response?.statusCode ?? response?.status);
			if (!Number.isInteger(status)) throw new TransportError('network', 'The answer had no HTTP status');
			return { status, headers: lowerCaseHeaders(response.headers), body: responseBody(response.body) };
		},
	};
}
