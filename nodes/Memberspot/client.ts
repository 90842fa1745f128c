/** Creates a core client for one node run from the `memberspotApi` credential and n8n's request helper. */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { createClient, type MemberspotClient } from '../../shared';
import { CREDENTIAL_TYPE, n8nTransport } from './transport';

export async function memberspotClient(context: IExecuteFunctions | ILoadOptionsFunctions): Promise<MemberspotClient> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const rate = Number(credentials.requestsPerSecond);
	// Seconds in the credential; credentials saved before the field existed have none: the core's 30 s.
	const timeout = credentials.timeout === '' || credentials.timeout === null ? NaN : Number(credentials.timeout);
	let client: MemberspotClient | undefined = undefined;
	// The key is given to the client only for the per-account limiter and for redaction: n8n sends it,
	// through the credential's `authenticate` block.
	client = createClient({
		apiKey: String(credentials.apiKey ?? ''),
		baseUrl: typeof credentials.baseUrl === 'string' && credentials.baseUrl.trim() !== '' ? credentials.baseUrl : undefined,
		requestsPerSecond: Number.isFinite(rate) && rate > 0 ? rate : undefined,
		timeoutMs: Number.isFinite(timeout) && timeout > 0 ? Math.round(timeout * 1000) : undefined,
		// "Parallel requests"; credentials saved without it get the core's 8.
		parallelRequests: Number.isInteger(Number(credentials.parallelRequests)) && Number(credentials.parallelRequests) > 0 ? Number(credentials.parallelRequests) : undefined,
		// Optional: shares the limit with the other workers; without Redis it falls back with a warning.
		redisUrl: typeof credentials.redisUrl === 'string' && credentials.redisUrl.trim() !== '' ? credentials.redisUrl.trim() : undefined,
		onWarning: (message) => context.logger.warn(message),
		transport: n8nTransport(context, () => (client as MemberspotClient).baseUrl),
	});
	return client;
}
