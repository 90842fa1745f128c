/**
 * The generated editor files: every action of the registry is in the form, labels and help exist in
 * English and German, and the HTML has what the Flow Library scorecard parses.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { actionList } from '../../shared';

const DIST = path.resolve(__dirname, '..', '..', 'dist', 'node-red');
const read = (file: string) => fs.readFileSync(path.join(DIST, file), 'utf8');
const json = (file: string) => JSON.parse(read(file));

describe('the action node form', () => {
  const htmlText = read('memberspot.html');
  const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(htmlText)?.[1] ?? '';

  it('registers the type with a literal definition object', () => {
    expect(script).toMatch(/RED\.nodes\.registerType\('memberspot', \{/);
    expect(script).toMatch(/category: 'Memberspot'/);
    expect(() => new Function('RED', '$', script)).not.toThrow();
  });

  it('offers every action, grouped, and a property pair per field', () => {
    for (const action of actionList) {
      expect(htmlText).toContain(`<option value="${action.id}">`);
      for (const field of action.fields) {
        expect(script).toContain(`    ${field.name}: { value: '' }`);
        expect(script).toContain(`    ${field.name}Type: { value: 'msgdefault' }`);
        expect(htmlText).toContain(`id="node-input-${field.name}"`);
      }
    }
    expect(htmlText.match(/<optgroup /g)?.length).toBe(new Set(actionList.map((a) => a.resource)).size);
  });

  it('sits next to the built .js with the same base name, with icons', () => {
    for (const base of ['memberspot', 'memberspot-config', 'memberspot-webhook']) {
      expect(fs.existsSync(path.join(DIST, `${base}.js`))).toBe(true);
      expect(read(`${base}.html`)).toContain(`RED.nodes.registerType('${base}', {`);
    }
    expect(fs.existsSync(path.join(DIST, 'icons', 'memberspot.svg'))).toBe(true);
    expect(read('memberspot-config.html')).toContain("apiKey: { type: 'password', required: true }");
  });

  it('puts the offers picker under every field with picker "offers", and the paging controls for paged lists', () => {
    const pickers = [...htmlText.matchAll(/class="form-row memberspot-field memberspot-picker" data-field="(\w+)"/g)].map((m) => m[1]);
    const withPicker = new Set(actionList.flatMap((a) => a.fields.filter((f) => f.picker === 'offers').map((f) => f.name)));
    expect(pickers).toEqual([...withPicker]);
    expect(script).toContain("    returnAll: { value: false }");
    expect(script).toMatch(/ {4}limit: \{ value: '', validate: RED\.validators\.number\(true\) \}/);
    const data = /var ACTIONS = (\{[\s\S]*?\n {2}\});/.exec(script)?.[1] ?? '{}';
    const paged = Object.entries(JSON.parse(data) as Record<string, { paging: boolean }>).filter(([, a]) => a.paging).map(([id]) => id);
    expect(paged).toEqual(actionList.filter((a) => a.paging).map((a) => a.id));
    expect(paged).toContain('listUsers');
  });

  it('gives the account "Parallel requests": default 8, a whole number from 1 to 64, labelled and explained in both languages', () => {
    const config = read('memberspot-config.html');
    const registered: Record<string, { defaults: Record<string, { value: unknown; validate?: (v: unknown) => boolean }> }> = {};
    const RED = { nodes: { registerType: (t: string, d: never) => (registered[t] = d) }, validators: { number: () => () => true } };
    new Function('RED', /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(config)?.[1] ?? '')(RED);
    const parallel = registered['memberspot-config'].defaults.parallelRequests;
    expect(parallel.value).toBe(8);
    for (const ok of [1, 8, 64, '16', '']) expect(parallel.validate?.(ok)).toBe(true);
    for (const bad of [0, 65, 2.5, 'x', -1]) expect(parallel.validate?.(bad)).toBe(false);
    expect(config).toContain('id="node-config-input-parallelRequests"');
    for (const lang of ['en-US', 'de']) {
      const texts = json(`locales/${lang}/memberspot-config.json`)['memberspot-config'];
      expect(texts.label.parallelRequests).toMatch(/\S/);
      expect(texts.help.parallelRequests).toMatch(/1 = /);
      const help = read(`locales/${lang}/memberspot-config.html`);
      expect(help).toContain('npx memberspot-doctor');
      expect(help).toMatch(/Parallel/);
    }
  });
});

describe('labels and help', () => {
  const en = json('locales/en-US/memberspot.json').memberspot;
  const de = json('locales/de/memberspot.json').memberspot;

  /** Every key path of a locale object ("actions.grantAccess.fields.email.help", ...). */
  function keys(object: Record<string, unknown>, prefix = ''): string[] {
    return Object.entries(object).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
  }

  it('has English labels and help for every action and field, from the registry, keyed by action and field', () => {
    for (const action of actionList) {
      expect(en.actions[action.id]).toMatchObject({ label: action.label, description: action.description });
      for (const field of action.fields) expect(en.actions[action.id].fields[field.name]).toEqual({ label: field.label, help: field.description });
    }
  });

  it('has a German text for every English one, and no German key without an English counterpart', () => {
    const english = keys(en).sort();
    const german = keys(de).sort();
    expect(german.filter((k) => !english.includes(k))).toEqual([]);
    expect(english.filter((k) => !german.includes(k))).toEqual([]);
    for (const key of german) expect(key.split('.').reduce((o, k) => o[k], de)).toMatch(/\S/);
    for (const action of actionList) {
      expect(Object.keys(action.translations.de.fields).sort()).toEqual(action.fields.map((f) => f.name).sort());
      expect(de.actions[action.id].label).not.toBe(action.label);
    }
    for (const file of ['memberspot-config.json', 'memberspot-webhook.json']) {
      expect(keys(json(`locales/de/${file}`)).sort()).toEqual(keys(json(`locales/en-US/${file}`)).sort());
    }
    expect(de.actions.grantAccess.label).toBe('Zugang gewähren');
    expect(de.actions.revokeAccess.label).toBe('Zugang entziehen');
    expect(de.actions.deleteAccess.label).toBe('Zugang löschen');
  });

  it('gives each action its own German help for a shared field name (active)', () => {
    const help = (id: string) => de.actions[id].fields.active.help as string;
    expect(help('revokeAccess')).toMatch(/^false deaktiviert den Zugang/);
    expect(help('listUsers')).toMatch(/^Nur Benutzer mit aktivem \(true\) oder inaktivem \(false\) Zugang/);
    expect(help('deleteOrderAccess')).toMatch(/statt ihn zu entfernen/);
    expect(new Set(['revokeAccess', 'revokeOrderAccess', 'listUsers', 'deleteOrderAccess'].map(help)).size).toBe(4);
  });

  it('says in German what the English Grant Access description says (creates the user, safe to repeat)', () => {
    expect(en.actions.grantAccess.description).toMatch(/Creates the user[\s\S]*Safe to repeat/);
    expect(de.actions.grantAccess.description).toMatch(/wird er zuerst angelegt[\s\S]*gefahrlos wiederholt/);
    expect(de.actions.grantAccess.description).not.toMatch(/Bestellnummer/);
  });

  it.each(['en-US', 'de'])('has help for every node in %s, with every action listed', (lang) => {
    const locale = json(`locales/${lang}/memberspot.json`).memberspot;
    const help = read(`locales/${lang}/memberspot.html`);
    expect(help).toContain('data-help-name="memberspot"');
    expect(help).not.toContain('<!-- ACTIONS -->');
    for (const action of actionList) expect(help).toContain(locale.actions[action.id].label);
    for (const property of ['msg.email', 'msg.accessId', 'msg.orderId', 'msg.emails', 'msg.properties']) expect(help).toContain(`<code>${property}</code>`);
    expect(read(`locales/${lang}/memberspot-config.html`)).toContain('data-help-name="memberspot-config"');
    expect(read(`locales/${lang}/memberspot-webhook.html`)).toContain('data-help-name="memberspot-webhook"');
    for (const file of ['memberspot-config.json', 'memberspot-webhook.json']) expect(() => json(`locales/${lang}/${file}`)).not.toThrow();
  });
});
