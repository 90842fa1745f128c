/** Creates a core client for one node run from the `memberspotApi` credential and n8n's request helper. */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { createClient, type MemberspotClient } from '../../shared';
import { CREDENTIAL_TYPE, n8nTransport } from './transport';

export async function memberspotClient(context: IExecuteFunctions | ILoadOptionsFunctions): Promise<MemberspotClient> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const rate = Number(credentials.requestsPerSecond);
	let client: MemberspotClient | undefined = undefined;
	// The key is given to the client only for the per-account limiter and for redaction: n8n sends it,
	// through the credential's `authenticate` block.
	client = createClient({
		apiKey: String(credentials.apiKey ?? ''),
		baseUrl: typeof credentials.baseUrl === 'string' && credentials.baseUrl.trim() !== '' ? credentials.baseUrl : undefined,
		requestsPerSecond: Number.isFinite(rate) && rate > 0 ? rate : undefined,
		// Optional: shares the limit with the other workers; without Redis it falls back with a warning.
		redisUrl: typeof credentials.redisUrl === 'string' && credentials.redisUrl.trim() !== '' ? credentials.redisUrl.trim() : undefined,
		onWarning: (message) => context.logger.warn(message),
		transport: n8nTransport(context, () => (client as MemberspotClient).baseUrl),
	});
	return client;
}
