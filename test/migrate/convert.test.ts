/**
 * Whole blueprints (written in the shapes of Make's export) against the checked-in golden n8n workflows,
 * Node-RED flows and reports in test/migrate/golden, plus the properties that matter read out directly, and
 * the blueprint reader's refusals. After a deliberate change of the output: `npm run build && node
 * scripts/migrate-goldens.js`, then read the diff.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlueprintError, parseBlueprint, readBlueprint } from '../../migrate/blueprint';
import { convert, exitCodeOf, fileSafeName, N8N_MEMBERSPOT, type N8nNode } from '../../migrate/convert';
import { migrate, nodeRedFlowApi } from '../../migrate';
import { migrate as fromMainEntry, nodeRedFlowApi as flowApiFromMainEntry } from '../../shared';

const dir = join(__dirname, 'blueprints');
const golden = join(__dirname, 'golden');
const load = (name: string) => convert(parseBlueprint(readFileSync(join(dir, `${name}.json`), 'utf8')));
const goldenOf = (name: string, kind: string): unknown => JSON.parse(readFileSync(join(golden, `${name}.${kind}.json`), 'utf8'));

const GOLDEN = [
  // The six automations of Memberspot's Make help page.
  'grant-after-purchase',
  'revoke-on-cancellation',
  'delete-on-chargeback',
  'sync-order-status', // a router with a fallback route
  'crm-data-to-profile',
  'gdpr-deletion', // a filter and a Break handler
  'error-handlers', // Resume, Ignore with a module before it
  'course-bundle', // iterator, text aggregator, variables, HTTP
  'unknown-apps', // placeholders, the template wrapper
];

describe.each(GOLDEN)('golden: %s', (name) => {
  const c = load(name);
  it('n8n workflow', () => expect(c.n8n).toEqual(goldenOf(name, 'n8n')));
  it('Node-RED flow', () => expect(c.nodeRed).toEqual(goldenOf(name, 'node-red')));
  it('Node-RED: every Memberspot node runs once per message (bulk off, as a node added in the editor)', () => {
    const nodes = (c.nodeRed as Array<Record<string, unknown>>).filter((n) => n.type === 'memberspot');
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) expect(node.bulk).toBe(false);
  });
  it('report', () => expect(c.report).toEqual(goldenOf(name, 'report')));
  it('holds no API key and one credential', () => {
    const text = JSON.stringify(c);
    expect(text).not.toMatch(/apiKey|X-API-KEY/i);
    const memberspot = c.n8n.nodes.filter((n) => n.type === N8N_MEMBERSPOT);
    expect(memberspot.length).toBeGreaterThan(0);
    for (const n of memberspot) expect(n.credentials).toEqual({ memberflowMemberspotApi: { id: 'memberspot-credential', name: 'Memberspot' } });
    expect(c.nodeRed.filter((n) => n.type === 'memberspot-config')).toHaveLength(1);
    for (const n of c.nodeRed.filter((n) => n.type === 'memberspot')) expect(n.account).toBe(c.nodeRed.find((x) => x.type === 'memberspot-config')?.id);
  });
});

describe('grant after purchase', () => {
  const c = load('grant-after-purchase');
  const node = (name: string): N8nNode => c.n8n.nodes.find((n) => n.name === name) as N8nNode;

  it('maps the Make fields to the Memberspot node, the constant Access ID to the picker’s ID', () => {
    expect(node('Zugang gewähren').parameters).toEqual({
      resource: 'access',
      operation: 'grant',
      email: "={{ String(String($json.body.email ?? '').trim() ?? '').toLowerCase() }}",
      accessId: { __rl: true, mode: 'id', value: 'off_basic' },
      firstName: "={{ ((($json.body.first_name) ?? '') === '' ? (\"Kunde\") : ($json.body.first_name)) }}",
      lastName: '={{ $json.body["last name"] }}',
      orderId: '=DS24-{{ $json.body.order_id }}',
    });
    const red = c.nodeRed.find((n) => n.type === 'memberspot');
    expect(red).toMatchObject({
      action: 'grantAccess',
      email: '$lowercase($trim(make.m1.email))',
      emailType: 'jsonata',
      accessId: 'off_basic',
      accessIdType: 'str',
      lastName: 'make.m1.`last name`',
      lastNameType: 'jsonata',
      orderId: '"DS24-" & $string(make.m1.order_id)',
      orderIdType: 'jsonata',
    });
  });

  it('answers with the webhook response, reading the Memberspot node’s output', () => {
    expect(node('Shop webhook').parameters).toMatchObject({ httpMethod: 'POST', path: 'ds24-kauf', responseMode: 'responseNode' });
    expect(node('Respond to Webhook').parameters).toEqual({
      respondWith: 'text',
      responseBody: '=OK {{ $json.email }}',
      options: { responseCode: 200, responseHeaders: { entries: [{ name: 'Content-Type', value: 'text/plain' }] } },
    });
    expect(c.n8n.connections['Shop webhook'].main[0]).toEqual([{ node: 'Zugang gewähren', type: 'main', index: 0 }]);
    expect(c.nodeRed.find((n) => n.type === 'http in')).toMatchObject({ url: '/ds24-kauf', method: 'post' });
    expect(c.nodeRed.find((n) => n.type === 'http response')).toMatchObject({ headers: { 'Content-Type': 'text/plain' } });
    expect(c.report.modules.map((m) => m.status)).toEqual(['converted', 'converted', 'converted']);
    expect(exitCodeOf(c.report)).toBe(0);
  });
});

describe('sync order status with a router', () => {
  const c = load('sync-order-status');
  it('fans out to every route behind its own gate, the fallback behind "no other route matched"', () => {
    const targets = c.n8n.connections['Shop webhook'].main[0].map((t) => t.node);
    expect(targets).toEqual(['purchase', 'refund', 'chargeback', 'Fallback: Log unknown event']);
    expect(c.n8n.connections.purchase.main[0]).toEqual([{ node: 'Grant', type: 'main', index: 0 }]);
    expect(c.n8n.connections.refund.main[0]).toEqual([{ node: 'Revoke order', type: 'main', index: 0 }]);
    expect(c.n8n.nodes.find((n) => n.name === 'Revoke order')?.parameters).toMatchObject({ resource: 'order', operation: 'revoke', active: false });
    expect(c.n8n.nodes.find((n) => n.name === 'Delete access')?.parameters).toMatchObject({ resource: 'access', operation: 'delete' });
    const placeholder = c.n8n.nodes.find((n) => n.name === 'Rebuild: Log unknown event');
    expect(placeholder).toMatchObject({ type: 'n8n-nodes-base.noOp', disabled: true });
    expect(placeholder?.notes).toContain('google-sheets:addRow');
    // Node-RED ids carry the scenario's tag, so that two converted scenarios share none.
    const tag = c.nodeRed[0].id.replace(/^make0flow0tab-/, '');
    expect(tag).toMatch(/^[0-9a-f]{6}$/);
    const id = (local: string) => `${local}-${tag}`;
    const keep = c.nodeRed.find((n) => n.id === id('make1keep'));
    expect((keep?.wires as string[][])[0]).toEqual(['make3gate', 'make4gate', 'make5gate', 'make6gate'].map(id));
    // The placeholder is enabled (a disabled Node-RED node drops what reaches it) and throws.
    const todo = c.nodeRed.find((n) => n.id === id('make6todo'));
    expect(todo).toMatchObject({ type: 'function', func: expect.stringContaining('throw new Error("rebuild this step: Make module 6 google-sheets:addRow")') });
    expect(todo).not.toHaveProperty('d');
    expect(c.nodeRed.find((n) => n.type === 'catch')).toMatchObject({ scope: ['make3ms', 'make4ms', 'make5ms', 'make6todo'].map(id) });
    expect(exitCodeOf(c.report)).toBe(1);
  });
});

describe('course bundle: iterator, aggregator, variables, HTTP', () => {
  const c = load('course-bundle');
  const node = (name: string): N8nNode => c.n8n.nodes.find((n) => n.name === name) as N8nNode;
  it('iterates with Edit Fields + Split Out (Make’s __IMTINDEX__ kept) and a split node', () => {
    expect(node('Each course: the array').parameters.assignments).toMatchObject({ assignments: [{ name: 'value', type: 'array', value: expect.stringContaining('__IMTINDEX__: i + 1') }] });
    expect(node('Each course')).toMatchObject({ type: 'n8n-nodes-base.splitOut', parameters: { fieldToSplitOut: 'value' } });
    expect(node('Grant course').parameters).toMatchObject({ accessId: { __rl: true, mode: 'id', value: '={{ $json.offer }}' }, orderId: "={{ $('Bundle order').item.json.body.order_id }}-{{ $json.__IMTINDEX__ }}" });
    expect(c.nodeRed.find((n) => n.type === 'split')).toMatchObject({ property: 'payload' });
  });
  it('aggregates text with Aggregate + the joined text, and a join node', () => {
    expect(node('Granted list: the rows')).toMatchObject({ type: 'n8n-nodes-base.aggregate', parameters: { aggregate: 'aggregateAllItemData', destinationFieldName: 'array' } });
    expect(JSON.stringify(node('Granted list').parameters)).toContain('.join(\\", \\")');
    expect(c.nodeRed.find((n) => n.type === 'join')).toMatchObject({ mode: 'auto' });
  });
  it('sets and reads a variable', () => {
    expect(node('Remember granted').parameters.assignments).toMatchObject({ assignments: [{ name: 'granted', value: '={{ $json.text }}' }] });
    expect(node('Read granted').parameters.assignments).toMatchObject({ assignments: [{ name: 'granted', value: "={{ $('Remember granted').item.json[\"granted\"] }}" }] });
  });
  it('sends the HTTP request with its query, headers and body; Make’s data is n8n’s body', () => {
    expect(node('Tell the CRM')).toMatchObject({
      type: 'n8n-nodes-base.httpRequest',
      onError: 'continueErrorOutput',
      parameters: {
        method: 'POST',
        url: 'https://crm.example.com/hooks/granted',
        queryParameters: { parameters: [{ name: 'order', value: "={{ $('Bundle order').item.json.body.order_id }}" }] },
        headerParameters: { parameters: [{ name: 'X-Source', value: 'memberspot-migrate' }] },
        rawContentType: 'application/json',
        options: { response: { response: { fullResponse: true } } },
      },
    });
    expect(node('Respond to Webhook').parameters.responseBody).toBe("=granted {{ $json.granted }}; CRM {{ $('Tell the CRM').item.json.body.result }}");
    expect(c.report.modules.every((m) => m.status === 'converted')).toBe(true);
  });
});

describe('error handlers', () => {
  const c = load('error-handlers');
  it('Resume: the error output through Edit Fields into the same next node; later modules read it when it ran', () => {
    const grant = c.n8n.nodes.find((n) => n.name === 'Grant');
    expect(grant?.onError).toBe('continueErrorOutput');
    expect(c.n8n.connections.Grant.main[1]).toEqual([{ node: 'Resume: Grant', type: 'main', index: 0 }]);
    expect(c.n8n.connections['Resume: Grant'].main[0]).toEqual([{ node: 'Cancel the old order', type: 'main', index: 0 }]);
    expect(c.n8n.nodes.find((n) => n.name === 'Respond to Webhook')?.parameters.responseBody).toBe(
      "=granted {{ ($('Resume: Grant').isExecuted ? $('Resume: Grant').item.json : $('Grant').item.json).accessId }}",
    );
  });
  it('Ignore: the error output answers Accepted; the module inside the handler is left to rebuild', () => {
    expect(c.n8n.connections['Cancel the old order'].main[1]).toEqual([{ node: 'Nothing to do: Accepted', type: 'main', index: 0 }]);
    expect(c.report.modules.find((m) => m.id === 5)).toMatchObject({ status: 'manual' });
    expect(c.report.modules.find((m) => m.id === 4)).toMatchObject({ status: 'review' });
  });
});

describe('unknown apps', () => {
  const c = load('unknown-apps');
  it('keeps a disabled placeholder per module and says which fields read a placeholder', () => {
    expect(c.report.name).toBe('Lead magnet (unknown apps)');
    expect(c.report.modules.map((m) => m.status)).toEqual(['converted', 'manual', 'manual', 'review']);
    expect(c.report.modules[3].notes.join(' ')).toMatch(/field "firstName" reads module 2 \(hubspotcrm:createContact\), a placeholder/);
    expect(c.n8n.nodes.filter((n) => n.type === 'n8n-nodes-base.noOp').map((n) => n.disabled)).toEqual([true, true]);
  });
});

describe('recognition and review', () => {
  const base = (module: Record<string, unknown>) => ({
    name: 'x',
    flow: [
      { id: 1, module: 'gateway:CustomWebHook', metadata: { designer: { x: 0, y: 0 } } },
      { id: 2, mapper: {}, metadata: { designer: { x: 300, y: 0 } }, ...module },
    ],
  });

  it.each(['memberspot:grantAccess', 'Memberspot:GrantAccess', 'memberspot-a1b2:grant-access', 'app#memberspot-x:grant_access', 'MEMBERSPOT:GRANTACCESS'])(
    'recognises %s as Grant Access',
    (module) => {
      const c = convert(readBlueprint(base({ module, mapper: { email: '{{1.email}}', accessId: 'off_1' } })));
      expect(c.report.modules[1]).toMatchObject({ status: 'converted', n8n: 'Grant Access' });
    },
  );

  it.each(['makeApiCall', 'MakeAPICall', 'makeAnApiCall', 'UniversalAPICall'])('recognises memberspot:%s as Make an API Call', (name) => {
    const c = convert(
      readBlueprint(base({ module: `memberspot:${name}`, mapper: { url: '/v1/offers', method: 'get', qs: [{ key: 'q', value: '{{1.q}}' }], headers: [{ key: 'X-A', value: 'b' }] } })),
    );
    expect(c.report.modules[1]).toMatchObject({ status: 'converted' });
    expect(c.n8n.nodes[1].parameters).toEqual({
      resource: 'apiCall',
      operation: 'call',
      method: 'GET',
      path: '/v1/offers',
      // The webhook is the node's direct input: $json.
      query: { parameter: [{ name: 'q', value: '={{ $json.body.q }}' }] },
      additionalFields: { headers: { parameter: [{ name: 'X-A', value: 'b' }] } },
    });
    expect(c.nodeRed[2]).toBeDefined();
    expect(c.nodeRed.find((n) => n.type === 'memberspot')).toMatchObject({ method: 'GET', methodType: 'option', query: '{"q": make.m1.q}', queryType: 'jsonata' });
  });

  it('converts an unknown module with a Memberspot connection by its labels, for review', () => {
    const c = convert(
      readBlueprint(
        base({
          module: 'memberspot3:doSomething',
          mapper: { a: '{{1.email}}', b: '{{1.order}}' },
          metadata: {
            designer: { x: 1, y: 1 },
            parameters: [{ name: '__IMTCONN__', type: 'account:memberspot3' }],
            expect: [
              { name: 'a', label: 'Email' },
              { name: 'b', label: 'Order ID' },
            ],
          },
        }),
      ),
    );
    expect(c.report.modules[1].status).toBe('review');
    expect(c.report.modules[1].notes.join(' ')).toMatch(/by its field labels \(Email, Order ID\) to Revoke Order Access/);
    expect(c.n8n.nodes[1].parameters).toMatchObject({ resource: 'order', operation: 'revoke', email: '={{ $json.body.email }}' });
  });

  it('keeps an untranslatable mapping verbatim and marks the module for review', () => {
    const c = convert(readBlueprint(base({ module: 'memberspot:grantAccess', mapper: { email: '{{1.email}}', accessId: 'off_1', orderId: '{{sha256(1.order; "hex")}}' } })));
    expect(c.report.modules[1].status).toBe('review');
    expect(c.report.modules[1].notes.join(' ')).toMatch(/field "orderId" "\{\{sha256\(1\.order; \\"hex\\"\)\}\}" cannot be translated: the function sha256\(\) has no translation yet/);
    expect(c.n8n.nodes[1].parameters.orderId).toBe('{{sha256(1.order; "hex")}}');
  });

  it('names the module and field of malformed IML', () => {
    const c = convert(readBlueprint(base({ module: 'memberspot:grantAccess', mapper: { email: '{{1.email', accessId: 'off_1' } })));
    expect(c.report.modules[1]).toMatchObject({ id: 2, status: 'review' });
    expect(c.report.modules[1].notes[0]).toMatch(/field "email" "\{\{1\.email" cannot be read: a "\{\{" that is never closed/);
  });

  it('closes the gate of a filter with an unknown operator, for review', () => {
    const c = convert(
      readBlueprint(base({ module: 'memberspot:deleteAccess', filter: { name: 'odd', conditions: [[{ a: '{{1.x}}', o: 'text:soundslike', b: 'y' }]] }, mapper: { email: '{{1.email}}', accessId: 'off' } })),
    );
    expect(c.report.modules[1].status).toBe('review');
    expect(c.report.modules[1].notes[0]).toMatch(/the filter operator "text:soundslike" is not one we know; the gate is closed/);
    const gate = c.n8n.nodes.find((n) => n.name === 'odd');
    expect(JSON.stringify(gate?.parameters)).toContain('"leftValue":"={{ false }}"');
    expect(c.nodeRed.find((n) => n.type === 'switch')).toMatchObject({ property: 'false', propertyType: 'jsonata' });
  });

  it('turns a shop trigger into the verified Shop Webhook trigger, for review', () => {
    const c = convert(readBlueprint({ name: 's', flow: [{ id: 1, module: 'Digistore24:watchIPN', mapper: {} }, { id: 2, module: 'memberspot:revokeOrderAccess', mapper: { email: '{{1.email}}', orderId: '{{1.orderId}}' } }] }));
    expect(c.n8n.nodes[0]).toMatchObject({ type: '@memberflow/n8n-nodes-memberspot.memberspotShopTrigger', parameters: { shop: 'digistore24' } });
    expect(c.nodeRed.find((n) => n.type === 'memberspot-shop')).toMatchObject({ path: '/shop-digistore24' });
    expect(c.nodeRed.find((n) => n.type === 'memberspot-shop-config')).toMatchObject({ shop: 'digistore24' });
    expect(c.report.modules[0].status).toBe('review');
    expect(c.n8n.nodes[1].parameters.email).toBe('={{ $json.email }}');
  });
});

describe('blueprint reader', () => {
  it('reads the three wrappers and numbers with leading zeros', () => {
    const flow = [{ id: 1, module: 'gateway:CustomWebHook', metadata: { device: 0 } }];
    expect(readBlueprint({ name: 'A', flow }).name).toBe('A');
    expect(readBlueprint({ response: { blueprint: { name: 'B', flow } } }).name).toBe('B');
    expect(readBlueprint({ blueprint: { flow, metadata: {} }, controller: { name: 'C' }, scheduling: {} }).name).toBe('C');
    expect(parseBlueprint('\ufeff{ "name": "D", "flow": [ { "id": 01, "module": "x:y", "metadata": { "device": 000000 } }, ], }').flow[0].id).toBe(1);
    // The hand reader (this file is not strict JSON) keeps escapes and tabs as JSON.parse does.
    const escaped = parseBlueprint('{ "name": "E \\"q\\" \\u00e9\\n\tx", "flow": [ { "id": 007, "module": "x:y" } ] }');
    expect(escaped.name).toBe('E "q" é\n\tx');
  });

  it.each([
    ['{ "name": "x", "flow": [ }', /not JSON: expected a value where there is "\}" at line 1, column 26/],
    ['{\n  "name": "x",\n  "flow": [1 2]\n}', /not JSON: expected "," or "\]" where there is "2" at line 3, column 14/],
    ['{ "name": "x" ', /expected "," or "\}" where there is the end of the file at line 1, column 15/],
    ['"text"', /not a Make blueprint: expected an object/],
    ['{ "name": "x" }', /no "flow" list/],
    ['{ "name": "x", "flow": [] }', /"flow" is empty/],
    ['{ "flow": [ { "id": 4 } ] }', /module 4 \(flow\[0\]\) has no "module"/],
    ['{ "flow": [ { "module": "a:b" } ] }', /flow\[0\] has no numeric "id"/],
    ['{ "flow": [ { "id": 1, "module": "a:b" }, { "id": 1, "module": "a:c" } ] }', /the id 1 is used by two modules/],
    ['{ "flow": [ { "id": 2, "module": "a:b", "filter": { "conditions": [[{ "a": "x" }]] } } ] }', /module 2 \(flow\[0\]\): filter condition 1\.1 has no operator/],
  ])('refuses %j', (text, message) => {
    expect(() => parseBlueprint(text)).toThrow(BlueprintError);
    expect(() => parseBlueprint(text)).toThrow(message);
  });

  it('makes file-safe names', () => {
    expect(fileSafeName('Grant after purchase (Digistore24 → Memberspot)')).toBe('Grant-after-purchase-Digistore24-Memberspot');
    expect(fileSafeName('../../etc/passwd')).toBe('etc-passwd');
    expect(fileSafeName('→')).toBe('make-scenario');
  });
});

describe('migrate() (the function the package ships in dist/migrate)', () => {
  it('takes the text or the parsed blueprint, and throws BlueprintError for what it cannot convert', () => {
    const text = readFileSync(join(dir, 'grant-after-purchase.json'), 'utf8');
    expect(migrate(text).report).toEqual(goldenOf('grant-after-purchase', 'report'));
    expect(migrate({ name: 'x', flow: [{ id: 1, module: 'gateway:CustomWebHook' }] }).n8n.nodes[0].type).toBe('n8n-nodes-base.webhook');
    expect(() => migrate({ flow: [] })).toThrow(BlueprintError);
  });

  it('is exported from the package’s main entry too', () => {
    const text = readFileSync(join(dir, 'grant-after-purchase.json'), 'utf8');
    expect(fromMainEntry(text)).toEqual(migrate(text));
    expect(() => fromMainEntry('not json')).toThrow(/not JSON/);
  });

  it('shapes the Node-RED flow for POST /flow: the tab’s label and info, its nodes, the config nodes', () => {
    const { nodeRed } = migrate(readFileSync(join(dir, 'revoke-on-cancellation.json'), 'utf8'));
    const body = nodeRedFlowApi(nodeRed);
    expect(body.label).toBe('Revoke on cancellation (CopeCart)');
    expect(body.nodes.map((n) => n.type)).not.toContain('tab');
    expect(body.nodes.every((n) => !('z' in n))).toBe(true);
    expect(body.configs.map((n) => n.type).sort()).toEqual(['memberspot-config', 'memberspot-shop-config']);
    expect(body.nodes.length + body.configs.length + 1).toBe(nodeRed.length);
    expect(flowApiFromMainEntry(nodeRed)).toEqual(body);
  });
});
