/**
 * memberspot-poll's generated editor file and its texts: a literal registerType with the properties and their
 * defaults (as the runtime reads them), labels and help in English and German with the same keys.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const DIST = path.resolve(__dirname, '..', '..', 'dist', 'node-red');
const read = (file: string) => fs.readFileSync(path.join(DIST, file), 'utf8');
const json = (file: string) => JSON.parse(read(file)) as Record<string, unknown>;

function keys(object: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(object).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keys(value as Record<string, unknown>, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

describe('the memberspot-poll form', () => {
  const html = read('memberspot-poll.html');
  const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';

  it('sits next to its .js and registers the type with a literal definition: the properties and their defaults', () => {
    expect(fs.existsSync(path.join(DIST, 'memberspot-poll.js'))).toBe(true);
    expect(script).toContain("RED.nodes.registerType('memberspot-poll', {");
    const registered: Record<string, { defaults: Record<string, { value: unknown; type?: string }>; inputs: number; outputs: number }> = {};
    const RED = { nodes: { registerType: (type: string, definition: never) => (registered[type] = definition) }, validators: { number: () => () => true } };
    new Function('RED', '$', script)(RED, undefined);
    const definition = registered['memberspot-poll'];
    const defaults = Object.fromEntries(Object.entries(definition.defaults).map(([name, d]) => [name, d.value]));
    expect(defaults).toEqual({ name: '', account: '', event: 'newMember', accessId: '', interval: 300, store: '', emitOnFirstPoll: false, confirmMassChanges: false });
    expect(definition.defaults.account.type).toBe('memberspot-config');
    expect([definition.inputs, definition.outputs]).toEqual([1, 1]);
    for (const name of ['account', 'event', 'accessId', 'interval', 'store', 'emitOnFirstPoll', 'confirmMassChanges', 'name']) expect(html).toContain(`id="node-input-${name}"`);
    for (const event of ['newMember', 'accessGranted', 'accessEnded']) expect(html).toContain(`<option value="${event}"`);
  });

  it('has the same label keys in English and German, none empty, and help in both', () => {
    const en = keys(json('locales/en-US/memberspot-poll.json')).sort();
    const de = json('locales/de/memberspot-poll.json');
    expect(keys(de).sort()).toEqual(en);
    for (const key of keys(de)) expect(String(key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], de))).toMatch(/\S/);
    for (const key of ['memberspot-poll.event.newMember', 'memberspot-poll.status.polled', 'memberspot-poll.label.confirmMassChanges']) expect(en).toContain(key);
    expect(read('locales/en-US/memberspot-poll.html')).toContain('data-help-name="memberspot-poll"');
    expect(read('locales/en-US/memberspot-poll.html')).toMatch(/revoked, deleted or expired \(the API does not tell which\)/);
    expect(read('locales/de/memberspot-poll.html')).toContain('data-help-name="memberspot-poll"');
    expect(read('locales/de/memberspot-poll.html')).toMatch(/widerrufen, gelöscht oder abgelaufen \(die API sagt nicht, was davon\)/);
  });
});
