/** The lists the editor shows: offers (searchable, for every Access ID) and the account's custom properties. */
import {
	NodeOperationError,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
	type INodePropertyOptions,
} from 'n8n-workflow';
import { describeError, pickerOptions } from '../../shared';
import { memberspotClient } from './client';

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

export const methods = {
	listSearch: { searchOffers },
	loadOptions: { getCustomProperties },
};
