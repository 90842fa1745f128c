/**
 * Make's filter operators, each translated to both hosts and evaluated by the real engines on the same
 * bundle: n8n-workflow's expression evaluator (what the converted If node computes) and Node-RED's JSONata
 * (what the converted switch node computes). Every operator once where it passes and once where it does not;
 * OR of AND groups; Make's other spellings; an unknown operator is refused, never a pass.
 */
import { Workflow, type INodeTypes } from 'n8n-workflow';
import type { Condition, Filter } from '../../migrate/blueprint';
import { jsonataFilter, n8nFilter, SUPPORTED_OPERATORS } from '../../migrate/filters';
import { Untranslatable } from '../../migrate/iml/translate';

interface RedUtil {
  prepareJSONataExpression(value: string, node: unknown): unknown;
  evaluateJSONataExpression(expr: unknown, msg: unknown, callback: (error: unknown, result: unknown) => void): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const redUtil = (require('@node-red/util') as { util: RedUtil }).util;

const nodeTypes = {
  getByName: () => ({ description: { properties: [] } }),
  getByNameAndVersion: () => ({ description: { properties: [] } }),
  getKnownTypes: () => ({}),
} as unknown as INodeTypes;
const workflow = new Workflow({
  id: '1',
  name: 'filters',
  nodes: [{ id: 'a', name: 'A', type: 'test.node', typeVersion: 1, position: [0, 0], parameters: {} }],
  connections: {},
  active: false,
  nodeTypes,
});

const bundle = {
  event: 'Refund',
  email: 'ada@example.com',
  amount: 49.5,
  count: '3',
  paid: true,
  flag: 'false',
  tags: ['vip', 'de'],
  date: '2024-05-01T10:00:00Z',
  empty: null,
};

function inN8n(f: Filter): unknown {
  return workflow.expression.getParameterValue(`={{ ${n8nFilter(f, () => '$json')} }}`, null, 0, 0, 'A', [{ json: bundle }], 'manual', {});
}

function inNodeRed(f: Filter): Promise<unknown> {
  const expr = redUtil.prepareJSONataExpression(jsonataFilter(f, (id) => `make.m${id}`), null);
  return new Promise((resolve, reject) => redUtil.evaluateJSONataExpression(expr, { make: { m1: bundle } }, (e, r) => (e ? reject(e) : resolve(r))));
}

const one = (c: Condition): Filter => ({ name: 'f', conditions: [[c]] });

describe('every filter operator in n8n and Node-RED', () => {
  it.each<[string, string, string | undefined, boolean]>([
    ['{{1.event}}', 'text:equal', 'Refund', true],
    ['{{1.event}}', 'text:equal', 'refund', false],
    ['{{1.event}}', 'text:equal:ci', 'REFUND', true],
    ['{{1.event}}', 'text:equal:ci', 'chargeback', false],
    ['{{1.event}}', 'text:notequal', 'refund', true],
    ['{{1.event}}', 'text:notequal', 'Refund', false],
    ['{{1.event}}', 'text:notequal:ci', 'REFUND', false],
    ['{{1.email}}', 'text:contain', '@example', true],
    ['{{1.email}}', 'text:contain', '@EXAMPLE', false],
    ['{{1.email}}', 'text:contain:ci', '@EXAMPLE', true],
    ['{{1.email}}', 'text:notcontain', 'gmail', true],
    ['{{1.email}}', 'text:notcontain:ci', 'ADA', false],
    ['{{1.event}}', 'text:startwith', 'Ref', true],
    ['{{1.event}}', 'text:startswith', 'Ref', true], // Make's documentation spells it so
    ['{{1.event}}', 'text:startwith', 'ref', false],
    ['{{1.event}}', 'text:startwith:ci', 'ref', true],
    ['{{1.event}}', 'text:notstartwith', 'Cha', true],
    ['{{1.event}}', 'text:notstartwith', 'Ref', false],
    ['{{1.event}}', 'text:endwith', 'und', true],
    ['{{1.event}}', 'text:endswith', 'xyz', false],
    ['{{1.event}}', 'text:endwith:ci', 'UND', true],
    ['{{1.event}}', 'text:notendwith', 'und', false],
    ['{{1.email}}', 'text:pattern', '^[a-z]+@example\\.com$', true],
    ['{{1.email}}', 'text:pattern', '^[0-9]+$', false],
    ['{{1.event}}', 'text:pattern:ci', '^refund$', true],
    ['{{1.email}}', 'text:notpattern', '^[0-9]+$', true],
    ['{{1.amount}}', 'number:equal', '49.5', true],
    ['{{1.amount}}', 'number:equal', '49', false],
    ['{{1.amount}}', 'number:notequal', '49', true],
    ['{{1.amount}}', 'number:greater', '40', true],
    ['{{1.amount}}', 'number:greater', '49.5', false],
    ['{{1.count}}', 'number:less', '10', true], // a number in text, as webhooks send them
    ['{{1.count}}', 'number:less', '2', false],
    ['{{1.amount}}', 'number:greaterorequal', '49.5', true],
    ['{{1.amount}}', 'number:lessorequal', '49', false],
    ['{{1.date}}', 'date:greater', '2024-01-01T00:00:00Z', true],
    ['{{1.date}}', 'date:greater', '2025-01-01T00:00:00Z', false],
    ['{{1.date}}', 'date:less', '2025-01-01T00:00:00Z', true],
    ['{{1.date}}', 'date:less', '2024-01-01T00:00:00Z', false],
    ['{{1.paid}}', 'boolean:equal', 'true', true],
    ['{{1.flag}}', 'boolean:equal', 'true', false],
    ['{{1.flag}}', 'boolean:notequal', 'true', true],
    ['{{1.tags}}', 'array:contain', 'vip', true],
    ['{{1.tags}}', 'array:contain', 'en', false],
    ['{{1.tags}}', 'array:notcontain', 'en', true],
    ['{{1.email}}', 'exist', undefined, true],
    ['{{1.missing}}', 'exist', undefined, false],
    ['{{1.empty}}', 'exist', undefined, false],
    ['{{1.missing}}', 'notexist', undefined, true],
    ['{{1.email}}', 'notexist', undefined, false],
  ])('%s %s %s → %p', async (a, o, b, expected) => {
    const f = one({ a, o, ...(b === undefined ? {} : { b }) });
    expect(inN8n(f)).toBe(expected);
    expect(await inNodeRed(f)).toBe(expected);
  });

  it('covers every operator it claims', () => {
    expect(SUPPORTED_OPERATORS).toEqual(expect.arrayContaining(['text:equal', 'text:equal:ci', 'text:notequal', 'text:contain', 'text:contain:ci', 'text:startwith', 'text:notstartwith', 'text:pattern', 'number:equal', 'number:greater', 'number:less', 'number:greaterorequal', 'number:lessorequal', 'date:greater', 'date:less', 'boolean:equal', 'array:contain', 'exist', 'notexist']));
  });

  it('OR of AND groups: passes when every condition of one group passes', async () => {
    const f: Filter = {
      name: 'refund or big',
      conditions: [
        [{ a: '{{1.event}}', o: 'text:equal', b: 'chargeback' }],
        [{ a: '{{1.event}}', o: 'text:equal:ci', b: 'refund' }, { a: '{{1.amount}}', o: 'number:greater', b: '10' }],
      ],
    };
    expect([inN8n(f), await inNodeRed(f)]).toEqual([true, true]);
    const g: Filter = { ...f, conditions: [f.conditions[0], [f.conditions[1][0], { a: '{{1.amount}}', o: 'number:greater', b: '100' }]] };
    expect([inN8n(g), await inNodeRed(g)]).toEqual([false, false]);
    expect([inN8n({ name: 'empty', conditions: [] }), await inNodeRed({ name: 'empty', conditions: [] })]).toEqual([true, true]);
  });

  it('compares with mappings on both sides', async () => {
    const f = one({ a: '{{lower(1.event)}}', o: 'text:equal', b: 'ref{{substring(1.event; 3; 6)}}' });
    expect([inN8n(f), await inNodeRed(f)]).toEqual([true, true]);
  });

  it('refuses an unknown operator and an unreadable side (the converter closes the gate and reports it)', () => {
    expect(() => n8nFilter(one({ a: '{{1.event}}', o: 'text:soundslike', b: 'x' }), () => '$json')).toThrow(Untranslatable);
    expect(() => jsonataFilter(one({ a: '{{1.event}}', o: 'text:soundslike', b: 'x' }), () => 'make.m1')).toThrow(/the filter operator "text:soundslike" is not one we know/);
    expect(() => n8nFilter(one({ a: '{{1.event', o: 'text:equal', b: 'x' }), () => '$json')).toThrow(/left side "\{\{1\.event" cannot be read/);
  });
});
