/** Creates a core client for one node run from the Memberspot API credential and n8n's request helper. */
import type { ICredentialDataDecryptedObject, IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';
import { createClient, type ClientOptions, type MemberspotClient } from '../../shared';
import { CREDENTIAL_TYPE, n8nTransport } from './transport';

/** A number field's value, or undefined when it is empty, missing (saved before it existed) or not positive. */
function positive(value: ICredentialDataDecryptedObject[string] | undefined): number | undefined {
	if (value === '' || value === null || value === undefined) return undefined;
	const number = Number(value);
	return Number.isFinite(number) && number > 0 ? number : undefined;
}

function text(value: ICredentialDataDecryptedObject[string] | undefined): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The client options a saved credential gives; fields it lacks (saved by an older release) get the core's defaults. */
export function clientOptions(credentials: ICredentialDataDecryptedObject): Omit<ClientOptions, 'transport'> {
	// Seconds in the credential; without it the core's DEFAULT_TIMEOUT_MS.
	const timeout = positive(credentials.timeout);
	const parallel = positive(credentials.parallelRequests);
	return {
		apiKey: String(credentials.apiKey ?? ''),
		baseUrl: text(credentials.baseUrl),
		requestsPerSecond: positive(credentials.requestsPerSecond),
		timeoutMs: timeout === undefined ? undefined : Math.round(timeout * 1000),
		// Saved before "Parallel Requests" existed: the core's DEFAULT_PARALLEL_REQUESTS.
		parallelRequests: parallel === undefined ? undefined : Math.round(parallel),
		// Optional: shares the limit with the other workers; without Redis it falls back with a warning.
		redisUrl: text(credentials.redisUrl),
	};
}

export async function memberspotClient(context: IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions): Promise<MemberspotClient> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	// The key is given to the client only for the per-account limiter and for redaction: n8n sends it,
	// through the credential's `authenticate` block.
	const client: MemberspotClient = createClient({
		...clientOptions(credentials),
		onWarning: (message) => context.logger.warn(message),
		transport: n8nTransport(context, () => client.baseUrl),
	});
	return client;
}
