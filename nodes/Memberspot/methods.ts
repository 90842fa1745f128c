/**
 * The lists the editor shows: offers (searchable, for every Access ID) and the account's custom properties;
 * and the credential's Test button.
 */
import {
	NodeOperationError,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type ILoadOptionsFunctions,
	type INodeCredentialTestResult,
	type INodeListSearchResult,
	type INodePropertyOptions,
} from 'n8n-workflow';
import { createClient, describeError, MemberspotError, pickerOptions, type MemberspotClient } from '../../shared';
import { clientOptions, memberspotClient } from './client';
import { credentialTestTransport } from './transport';

async function withClient<T>(context: ILoadOptionsFunctions, run: (client: Awaited<ReturnType<typeof memberspotClient>>) => Promise<T>): Promise<T> {
	const client = await memberspotClient(context);
	try {
		return await run(client);
	} catch (error) {
		const { message, hint } = describeError(error);
		throw new NodeOperationError(context.getNode(), message, { description: hint });
	} finally {
		await client.close();
	}
}

export async function searchOffers(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const options = await withClient(this, (client) => pickerOptions(client, 'offers', filter));
	return { results: options.map((o) => ({ name: o.name, value: o.value })) };
}

export async function getCustomProperties(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const options = await withClient(this, (client) => pickerOptions(client, 'customProperties'));
	return options.map((o) => ({ name: o.name, value: o.value, description: o.description }));
}

/** What the Test button says for the answers a wrong setup gets. */
const TEST_MESSAGES: Record<number, string> = {
	401: 'Memberspot rejected the API key (401): check the key, or create a new one in Memberspot under Settings → Integrations',
	403: 'Memberspot refused access (403): the API needs the Enterprise plan or the API add-on',
	404: 'No Memberspot API at this base URL (404): use https://api.memberspot.de',
};

/**
 * The credential's Test button: lists the offers through the core client, once (no retries), with n8n's
 * request helper for the credential tester. A method rather than the credential's declarative `test`
 * request: that one cannot word a redirect (n8n reports "Request failed with status code 302"), and its
 * status rules are not applied by every n8n version.
 */
export async function memberspotApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const options = clientOptions(credential.data ?? {});
	let client: MemberspotClient;
	try {
		client = createClient({
			...options,
			maxRetries: 0,
			onWarning: (message) => this.logger.warn(message),
			// The credential tester offers no other request helper (ICredentialTestFunctions).
			// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
			transport: credentialTestTransport(this.helpers.request, options.apiKey, () => client.baseUrl),
		});
	} catch (error) {
		return { status: 'Error', message: describeError(error).message };
	}
	try {
		await client.execute('listOffers', {});
		return { status: 'OK', message: 'Connection successful!' };
	} catch (error) {
		const status = error instanceof MemberspotError ? error.status : undefined;
		if (status !== undefined && TEST_MESSAGES[status]) return { status: 'Error', message: TEST_MESSAGES[status] };
		const { message, hint } = describeError(error);
		return { status: 'Error', message: hint ? `${message} ${hint}` : message };
	} finally {
		await client.close();
	}
}

export const methods = {
	listSearch: { searchOffers },
	loadOptions: { getCustomProperties },
	credentialTest: { memberspotApiTest },
};
