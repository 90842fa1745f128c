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
});

describe('labels and help', () => {
  it('has English labels for every action (from the registry) and German ones written by hand', () => {
    const en = json('locales/en-US/memberspot.json').memberspot;
    const de = json('locales/de/memberspot.json').memberspot;
    for (const action of actionList) {
      expect(en.actions[action.id].label).toBe(action.label);
      expect(de.actions[action.id].label).toMatch(/\S/);
      expect(de.actions[action.id].label).not.toBe(action.label);
      for (const field of action.fields) expect(de.fields[field.name]).toMatch(/\S/);
    }
    expect(de.actions.grantAccess.label).toBe('Zugang gewähren');
    expect(de.actions.revokeAccess.label).toBe('Zugang entziehen');
    expect(de.actions.deleteAccess.label).toBe('Zugang löschen');
    // The same keys in both languages for everything written by hand.
    for (const group of ['label', 'offers', 'status', 'errors']) expect(Object.keys(de[group]).sort()).toEqual(Object.keys(en[group]).sort());
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
