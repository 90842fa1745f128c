/**
 * The IML parser and both translators. Translations are not only compared as text: each one is evaluated
 * by the real engines, n8n-workflow's expression evaluator and Node-RED's JSONata (@node-red/util), on the
 * same bundle, and must give what Make gives.
 */
import { Workflow, type INodeTypes } from 'n8n-workflow';
import { ImlError, parseTemplate, referencedModules, tokenize } from '../../migrate/iml/parser';
import { jsonataExpr, n8nExpr, toN8n, toNodeRed, Untranslatable } from '../../migrate/iml/translate';

interface RedUtil {
  prepareJSONataExpression(value: string, node: unknown): unknown;
  evaluateJSONataExpression(expr: unknown, msg: unknown, callback: (error: unknown, result: unknown) => void): void;
}
// Node-RED's own JSONata, as its change and switch nodes evaluate it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const redUtil = (require('@node-red/util') as { util: RedUtil }).util;

const nodeTypes = {
  getByName: () => ({ description: { properties: [] } }),
  getByNameAndVersion: () => ({ description: { properties: [] } }),
  getKnownTypes: () => ({}),
} as unknown as INodeTypes;

const workflow = new Workflow({
  id: '1',
  name: 'expressions',
  nodes: [{ id: 'a', name: 'A', type: 'test.node', typeVersion: 1, position: [0, 0], parameters: {} }],
  connections: {},
  active: false,
  nodeTypes,
  // n8n formats dates in the workflow's time zone (America/New_York unless set); JSONata in UTC.
  settings: { timezone: 'UTC' },
});

const bundle = {
  email: '  Ada@Example.COM ',
  first_name: '',
  last_name: 'Lovelace',
  'Customer Name': 'Ada L.',
  order_id: 4711,
  amount: '1.234,50',
  tags: ['a', 'b', 'c'],
  items: [{ sku: 'S1' }, { sku: 'S2' }],
  text: 'one two  three',
  zero: 0,
  nested: { deep: { value: 'x' } },
  date: '2024-05-01T10:30:00.000Z',
  de_date: '24.12.2023',
  fmt: 'YYYY',
};

/** Evaluates an IML mapping in n8n's real expression engine with the bundle as `$json`. */
function inN8n(iml: string): unknown {
  const value = toN8n(parseTemplate(iml), () => '$json');
  return workflow.expression.getParameterValue(value, null, 0, 0, 'A', [{ json: bundle }], 'manual', {});
}

/** Evaluates an IML mapping with Node-RED's JSONata on a msg that holds the bundle as msg.make.m1. */
async function inNodeRed(iml: string): Promise<unknown> {
  const value = toNodeRed(parseTemplate(iml), (id) => `make.m${id}`);
  const msg = { make: { m1: bundle } };
  if (value.type === 'str') return value.value;
  const expr = redUtil.prepareJSONataExpression(value.value, null);
  return new Promise((resolve, reject) => {
    redUtil.evaluateJSONataExpression(expr, msg, (error: unknown, result: unknown) => (error ? reject(error) : resolve(result)));
  });
}

async function both(iml: string): Promise<[unknown, unknown]> {
  return [inN8n(iml), await inNodeRed(iml)];
}

describe('IML parser', () => {
  it('reads references, backticked keys, indexes and literal text mixed with several expressions', () => {
    const t = parseTemplate('DS24-{{1.order_id}} / {{1.`Customer Name`}} {{3.items[1].sku}}');
    expect(t.parts.map((p) => p.kind)).toEqual(['text', 'expr', 'text', 'expr', 'text', 'expr']);
    expect(t.parts[1]).toMatchObject({ expr: { kind: 'ref', module: 1, path: [{ kind: 'key', name: 'order_id' }] }, source: '{{1.order_id}}' });
    expect(t.parts[3]).toMatchObject({ expr: { kind: 'ref', module: 1, path: [{ kind: 'key', name: 'Customer Name' }] } });
    expect(t.parts[5]).toMatchObject({
      expr: { kind: 'ref', module: 3, path: [{ kind: 'key', name: 'items' }, { kind: 'index', index: { kind: 'number', value: 1 } }, { kind: 'key', name: 'sku' }] },
    });
    expect(referencedModules(t).sort()).toEqual([1, 3]);
  });

  it('reads functions with semicolon arguments, nesting, keywords, numbers, comparisons and regular expressions', () => {
    const t = parseTemplate('{{ if(1.a = "x"; lower(trim(1.b)); ifempty(1.c; emptystring)) }}');
    expect(t.parts).toHaveLength(1);
    const e = t.parts[0].kind === 'expr' ? t.parts[0].expr : null;
    expect(e).toMatchObject({ kind: 'call', name: 'if', args: [{ kind: 'binary', op: '=' }, { kind: 'call', name: 'lower' }, { kind: 'call', name: 'ifempty' }] });
    const k = parseTemplate('{{null}}{{true}}{{false}}{{emptystring}}{{now}}{{1.5}}{{-2}}');
    expect(k.parts.map((p) => (p.kind === 'expr' ? p.expr : null))).toEqual([
      { kind: 'keyword', value: 'null' },
      { kind: 'keyword', value: 'true' },
      { kind: 'keyword', value: 'false' },
      { kind: 'keyword', value: 'emptystring' },
      { kind: 'keyword', value: 'now' },
      { kind: 'number', value: 1.5 },
      { kind: 'number', value: -2 },
    ]);
    const r = parseTemplate('{{replace(1.text; /\\s+/g; "-")}}');
    expect(r.parts[0]).toMatchObject({ expr: { args: [{ kind: 'ref' }, { kind: 'regex', pattern: '\\s+', flags: 'g' }, { kind: 'string', value: '-' }] } });
  });

  it('keeps text without {{ }} as text, and tokenizes with offsets', () => {
    expect(parseTemplate('off_basic')).toEqual({ parts: [{ kind: 'text', value: 'off_basic' }] });
    expect(parseTemplate('')).toEqual({ parts: [] });
    expect(tokenize('1.a', 10).map((t) => [t.kind, t.offset])).toEqual([['number', 10], ['punct', 11], ['ident', 12], ['end', 13]]);
  });

  it.each([
    ['{{1.email', /"\{\{" that is never closed.*character 1/],
    ['x {{ }}', /empty "\{\{ \}\}"/],
    ['{{lower(1.a}}', /";" or "\)" in lower\(\.\.\.\)/],
    ['{{1.}}', /a name after "\."/],
    ['{{email}}', /"email" is neither a keyword nor a function call.*1\.email/],
    ['{{1.a ^ 2}}', /unexpected character "\^" at character 7/],
    ['{{"open}}', /never closed/],
    ['{{1.`key}}', /backticked/],
    ['{{1.items[1}}', /expected "\]"/],
    ['{{lower(1.a) upper(1.b)}}', /expected "\}\}" where there is "upper"/],
  ])('refuses %s with a clear reason and position', (iml, message) => {
    expect(() => parseTemplate(iml)).toThrow(ImlError);
    expect(() => parseTemplate(iml)).toThrow(message);
  });
});

describe('IML translation, evaluated in n8n and Node-RED', () => {
  it.each<[string, unknown]>([
    ['{{1.last_name}}', 'Lovelace'],
    ['{{1.`Customer Name`}}', 'Ada L.'],
    ['{{1.items[2].sku}}', 'S2'],
    ['{{1.tags[1]}}', 'a'],
    ['DS24-{{1.order_id}}-{{1.last_name}}', 'DS24-4711-Lovelace'],
    ['{{ifempty(1.first_name; "Kunde")}}', 'Kunde'],
    ['{{ifempty(1.last_name; "Kunde")}}', 'Lovelace'],
    ['{{ifempty(1.missing; "Kunde")}}', 'Kunde'],
    ['{{if(1.order_id = 4711; "yes"; "no")}}', 'yes'],
    ['{{if(1.order_id != 4711; "yes"; "no")}}', 'no'],
    ['{{if(1.order_id > 4000; "big"; "small")}}', 'big'],
    ['{{lower(trim(1.email))}}', 'ada@example.com'],
    ['{{upper(1.last_name)}}', 'LOVELACE'],
    ['{{trim(1.email)}}', 'Ada@Example.COM'],
    ['{{replace(1.text; " "; "_")}}', 'one_two__three'],
    ['{{replace(1.text; /\\s+/g; "-")}}', 'one-two-three'],
    ['{{replace(1.text; /o/; "0")}}', '0ne two  three'],
    ['{{join(split(1.text; " "); "|")}}', 'one|two||three'],
    ['{{join(1.tags; ", ")}}', 'a, b, c'],
    ['{{length(1.tags)}}', 3],
    ['{{length(1.last_name)}}', 8],
    ['{{toString(1.order_id)}}', '4711'],
    ['{{parseNumber(1.amount; ",")}}', 1234.5],
    ['{{parseNumber("42")}}', 42],
    ['{{substring(1.last_name; 0; 4)}}', 'Love'],
    ['{{substring(1.last_name; 4)}}', 'lace'],
    ['{{contains(1.last_name; "love")}}', false],
    ['{{contains(1.last_name; "Love")}}', true],
    ['{{contains(1.tags; "b")}}', true],
    ['{{get(1.tags; 2)}}', 'b'],
    ['{{get(1.nested; "deep.value")}}', 'x'],
    ['{{first(1.tags)}}', 'a'],
    ['{{last(1.tags)}}', 'c'],
    ['{{encodeURL("a b&c")}}', 'a%20b%26c'],
    ['{{1.order_id + 1}}', 4712],
    ['{{1.order_id * 2 - 2}}', 9420],
    ['{{emptystring}}', ''],
    ['{{true}}', true],
    ['{{null}}', null],
    ['off_basic', 'off_basic'],
    // Dates: Moment's tokens become Luxon's (n8n) and XPath pictures (JSONata).
    ['{{formatDate(1.date; "YYYY-MM-DD")}}', '2024-05-01'],
    ['{{formatDate(1.date; "DD.MM.YYYY HH:mm:ss")}}', '01.05.2024 10:30:00'],
    ['{{formatDate(1.date; "D. MMMM YYYY [um] H [Uhr]")}}', '1. May 2024 um 10 Uhr'],
    ['{{formatDate(1.date; "ddd, MMM D, h:mm A")}}', 'Wed, May 1, 10:30 AM'],
    ['{{formatDate(addDays(1.date; 3); "YYYY-MM-DD")}}', '2024-05-04'],
    ['{{formatDate(addDays(1.date; -1); "YYYY-MM-DD")}}', '2024-04-30'],
    ['{{formatDate(addHours(1.date; 2); "HH:mm")}}', '12:30'],
    ['{{formatDate(addMinutes(1.date; 45); "HH:mm")}}', '11:15'],
    ['{{formatDate(parseDate(1.de_date; "DD.MM.YYYY"); "YYYY-MM-DD")}}', '2023-12-24'],
    // Make takes unquoted text as an argument.
    ['{{formatDate(1.date; DD.MM.YYYY HH:mm)}}', '01.05.2024 10:30'],
    ['{{ifempty(1.first_name; Liebe Kundin)}}', 'Liebe Kundin'],
    ['{{if(1.order_id = 4711; ja; nein)}}', 'ja'],
    ['{{replace(1.last_name; love; Love)}}', 'Lovelace'],
  ])('%s → %p', async (iml, expected) => {
    const [n8n, nodeRed] = await both(iml);
    expect(n8n).toEqual(expected);
    expect(nodeRed).toEqual(expected);
  });

  it('translates now to the hosts’ current time', async () => {
    expect(n8nExpr({ kind: 'keyword', value: 'now' }, () => '$json')).toBe('$now');
    expect(jsonataExpr({ kind: 'keyword', value: 'now' }, () => 'make.m1')).toBe('$now()');
    const n8n = inN8n('{{now}}');
    expect(String(n8n)).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(String(await inNodeRed('{{now}}'))).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('formats now in both hosts', async () => {
    const year = String(new Date().getUTCFullYear());
    const [n8n, nodeRed] = await both('{{formatDate(now; "YYYY")}}');
    expect([n8n, nodeRed]).toEqual([year, year]);
    // A date result on its own is the date (n8n: a Luxon DateTime, written as ISO text; JSONata: ISO text).
    const [d8, dr] = await both('{{addDays(1.date; 1)}}');
    expect(new Date(String(d8)).toISOString()).toBe('2024-05-02T10:30:00.000Z');
    expect(dr).toBe('2024-05-02T10:30:00.000Z');
  });

  it('reads an unquoted argument as the text up to the next ";" or ")" (parentheses nest), trimmed', () => {
    const t = parseTemplate('{{formatDate(now;  DD.MM.YYYY (HH:mm) ; Europe/Berlin)}}');
    expect(t.parts[0]).toMatchObject({ expr: { kind: 'call', args: [{ kind: 'keyword' }, { kind: 'string', value: 'DD.MM.YYYY (HH:mm)' }, { kind: 'string', value: 'Europe/Berlin' }] } });
    expect(toN8n(parseTemplate('{{formatDate(1.date; "DD.MM.YYYY"; "Europe/Berlin")}}'), () => '$json')).toBe(
      '={{ DateTime.fromISO(String($json.date)).setZone("Europe/Berlin").toFormat("dd.MM.yyyy") }}',
    );
  });

  it.each([
    ['{{formatDate(1.date; "Do MMMM")}}', /token "Do" has no counterpart/],
    ['{{formatDate(1.date; 1.fmt)}}', /formatDate\(\) with a format that is not literal text/],
    ['{{formatDate(1.date; "[open")}}', /opens "\[" and never closes it/],
  ])('reports the date mapping %s as untranslatable', (iml, reason) => {
    const t = parseTemplate(iml);
    expect(() => toN8n(t, () => '$json')).toThrow(reason);
    expect(() => toNodeRed(t, (id) => `make.m${id}`)).toThrow(reason);
  });

  it('reports a zone name for JSONata, which takes fixed offsets only', async () => {
    const t = parseTemplate('{{formatDate(1.date; "HH:mm"; "Europe/Berlin")}}');
    expect(() => toNodeRed(t, (id) => `make.m${id}`)).toThrow(/time zone "Europe\/Berlin" \(JSONata takes a fixed offset/);
    expect(inN8n('{{formatDate(1.date; "HH:mm"; "Europe/Berlin")}}')).toBe('12:30');
    expect(await inNodeRed('{{formatDate(1.date; "HH:mm"; "+0200")}}')).toBe('12:30');
  });

  it('writes n8n references to the node they came from and Node-RED msg paths', () => {
    const webhook = (id: number) => (id === 1 ? "$('Shop webhook').item.json.body" : '$json');
    expect(toN8n(parseTemplate('{{1.email}}'), webhook)).toBe("={{ $('Shop webhook').item.json.body.email }}");
    expect(toN8n(parseTemplate('{{2.uid}}'), webhook)).toBe('={{ $json.uid }}');
    expect(toN8n(parseTemplate('{{1.`Customer Name`}}'), webhook)).toBe('={{ $(\'Shop webhook\').item.json.body["Customer Name"] }}');
    expect(toNodeRed(parseTemplate('{{1.email}}'), (id) => `make.m${id}`)).toEqual({ type: 'msg', value: 'make.m1.email' });
    expect(toNodeRed(parseTemplate('{{1.`Customer Name`}}'), (id) => `make.m${id}`)).toEqual({ type: 'jsonata', value: 'make.m1.`Customer Name`' });
    expect(toNodeRed(parseTemplate('A-{{1.x}}'), (id) => `make.m${id}`)).toEqual({ type: 'jsonata', value: '"A-" & $string(make.m1.x)' });
    expect(toNodeRed(parseTemplate('plain'), (id) => `make.m${id}`)).toEqual({ type: 'str', value: 'plain' });
  });

  it.each([
    ['{{sha256(1.email)}}', /sha256\(\) has no translation yet/],
    ['{{lower(1.a; 1.b)}}', /lower\(\) takes 1 argument, not 2/],
    ['{{if(1.a; 1.b)}}', /if\(\) takes 3 arguments, not 2/],
    ['{{get(1.a; 1.b)}}', /get\(\) with a path that is not literal text/],
    ['{{parseNumber(1.a; 1.b)}}', /parseNumber\(\) with a decimal separator/],
  ])('reports %s as untranslatable in both hosts', (iml, reason) => {
    const t = parseTemplate(iml);
    expect(() => toN8n(t, () => '$json')).toThrow(Untranslatable);
    expect(() => toN8n(t, () => '$json')).toThrow(reason);
    expect(() => toNodeRed(t, (id) => `make.m${id}`)).toThrow(reason);
  });
});
