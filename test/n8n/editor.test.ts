/**
 * What the n8n editor shows: the parameters generated from the registry, the offer search, the custom
 * property list (run in n8n-core's LoadOptionsContext), and the credential test (n8n's RoutingNode with the
 * credential's test request and rules), against the sandbox.
 */
import { actionList, resourceLabels } from '../../shared';
import type { ICredentialType, ILoadOptionsFunctions, INodeListSearchResult, INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { CREDENTIAL_TYPE, credentialTypes, loadOptionsContext, packageNodeTypes, testCredential } from './helpers/engine';

const env = useSandbox();
beforeEach(() => env.sandbox.clearLog());

const node = packageNodeTypes.find((t) => t.description.name === 'memberspot') as INodeType;
const props = node.description.properties;
const credential = credentialTypes.get(CREDENTIAL_TYPE) as ICredentialType;

function propsFor(resource: string, operation: string): INodeProperties[] {
  return props.filter((p) => p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.operation?.includes(operation));
}

describe('the node description, built from the registry', () => {
  it('lists every resource and, under it, every action as an operation named by its label', () => {
    const resource = props.find((p) => p.name === 'resource') as INodeProperties;
    const resources = (resource.options as INodePropertyOptions[]).map((o) => o.value);
    expect(new Set(resources)).toEqual(new Set(actionList.map((a) => a.resource)));
    for (const action of actionList) {
      const operation = props.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(action.resource)) as INodeProperties;
      const option = (operation.options as INodePropertyOptions[]).find((o) => o.value === action.operation);
      expect(option).toMatchObject({ name: action.label });
      expect(option?.description).toContain(action.description);
      if (action.makeModule) expect(option?.description).toContain(`Make module: "${action.makeModule}"`);
      expect((resource.options as INodePropertyOptions[]).find((o) => o.value === action.resource)?.name).toBe(resourceLabels[action.resource]);
      // Every field is reachable, plainly or under Additional Fields.
      const shown = propsFor(action.resource, action.operation);
      const names = shown.flatMap((p) => (p.name === 'additionalFields' ? (p.options as INodeProperties[]).map((o) => o.name) : [p.name]));
      for (const field of action.fields.filter((f) => f.name !== 'lastLoadedId')) expect(names).toContain(field.name);
      // Destructive operations say so where the user sets them up.
      const notice = shown.find((p) => p.type === 'notice');
      expect(Boolean(notice && /DESTRUCTIVE/.test(notice.displayName))).toBe(action.destructive);
    }
  });

  it('offers a searchable offer list and an ID mode for every Access ID', () => {
    const accessIds = props.filter((p) => p.name === 'accessId');
    expect(accessIds.length).toBe(actionList.filter((a) => a.fields.some((f) => f.picker === 'offers')).length);
    for (const p of accessIds) {
      expect(p.type).toBe('resourceLocator');
      expect(p.modes?.map((m) => m.name)).toEqual(['list', 'id']);
      expect(p.modes?.[0].typeOptions).toMatchObject({ searchListMethod: 'searchOffers', searchable: true });
    }
  });

  it('sets custom properties as property + value pairs, the property from the account list', () => {
    const [properties] = propsFor('customProperty', 'set').filter((p) => p.name === 'properties');
    expect(properties.type).toBe('fixedCollection');
    const values = (properties.options as Array<{ values: INodeProperties[] }>)[0].values;
    expect(values.map((v) => v.name)).toEqual(['propertyId', 'value']);
    expect(values[0].typeOptions).toMatchObject({ loadOptionsMethod: 'getCustomProperties' });
  });

  it('List Users has Return All and Limit', () => {
    expect(propsFor('user', 'list').map((p) => p.name)).toEqual(expect.arrayContaining(['returnAll', 'limit', 'additionalFields']));
  });

  it('is usable as a tool, has a subtitle, an SVG icon and needs the credential', () => {
    expect(node.description).toMatchObject({ usableAsTool: true, credentials: [{ name: CREDENTIAL_TYPE, required: true }] });
    expect(node.description.subtitle).toContain('$parameter["operation"]');
    expect(JSON.stringify(node.description.icon)).toMatch(/file:memberspot\.svg/);
  });
});

describe('the credential', () => {
  it('has the key as a password, the base URL and the rate, and sends the key as X-API-KEY', async () => {
    const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
    expect(byName.apiKey.typeOptions).toMatchObject({ password: true });
    expect(byName.baseUrl.default).toBe('https://api.memberspot.de');
    expect(byName.requestsPerSecond.default).toBe(4);
    const authenticate = credential.authenticate as unknown as (c: Record<string, unknown>, o: Record<string, unknown>) => Promise<Record<string, unknown>>;
    await expect(authenticate({ apiKey: 'k-1', baseUrl: 'https://api.memberspot.de' }, { url: '/v1/offers', headers: { Accept: 'application/json' } })).resolves.toEqual({
      url: '/v1/offers',
      headers: { Accept: 'application/json', 'X-API-KEY': 'k-1' },
    });
    // A base URL the core refuses gets no key: the request fails before it is sent.
    await expect(authenticate({ apiKey: 'k-1', baseUrl: 'http://0.0.0.0:5678' }, { url: '/v1/offers' })).rejects.toThrow(/must start with https:\/\/ for 0\.0\.0\.0/);
  });

  it('Test passes with the right key (GET /v1/offers)', async () => {
    await expect(testCredential({ apiKey: API_KEY, baseUrl: env.sandbox.url })).resolves.toEqual({ status: 'OK', message: expect.any(String) });
    expect(env.requests()).toEqual([expect.objectContaining({ method: 'GET', path: '/v1/offers', auth: 'valid' })]);
  });

  it('Test passes with a trailing slash on the base URL', async () => {
    await expect(testCredential({ apiKey: API_KEY, baseUrl: `${env.sandbox.url}/` })).resolves.toMatchObject({ status: 'OK' });
  });

  it('Test fails with a wrong key, saying so', async () => {
    const result = await testCredential({ apiKey: 'wrong-key-123456', baseUrl: env.sandbox.url });
    expect(result.status).toBe('Error');
    // n8n's own 401 text, or the credential's rule for 401 where the n8n version applies rules.
    expect(result.message).toMatch(/Authorization failed - please check your credentials|rejected the API key \(401\)/);
  });

  it('Test fails without API access (403), saying so', async () => {
    env.sandbox.script({ status: 403, body: { statusCode: 403, message: 'Forbidden', error: 'Forbidden' } });
    const result = await testCredential({ apiKey: API_KEY, baseUrl: env.sandbox.url });
    expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/Forbidden|refused access \(403\)/) });
  });

  it('Test fails for an unreachable host, saying so', async () => {
    const result = await testCredential({ apiKey: API_KEY, baseUrl: 'http://127.0.0.1:9' });
    expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/refused the connection|ECONNREFUSED/) });
  });
});

describe('the editor lists, in n8n-core’s LoadOptionsContext', () => {
  const methods = node.methods as {
    listSearch: Record<string, (this: ILoadOptionsFunctions, filter?: string) => Promise<INodeListSearchResult>>;
    loadOptions: Record<string, (this: ILoadOptionsFunctions) => Promise<INodePropertyOptions[]>>;
  };

  it('searches offers by name', async () => {
    const context = loadOptionsContext({ apiKey: API_KEY, baseUrl: env.sandbox.url });
    const all = await methods.listSearch.searchOffers.call(context);
    expect(all.results.map((r) => r.name)).toEqual(expect.arrayContaining(['Online-Kurs Basis', 'Premium-Mitgliedschaft', 'Coaching-Paket']));
    expect(all.results).toHaveLength(env.sandbox.state.offers.length);
    const premium = await methods.listSearch.searchOffers.call(context, 'premium');
    expect(premium.results).toEqual([{ name: 'Premium-Mitgliedschaft', value: 'off_premium' }]);
    expect(env.requests().every((r) => r.auth === 'valid')).toBe(true);
  });

  it('lists the account’s custom properties', async () => {
    const context = loadOptionsContext({ apiKey: API_KEY, baseUrl: env.sandbox.url });
    const options = await methods.loadOptions.getCustomProperties.call(context);
    expect(options.map((o) => [o.name, o.value])).toEqual([
      ['Firma', 'cp_company'],
      ['Quelle', 'cp_source'],
      ['Telefon', 'cp_phone'],
    ]);
  });

  it('says why the list is empty when the key is wrong', async () => {
    const context = loadOptionsContext({ apiKey: 'wrong-key-123456', baseUrl: env.sandbox.url });
    await expect(methods.listSearch.searchOffers.call(context)).rejects.toThrow(/rejected the API key/);
  });
});
