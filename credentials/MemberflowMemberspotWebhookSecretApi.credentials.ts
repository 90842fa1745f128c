import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The secret a Memberspot webhook must carry to start the Memberspot Trigger's workflow. A credential, so
 * that it is stored encrypted and never in (or exported with) the workflow JSON, as a node parameter is.
 * Nothing is sent with it: the trigger only compares incoming requests against it.
 */
// The secret is never sent anywhere, so there is no request to test it with.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class MemberflowMemberspotWebhookSecretApi implements ICredentialType {
	name = 'memberflowMemberspotWebhookSecretApi';

	// Not an API credential: the name says what the user keeps in it.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
	displayName = 'Memberspot Webhook Secret';

	icon: Icon = { light: 'file:memberspot.svg', dark: 'file:memberspot.dark.svg' };

	documentationUrl = 'https://github.com/memberflow/n8n-nodes-memberspot#webhooks-the-triggers';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Requests must carry this secret as the query parameter "secret" (add ?secret=… to the webhook URL in Memberspot) or the header "X-Memberspot-Secret"; others are answered 401 and start nothing. A blank secret (only spaces or line breaks) refuses every request',
		},
	];
}
