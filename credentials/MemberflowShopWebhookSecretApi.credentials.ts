import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The secret a shop's notifications are checked with (Digistore24 IPN passphrase, CopeCart secret key,
 * ThriveCart secret word, Stripe signing secret, Paddle secret key, or the URL token for elopage). A credential,
 * so that it is stored encrypted and never in (or exported with) the workflow JSON. Nothing is sent with it.
 */
// The secret is never sent anywhere, so there is no request to test it with.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class MemberflowShopWebhookSecretApi implements ICredentialType {
	name = 'memberflowShopWebhookSecretApi';

	// Not an API credential: the name says what the user keeps in it.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
	displayName = 'Shop Webhook Secret';

	icon: Icon = { light: 'file:memberspot.svg', dark: 'file:memberspot.dark.svg' };

	documentationUrl = 'https://github.com/memberflow/n8n-nodes-memberspot#shop-webhooks-verified';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Digistore24: the IPN passphrase (Settings → Integrations (IPN) → Generic). CopeCart: the IPN Secret Key. ThriveCart: the Secret word (Settings → API & Webhooks). Stripe: the endpoint\'s Signing secret (whsec_…). Paddle: the notification destination\'s Secret key. elopage: a long random token you make up (at least 24 characters) and add to the webhook URL as ?token=…',
		},
	];
}
