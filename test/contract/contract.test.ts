/**
 * The parameter contract: the n8n parameters and Node-RED properties of the build in dist/ must equal the
 * committed snapshot (test/contract/parameter-contract.json), so that no change to the registry or the
 * generators silently breaks saved workflows and flows. Regenerate on purpose with `npm run contract:update`
 * (CONTRIBUTING.md says when that is allowed).
 */
import { readFileSync } from 'node:fs';
import { actionList } from '../../shared';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const contract = require('../../scripts/contract.js') as {
  FILE: string;
  snapshot(): Contract;
  actionLabels(): Record<string, string>;
  compare(saved: Contract, now: Contract, labels?: Record<string, string>): { breaking: string[]; additive: string[] };
  report(diff: { breaking: string[]; additive: string[] }): string;
};
type Entries = Record<string, Record<string, unknown>>;
interface Contract {
  n8nNodes: Record<string, Entries>;
  n8nCredentials: Record<string, Entries>;
  nodeRed: Record<string, Entries>;
}

const saved = JSON.parse(readFileSync(contract.FILE, 'utf8')) as Contract;
const now = contract.snapshot();
const labels = contract.actionLabels();

it('the build matches the committed parameter contract', () => {
  const diff = contract.compare(saved, now, labels);
  if (diff.breaking.length + diff.additive.length > 0) throw new Error(contract.report(diff));
});

it('covers every field of every action in both hosts, and every node and credential', () => {
  const n8n = now.n8nNodes['memberspot v1'];
  const red = now.nodeRed.memberspot;
  for (const action of actionList) {
    for (const field of action.fields) {
      if (field.name === 'lastLoadedId' && action.id === 'listUsers') continue; // driven by Return All / Limit in n8n
      const at = `operation=${action.operation} resource=${action.resource}`;
      expect(Object.keys(n8n).filter((k) => k.endsWith(`${field.name} @ ${at}`))).toHaveLength(1);
      expect(red[field.name]).toEqual({ default: '' });
      expect(red[`${field.name}Type`]).toEqual({ default: 'msgdefault' });
    }
  }
  expect(Object.keys(now.n8nNodes)).toEqual(expect.arrayContaining(['memberspot v1', 'memberspotTrigger v1', 'memberspotPollingTrigger v1']));
  expect(Object.keys(now.n8nCredentials).length).toBeGreaterThan(0);
  expect(Object.keys(now.nodeRed).sort()).toEqual(['memberspot', 'memberspot-config', 'memberspot-poll', 'memberspot-shop', 'memberspot-shop-config', 'memberspot-webhook']);
  expect(now.nodeRed['memberspot-config']['credentials.apiKey']).toEqual({ type: 'password' });
});

describe('how a difference is judged', () => {
  const copy = (): Contract => JSON.parse(JSON.stringify(saved)) as Contract;
  const judge = (changed: Contract) => contract.compare(saved, changed, labels);
  const LIST = 'operation=list resource=user';

  function rename(entries: Entries, from: string, to: string) {
    entries[to] = entries[from];
    delete entries[from];
  }

  it('a field moved into or out of Additional Fields is breaking, and the message names the action', () => {
    const changed = copy();
    rename(changed.n8nNodes['memberspot v1'], `additionalFields.pageLength @ ${LIST}`, `pageLength @ ${LIST}`);
    const diff = judge(changed);
    expect(diff.breaking).toEqual([expect.stringMatching(/parameter "additionalFields.pageLength" .*"List Users".* moved out of the collection "additionalFields"/)]);
    expect(diff.additive).toEqual([]);
    expect(contract.report(diff)).toMatch(/BREAKING[\s\S]*bump the node's version[\s\S]*npm run contract:update/);
  });

  it('a renamed parameter, a changed default or type, a removed option value or mode are breaking', () => {
    const changed = copy();
    const n8n = changed.n8nNodes['memberspot v1'];
    rename(n8n, 'email @ operation=grant resource=access', 'mail @ operation=grant resource=access');
    n8n[`limit @ ${LIST} returnAll=false`] = { ...n8n[`limit @ ${LIST} returnAll=false`], default: 100 };
    n8n['body @ operation=call resource=apiCall'] = { ...n8n['body @ operation=call resource=apiCall'], type: 'string' };
    n8n['method @ operation=call resource=apiCall'] = { ...n8n['method @ operation=call resource=apiCall'], options: ['GET', 'POST'] };
    n8n['accessId @ operation=grant resource=access'] = { ...n8n['accessId @ operation=grant resource=access'], modes: ['list'] };
    const diff = judge(changed);
    expect(diff.breaking).toHaveLength(5);
    expect(diff.breaking.join('\n')).toMatch(/"email" .*"Grant Access".* removed or renamed/);
    expect(diff.breaking.join('\n')).toMatch(/"limit" .*default 50 -> 100/);
    expect(diff.breaking.join('\n')).toMatch(/"body" .*type json -> string/);
    expect(diff.breaking.join('\n')).toMatch(/option values removed: PUT, PATCH, DELETE/);
    expect(diff.breaking.join('\n')).toMatch(/modes removed: id/);
    // The renamed one shows up once, as breaking, not also as a new parameter.
    expect(diff.additive).toEqual([expect.stringMatching(/new parameter "mail"/)]);
  });

  it('changed displayOptions are breaking', () => {
    const changed = copy();
    rename(changed.n8nNodes['memberspot v1'], 'firstName @ operation=grant resource=access', 'firstName @ operation=grant resource=order');
    expect(judge(changed).breaking).toEqual([expect.stringMatching(/"firstName" displayOptions changed/)]);
  });

  it('a new parameter with a default, a new option value and a new Node-RED property are additive', () => {
    const changed = copy();
    const n8n = changed.n8nNodes['memberspot v1'];
    n8n['note @ operation=grant resource=access'] = { type: 'string', default: '' };
    n8n['operation @ resource=access'] = { ...n8n['operation @ resource=access'], options: [...(n8n['operation @ resource=access'].options as string[]), 'pause'] };
    changed.nodeRed['memberspot-config'].exampleNewSetting = { default: 8 };
    const credential = Object.keys(changed.n8nCredentials)[0];
    changed.n8nCredentials[credential]['exampleNewSetting @ '] = { type: 'number', default: 8 };
    const diff = judge(changed);
    expect(diff.breaking).toEqual([]);
    expect(diff.additive).toHaveLength(4);
    expect(contract.report(diff)).toMatch(/ADDITIVE: 4 change[\s\S]*npm run contract:update/);
  });

  it('a renamed Node-RED property or <field>Type, a changed default, a renamed credential type are breaking', () => {
    const changed = copy();
    const red = changed.nodeRed.memberspot;
    rename(red, 'email', 'mail');
    rename(red, 'emailType', 'mailType');
    red.action = { ...red.action, default: 'listOffers' };
    const credential = Object.keys(changed.n8nCredentials)[0];
    rename(changed.n8nCredentials as unknown as Entries, credential, `${credential}V2`);
    const diff = judge(changed);
    expect(diff.breaking.join('\n')).toMatch(/Node-RED memberspot: property "email" was removed or renamed/);
    expect(diff.breaking.join('\n')).toMatch(/Node-RED memberspot: typedInput type property "emailType" was removed or renamed/);
    expect(diff.breaking.join('\n')).toMatch(/"action": default "grantAccess" -> "listOffers"/);
    expect(diff.breaking.join('\n')).toMatch(new RegExp(`credential type ${credential} is gone`));
    expect(diff.breaking).toHaveLength(4);
  });
});
