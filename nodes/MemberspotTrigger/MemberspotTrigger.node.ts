import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { handleWebhook, isBlankSecret, parseEventFilter } from '../../shared';

/** The optional credential holding the secret (credentials/MemberflowMemberspotWebhookSecretApi.credentials.ts). */
export const WEBHOOK_SECRET_TYPE = 'memberflowMemberspotWebhookSecretApi';

/**
 * The secret requests must carry: from the credential when the node has one (a blank one refuses every
 * request: the core's hasSecret); else from the `secret` parameter, which version 1 nodes showed and saved
 * in the workflow (still read, so that their webhooks stay protected; version 2 no longer shows it). An empty
 * parameter means no secret (undefined); one of only blanks or line breaks refuses every request.
 */
async function secretOf(context: IWebhookFunctions): Promise<string | undefined> {
	if (context.getNode().credentials?.[WEBHOOK_SECRET_TYPE]) {
		// A credential that is set but cannot be read throws: n8n answers 500 and starts nothing.
		const credential = await context.getCredentials(WEBHOOK_SECRET_TYPE);
		return typeof credential.secret === 'string' ? credential.secret : '';
	}
	const parameter = context.getNodeParameter('secret', '');
	const text = typeof parameter === 'string' ? parameter : String(parameter ?? '');
	return text === '' ? undefined : text;
}

/** Nodes already warned about (once per process): a trigger without a secret starts for every caller. */
const warnedOpen = new Set<string>();

/**
 * Starts a workflow when Memberspot posts to this node's webhook URL. The decision (validation request,
 * secret, event filter) is the core's `handleWebhook`; this file only maps it to n8n's answers.
 * Version 2 takes the secret from a credential instead of a parameter saved in the workflow JSON.
 */
// Memberspot has no API to register webhooks: the user pastes the URL in Memberspot (see the notice), so
// there is nothing for webhookMethods (checkExists/create/delete) to do.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class MemberspotTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Memberspot Trigger',
		name: 'memberspotTrigger',
		icon: { light: 'file:memberspot.svg', dark: 'file:memberspot.dark.svg' },
		group: ['trigger'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["events"] ? "Events: " + $parameter["events"] : "All events"}}',
		description: 'Starts the workflow when Memberspot sends a webhook (e.g. a new member is added)',
		defaults: { name: 'Memberspot Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: WEBHOOK_SECRET_TYPE, required: false }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'memberspot',
			},
		],
		properties: [
			{
				displayName:
					'In Memberspot: Settings → Integrations → Add App → Webhook. Paste this node\'s Production URL (add <code>?secret=…</code> if you set a Memberspot Webhook Secret credential) and click "Validate Now": Memberspot sends <code>{"event":"auth_test"}</code>, which this node answers with 200 without starting the workflow. Then create an Automation in Memberspot that picks the event (e.g. "a new member is added") and this webhook as its action. Activate this workflow so that the Production URL listens.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName:
					'No secret: without a Memberspot Webhook Secret credential, anyone who learns this URL can start the workflow. Attach one (Credential to connect with) and add <code>?secret=…</code> to the URL in Memberspot. A credential whose secret is blank refuses every request.',
				name: 'noSecretNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { '@version': [2] } },
			},
			{
				displayName:
					'No secret: anyone who learns this URL can start the workflow. Set a Secret below (or attach a Memberspot Webhook Secret credential) and add <code>?secret=…</code> to the URL in Memberspot.',
				name: 'noSecretParameterNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { '@version': [1], secret: [''] } },
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'string',
				default: '',
				placeholder: 'event names as your Memberspot automation sends them, comma-separated',
				description:
					'Only start the workflow for these event names (the "event" field of the body), separated by commas. Leave empty to start it for every event.',
			},
			{
				// Version 1 only: a parameter is saved in (and exported with) the workflow JSON. Version 2 nodes
				// use the Memberspot Webhook Secret credential; version 1 nodes keep working with this.
				displayName: 'Secret',
				name: 'secret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				displayOptions: { show: { '@version': [1] } },
				description:
					'When set, requests must carry this secret as the query parameter "secret" (add ?secret=… to the URL in Memberspot) or the header "X-Memberspot-Secret"; others are answered 401 and start nothing. Stored in the workflow: prefer a Memberspot Webhook Secret credential (it wins when both are set).',
			},
		],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const secret = await secretOf(this);
		const node = this.getNode();
		if (isBlankSecret(secret)) {
			this.logger.warn(`Memberspot Trigger "${node.name}": the webhook secret is blank, so every request is refused (401). Set a secret.`);
		} else if (secret === undefined && !warnedOpen.has(node.id)) {
			warnedOpen.add(node.id);
			this.logger.warn(`Memberspot Trigger "${node.name}" has no secret: every caller who knows its URL starts the workflow. Attach a Memberspot Webhook Secret credential.`);
		}
		const events = parseEventFilter(this.getNodeParameter('events', ''));
		const body = this.getBodyData();
		const decision = handleWebhook(
			{ body, query: this.getQueryData() as Record<string, unknown>, headers: this.getHeaderData() as Record<string, unknown> },
			{ secret, events },
		);
		switch (decision.kind) {
			case 'unauthorized': {
				const response = this.getResponseObject();
				response.status(401).json({ message: decision.message });
				return { noWebhookResponse: true };
			}
			case 'authTest':
				return { webhookResponse: { ok: true, event: 'auth_test' } };
			case 'ignored':
				return { webhookResponse: { ok: true, ignored: true, event: decision.event } };
			case 'event': {
				const payload = decision.payload;
				const json: IDataObject =
					typeof payload === 'object' && payload !== null && !Array.isArray(payload)
						? { ...(payload as IDataObject) }
						: { body: payload as IDataObject[string] };
				if (decision.event !== null) json.event = decision.event;
				return { workflowData: [[{ json }]] };
			}
		}
	}
}
