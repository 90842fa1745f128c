import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { handleShopWebhook, SHOP_EVENTS, SHOP_INFO, SHOPS, shopSecretProblem, type ReplayMemory } from '../../shared/shops';

/** The credential holding the shop's secret (credentials/MemberflowShopWebhookSecretApi.credentials.ts). */
export const SHOP_SECRET_TYPE = 'memberflowShopWebhookSecretApi';

/** The field of the last node's first item that n8n answers the shop with (the examples' "Answer the shop" sets it to OK). */
export const ANSWER_PROPERTY = 'shopAnswer';

async function secretOf(context: IWebhookFunctions | IHookFunctions): Promise<string> {
	// A credential that is missing or cannot be read throws: n8n answers 500 / refuses to activate.
	const credential = await context.getCredentials(SHOP_SECRET_TYPE);
	return typeof credential.secret === 'string' ? credential.secret : '';
}

/**
 * Makes sure n8n saves what this webhook call changed in the workflow's static data (the replay memory).
 *
 * n8n saves a webhook's static data after the run only when the static data's change flag is still set.
 * n8n 2.41 (WorkflowRunner.establishContextForPersistence) builds a second Workflow over the same static-data
 * object after the webhook method returned, and wrapping it again resets that flag: every change after the
 * first (the first one lands on empty static data, which is not shared) was lost, so a refund was forgotten
 * and its replayed purchase granted again. Giving this call's workflow its own copy of the static data
 * (n8n-workflow's `overrideStaticData`, which flags the copy as changed) keeps the flag out of that reset;
 * n8n then saves the copy after the run, as it saves any change. Hosts without that method (none of the
 * versions we test) keep n8n's own behaviour. Test: test/e2e/n8n/shop.e2e.test.ts on 2.41.1.
 */
function keepStaticDataChange(context: IWebhookFunctions): void {
	const workflow = (context as unknown as { workflow?: { staticData?: unknown; overrideStaticData?: (data: IDataObject) => void } }).workflow;
	if (typeof workflow?.overrideStaticData !== 'function' || typeof workflow.staticData !== 'object' || workflow.staticData === null) return;
	workflow.overrideStaticData(JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject);
}

const EVENT_LABELS: Record<(typeof SHOP_EVENTS)[number], string> = {
	purchase: 'Purchase (Grant Access)',
	refund: 'Refund',
	chargeback: 'Chargeback',
	subscriptionCancelled: 'Subscription Cancelled (Access Goes On)',
	accessEnded: 'Access Ended',
	paymentMissed: 'Payment Missed',
	subscriptionPaused: 'Subscription Paused',
	subscriptionResumed: 'Subscription Resumed',
	test: 'Test',
	other: 'Other',
};

/**
 * Starts a workflow when a shop (Digistore24, CopeCart, ThriveCart, Stripe, elopage, Paddle) notifies a
 * purchase, refund, chargeback or cancellation, after checking the notification's signature or secret with
 * the core (shared/shops). It answers once the workflow finished (`lastNode`): n8n answers 500 when the
 * workflow failed, so the shop retries; on success the last node's `shopAnswer` field (OK).
 */
export class MemberspotShopTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Shop Webhook Trigger',
		name: 'memberspotShopTrigger',
		icon: { light: 'file:memberspot.svg', dark: 'file:memberspot.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["shop"]}}',
		description: 'Starts the workflow on a verified purchase, refund or cancellation from Digistore24, CopeCart, ThriveCart, Stripe, elopage or Paddle',
		defaults: { name: 'Shop Webhook Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: SHOP_SECRET_TYPE, required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'lastNode',
				responseData: 'firstEntryJson',
				responsePropertyName: ANSWER_PROPERTY,
				responseContentType: 'text/plain',
				path: 'shop',
			},
			// Digistore24 checks the URL with a GET, ThriveCart with a HEAD: both answered 200.
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'shop' },
			{ name: 'setup', httpMethod: 'HEAD', responseMode: 'onReceived', path: 'shop' },
		],
		properties: [
			{
				displayName:
					'Put this node\'s Production URL into the shop (for elopage add <code>?token=</code> and your token). The secret goes into the Shop Webhook Secret credential: Digistore24 IPN passphrase, CopeCart Secret Key, ThriveCart Secret word, Stripe Signing secret, Paddle Secret key. Notifications without a valid signature are answered 401 and start nothing. End the workflow with a node that sets <code>shopAnswer</code> to <code>OK</code> (as the examples do): the shop gets it once everything worked, and a 500 (so it retries) when a step failed.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Shop',
				name: 'shop',
				type: 'options',
				default: 'digistore24',
				options: SHOPS.map((shop) => ({ name: SHOP_INFO[shop].label, value: shop, description: `Secret: ${SHOP_INFO[shop].secretName} (${SHOP_INFO[shop].where})` })),
				description: 'The shop that sends the notifications',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				default: [],
				options: SHOP_EVENTS.filter((e) => e !== 'test').map((e) => ({ name: EVENT_LABELS[e], value: e })),
				description: 'Only start the workflow for these events; others are answered OK without starting it. Leave empty for every event.',
			},
		],
	};

	webhookMethods = {
		default: {
			// The user pastes the URL into the shop; activating only checks that a secret is set (fail closed).
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const problem = shopSecretProblem(this.getNodeParameter('shop'), await secretOf(this));
				if (problem !== null) throw new NodeOperationError(this.getNode(), problem);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const res = this.getResponseObject();
		const answer = (status: number, body: string): IWebhookResponseData => {
			res.status(status).send(body);
			return { noWebhookResponse: true };
		};
		if (this.getWebhookName() === 'setup') return answer(200, 'OK');
		const shop = this.getNodeParameter('shop') as string;
		let secret: string;
		try {
			secret = await secretOf(this);
		} catch {
			secret = '';
		}
		const req = this.getRequestObject() as unknown as { rawBody?: Buffer };
		const memory = this.getWorkflowStaticData('node') as ReplayMemory;
		const remembered = JSON.stringify(memory);
		const decision = handleShopWebhook(
			{ rawBody: req.rawBody, body: this.getBodyData(), headers: this.getHeaderData() as Record<string, unknown>, query: this.getQueryData() as Record<string, unknown> },
			{ shop, secret, memory },
		);
		if (JSON.stringify(memory) !== remembered) keepStaticDataChange(this);
		switch (decision.kind) {
			case 'unconfigured':
			case 'unauthorized':
				// The reason only: nothing of the body.
				return answer(decision.status, decision.message);
			case 'answer':
				return answer(200, decision.body);
			case 'event': {
				const events = this.getNodeParameter('events', []) as string[];
				if (events.length > 0 && !events.includes(decision.event.event)) return answer(200, decision.successBody);
				return { workflowData: [[{ json: decision.event as unknown as IDataObject }]] };
			}
		}
	}
}
