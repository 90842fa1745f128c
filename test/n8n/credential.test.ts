/**
 * The n8n API credential: a type name no other package uses (issue 10.8), "Parallel Requests" (issue 12.3)
 * and what it gives the core client, and the Test button's request (run as n8n's credential tester runs it).
 */
import type { INodeType } from 'n8n-workflow';
import { clientOptions } from '../../nodes/Memberspot/client';
import { API_KEY, useSandbox } from '../helpers/sandbox';
import { CREDENTIAL_TYPE, credentialTypes, PACKAGE, packageNodeTypes, testCredential } from './helpers/engine';

const env = useSandbox();
const credential = credentialTypes.get(CREDENTIAL_TYPE);
const field = (name: string) => credential?.properties.find((p) => p.name === name);

describe('the API credential type', () => {
  it('is named memberflowMemberspotApi, not memberspotApi (the name n8n-nodes-memberspot uses), and the node asks for it', () => {
    expect(CREDENTIAL_TYPE).toBe('memberflowMemberspotApi');
    expect(credential).toMatchObject({ name: 'memberflowMemberspotApi', displayName: 'Memberflow Memberspot API' });
    expect([...credentialTypes.keys()]).not.toContain('memberspotApi');
    expect(PACKAGE.n8n.credentials).toContain('dist/credentials/MemberflowMemberspotApi.credentials.js');
    const node = packageNodeTypes.find((t) => t.description.name === 'memberspot') as INodeType;
    expect(node.description.credentials).toEqual([{ name: 'memberflowMemberspotApi', required: true }]);
  });

  it('has "Parallel Requests": 1 to 64 whole calls in flight, default 8', () => {
    expect(field('parallelRequests')).toMatchObject({
      displayName: 'Parallel Requests',
      type: 'number',
      default: 8,
      typeOptions: { minValue: 1, maxValue: 64, numberPrecision: 0 },
      description: expect.stringMatching(/in flight at once.*1 = one at a time, in input order/),
    });
  });

  it('gives the core client Parallel Requests, and the core default for credentials saved without it', () => {
    expect(clientOptions({ apiKey: API_KEY, parallelRequests: 1 })).toMatchObject({ parallelRequests: 1 });
    expect(clientOptions({ apiKey: API_KEY, parallelRequests: 12 })).toMatchObject({ parallelRequests: 12 });
    const old = clientOptions({ apiKey: API_KEY, baseUrl: 'https://api.memberspot.de', requestsPerSecond: 4 });
    expect(old.parallelRequests).toBeUndefined();
    expect(old).toMatchObject({ apiKey: API_KEY, baseUrl: 'https://api.memberspot.de', requestsPerSecond: 4, timeoutMs: undefined });
    expect(clientOptions({ apiKey: API_KEY, parallelRequests: '', timeout: 2.5 })).toMatchObject({ parallelRequests: undefined, timeoutMs: 2500 });
  });

  it('points to npx memberspot-doctor in its help', () => {
    expect(JSON.stringify(credential?.properties)).toContain('npx memberspot-doctor</code> checks your school\'s API against what this node assumes');
  });
});

describe('the Test button', () => {
  beforeEach(() => env.sandbox.clearLog());

  it('never follows a redirect (n8n would send the key along) and words 3xx, 401, 403 and 404', () => {
    expect(credential?.test?.request).toMatchObject({ url: '/v1/offers', method: 'GET', disableFollowRedirect: true });
    const rules = (credential?.test?.rules ?? []) as Array<{ type: string; properties: { value: number; message: string } }>;
    const says = Object.fromEntries(rules.filter((r) => r.type === 'responseCode').map((r) => [r.properties.value, r.properties.message]));
    for (const status of [301, 302, 303, 307, 308]) expect(says[status]).toMatch(new RegExp(`redirect \\(${status}\\).*not followed.*final address`));
    expect(says[401]).toMatch(/rejected the API key \(401\)/);
    expect(says[403]).toMatch(/Enterprise plan/);
    expect(says[404]).toMatch(/No Memberspot API at this base URL \(404\)/);
  });

  it.each(['http://[::ffff:127.0.0.1]:PORT', 'http://0.0.0.0:PORT', 'http://192.168.1.10:PORT', 'ftp://127.0.0.1:PORT', 'not a url'])(
    'sends nothing for a base URL the core refuses (%s), and says why',
    async (template) => {
      const baseUrl = template.replace('PORT', String(new URL(env.sandbox.url).port));
      const result = await testCredential({ apiKey: API_KEY, baseUrl });
      expect(result.status).toBe('Error');
      expect(result.message).toMatch(/Base URL .*(https:\/\/|not a URL).*Nothing was sent/);
      expect(result.message).not.toContain(API_KEY);
      expect(env.requests()).toEqual([]);
    },
  );

  it('passes with a good key, sending one request with the key', async () => {
    await expect(testCredential({ apiKey: API_KEY, baseUrl: env.sandbox.url })).resolves.toEqual({ status: 'OK', message: 'Connection successful!' });
    expect(env.requests()).toEqual([expect.objectContaining({ method: 'GET', path: '/v1/offers', auth: 'valid' })]);
  });
});
