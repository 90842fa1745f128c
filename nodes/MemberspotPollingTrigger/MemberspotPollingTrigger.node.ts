import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
	type JsonObject,
} from 'n8n-workflow';
import { describeError, MemberspotError, poll, sampleEvent, ValidationError, type PollEvent } from '../../shared';
import { memberspotClient } from '../Memberspot/client';
import { searchOffers } from '../Memberspot/methods';
import { CREDENTIAL_TYPE } from '../Memberspot/transport';

/** Where the poll's state lives in the node's workflow static data. */
export const STATE_KEY = 'memberspotPoll';

/** Polls in flight, by workflow and node: a poll that starts while the last one still runs is skipped. */
const inFlight = new Set<string>();

/**
 * As the action node does: an HTTP answer as NodeApiError, everything else (the safety stops, a misread
 * answer, a field) as NodeOperationError; both with the core's redacted message and hint.
 */
function nodeError(node: INode, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	const { message, hint } = describeError(error);
	if (error instanceof MemberspotError && error.status !== undefined && !(error instanceof ValidationError)) {
		return new NodeApiError(node, error.toJSON() as JsonObject, { message, description: hint, httpCode: String(error.status) });
	}
	return new NodeOperationError(node, message, { description: hint });
}

function items(events: PollEvent[]): INodeExecutionData[][] {
	return [events.map((event) => ({ json: event as unknown as IDataObject }))];
}

/**
 * Starts a workflow for members who joined, got or lost an offer, found by reading Memberspot's user list
 * at n8n's poll times: no setup in Memberspot. The poll itself (paging, state, events, safety stops) is the
 * core's (shared/poll); this file reads the parameters, keeps the state in the workflow's static data (only
 * after a completed poll) and turns errors into n8n's.
 */
export class MemberspotPollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Memberspot Polling Trigger',
		name: 'memberspotPollingTrigger',
		icon: { light: 'file:memberspot.svg', dark: 'file:memberspot.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "accessGranted" ? "Access Granted" : $parameter["event"] === "accessEnded" ? "Access Ended" : "New Member"}}',
		description: 'Starts the workflow when a member joins, gets or loses an offer (checks Memberspot at the poll times; no setup in Memberspot)',
		defaults: { name: 'Memberspot Polling Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName:
					'Checks Memberspot\'s user list at the poll times below and compares it with the last check. The first check after activation only takes note of who is there (no events). Each check reads every user (or every holder of the offer), 100 per request.',
				name: 'pollNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				default: 'newMember',
				options: [
					{ name: 'New Member', value: 'newMember', description: 'A user who was not there at the last check' },
					{ name: 'Access Granted', value: 'accessGranted', description: 'A user who now holds the offer actively and did not at the last check' },
					{
						name: 'Access Ended',
						value: 'accessEnded',
						description: 'A user who held the offer actively at the last check and does not now: revoked, deleted or expired (the API does not tell which)',
					},
				],
			},
			{
				displayName: 'Access ID',
				name: 'accessId',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				required: true,
				description: 'The offer whose holders to watch',
				displayOptions: { show: { event: ['accessGranted', 'accessEnded'] } },
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						placeholder: 'Select an offer...',
						typeOptions: { searchListMethod: 'searchOffers', searchable: true, searchFilterRequired: false },
					},
					{
						displayName: 'ID',
						name: 'id',
						type: 'string',
						placeholder: 'e.g. off_basic',
					},
				],
			},
			{
				displayName: 'Confirm Mass Changes',
				name: 'confirmMassChanges',
				type: 'boolean',
				default: false,
				description:
					'Whether to let a check through in which more than half (and at least 10) of the users or holders known at the last check are gone. Off, such a check fails and sends nothing (a safety stop against an odd answer). Turn it on for one check after a real bulk change, then off again.',
			},
		],
	};

	methods = { listSearch: { searchOffers } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const node = this.getNode();
		const settings = {
			event: this.getNodeParameter('event', 'newMember') as string,
			accessId: undefined as unknown,
			confirmMassChanges: this.getNodeParameter('confirmMassChanges', false) === true,
		};
		if (settings.event === 'accessGranted' || settings.event === 'accessEnded') {
			settings.accessId = this.getNodeParameter('accessId', '', { extractValue: true });
		}
		const manual = this.getMode() === 'manual';
		const key = `${this.getWorkflow().id ?? ''}/${node.id}`;
		if (!manual && inFlight.has(key)) {
			this.logger.warn(`Memberspot Polling Trigger "${node.name}": the last check is still running, so this one is skipped.`);
			return null;
		}
		let client: Awaited<ReturnType<typeof memberspotClient>> | undefined;
		if (!manual) inFlight.add(key);
		try {
			client = await memberspotClient(this);
			if (manual) {
				// "Fetch Test Event": one event built from a real user; the state stays as it is.
				const sample = await sampleEvent(client, settings);
				if (!sample) {
					throw new NodeOperationError(node, 'No user found to build a test event from', {
						description:
							settings.event === 'newMember' ? 'The school has no users yet.' : `No user holds the offer ${String(settings.accessId)} actively; grant it to someone and fetch again.`,
					});
				}
				return items([sample]);
			}
			const staticData = this.getWorkflowStaticData('node');
			const result = await poll(client, staticData[STATE_KEY], settings);
			// Written only now that the poll completed: a failed poll keeps the old state, and the next one catches up.
			staticData[STATE_KEY] = result.state as unknown as IDataObject;
			return result.events.length > 0 ? items(result.events) : null;
		} catch (error) {
			throw nodeError(node, error);
		} finally {
			if (!manual) inFlight.delete(key);
			await client?.close();
		}
	}
}
