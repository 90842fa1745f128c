import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';
import { DEFAULT_BASE_URL, ValidationError } from '../shared';
import { normaliseBaseUrl } from '../shared/options';

/**
 * Why the core would refuse this base URL (plain http to a host other than this machine, not a URL, ...), or
 * undefined. The same rule as every node run (shared/options.ts), so that the Test never says OK, or sends
 * the key, for a base URL the nodes refuse.
 */
function refusedBaseUrl(value: unknown): string | undefined {
	const text = typeof value === 'string' && value.trim() !== '' ? value : DEFAULT_BASE_URL;
	try {
		normaliseBaseUrl(text);
		return undefined;
	} catch (error) {
		if (error instanceof ValidationError && error.issues[0]) return error.issues[0].message;
		return error instanceof Error ? error.message : String(error);
	}
}

/**
 * Memberspot API key. n8n adds the key to every request as the `X-API-KEY` header; the nodes never put it
 * into a URL, an output or an error, and never follow a redirect with it.
 *
 * Named `memberflowMemberspotApi`: the community package n8n-nodes-memberspot already defines a credential
 * type `memberspotApi`, and n8n resolves credentials by type name only (no aliases), so the two packages
 * must not share it. Credentials saved under the old name (0.x) have to be created again (CHANGELOG.md).
 */
export class MemberflowMemberspotApi implements ICredentialType {
	name = 'memberflowMemberspotApi';

	displayName = 'Memberflow Memberspot API';

	icon: Icon = { light: 'file:memberspot.svg', dark: 'file:memberspot.dark.svg' };

	documentationUrl = 'https://github.com/memberflow/n8n-nodes-memberspot#n8n';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The API key from Memberspot (Settings → Integrations → API). The API needs the Enterprise plan or the API add-on. <code>npx memberspot-doctor</code> checks your school\'s API against what this node assumes.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.memberspot.de',
			description:
				'Change only to use a test server or a proxy. Redirects are never followed (the key would go along): use the final address.',
		},
		{
			displayName: 'Requests per Second',
			name: 'requestsPerSecond',
			type: 'number',
			default: 4,
			typeOptions: { minValue: 0.1, maxValue: 50, numberPrecision: 1 },
			description:
				'Limit for the rate-limited endpoints (user lookup, course progress, login token, API calls). Memberspot allows 4 per second.',
		},
		{
			displayName: 'Timeout (s)',
			name: 'timeout',
			type: 'number',
			default: 30,
			typeOptions: { minValue: 0.1, numberPrecision: 2 },
			description:
				'How long to wait for each answer from Memberspot, in seconds. A call with no answer in time is retried (up to 5 times, with a growing pause), then the item fails with a timeout error.',
		},
		{
			displayName: 'Parallel Requests',
			name: 'parallelRequests',
			type: 'number',
			default: 8,
			typeOptions: { minValue: 1, maxValue: 64, numberPrecision: 0 },
			description:
				'How many calls to Memberspot may be in flight at once (the rate limit above still applies). 1 = one at a time, in input order. Writes for the same member or order keep their order whatever the setting, also across retries.',
		},
		// A Redis URL may hold a password (redis://:password@host), so it is stored and shown as a secret.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Redis URL',
			name: 'redisUrl',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'redis://127.0.0.1:6379',
			description:
				'Optional. In queue mode (several workers) or with several n8n instances, give them the same Redis so that they share the rate limit. If Redis cannot be reached, each process keeps to the limit on its own and n8n logs a warning.',
		},
	];

	/**
	 * Adds the key as the `X-API-KEY` header, but only for a base URL the core accepts: the Test button's
	 * request (and any request with this credential) for e.g. `http://0.0.0.0:5678` or
	 * `http://[::ffff:127.0.0.1]:5678` fails here, before anything is sent, and the Test shows why. (A plain
	 * Error without a `code`: n8n's credential tester shows a wrapped error's code instead of its message.)
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const refused = refusedBaseUrl(credentials.baseUrl);
		if (refused) throw new Error(`Base URL ${refused}. Nothing was sent: correct the Base URL.`);
		return { ...requestOptions, headers: { ...(requestOptions.headers ?? {}), 'X-API-KEY': String(credentials.apiKey ?? '') } };
	}

	/**
	 * The Test button. A declarative request rather than a node's `testedBy` method: n8n finds `testedBy`
	 * only for nodes installed as a package, not for nodes loaded from ~/.n8n/custom. n8n would follow a
	 * redirect with the X-API-KEY header, also to another host: `disableFollowRedirect` stops that (the
	 * credential tester copies it into the request), and a 3xx fails the test.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/offers',
			method: 'GET',
			headers: { Accept: 'application/json' },
			disableFollowRedirect: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Memberspot rejected the API key (401): check the key, or create a new one in Memberspot under Settings → Integrations',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'Memberspot refused access (403): the API needs the Enterprise plan or the API add-on',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message: 'No Memberspot API at this base URL (404): use https://api.memberspot.de',
				},
			},
			...[301, 302, 303, 307, 308].map((value) => ({
				type: 'responseCode' as const,
				properties: {
					value,
					message: `The base URL answered with a redirect (${value}), which is not followed: the key was sent nowhere else. Set the Base URL to the final address.`,
				},
			})),
		],
	};
}
