/**
 * One file per action: the registry index (shared/actions/registry.ts) is generated from the files in
 * shared/actions/ and committed up to date; every action is named after its file; the ids, the `ActionId`
 * type and the exports come from it, with no hand-kept list of actions anywhere else in the core.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionList, actions, type ActionId } from '../../shared';
import * as registry from '../../shared/actions';

const ROOT = join(__dirname, '..', '..');
const ACTIONS_DIR = join(ROOT, 'shared', 'actions');

it('the committed registry index is what the generator writes', () => {
  expect(() => execFileSync(process.execPath, ['scripts/actions-index.js', '--check'], { cwd: ROOT, stdio: 'pipe' })).not.toThrow();
});

it('has one action per file, named after the file, exported under its id', () => {
  const files = readdirSync(ACTIONS_DIR).filter((f) => /^export const \w+ = defineAction\(/m.test(readFileSync(join(ACTIONS_DIR, f), 'utf8')));
  expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(actionList.map((a) => a.id).sort());
  for (const action of actionList) expect((registry as unknown as Record<string, unknown>)[action.id]).toBe(action);
  const id: ActionId = 'grantAccess';
  expect(actions[id].id).toBe(id);
});

it('keeps no hand-written list of the actions outside their files', () => {
  for (const file of ['shared/types.ts', 'shared/actions/index.ts', 'nodes/Memberspot/description.ts', 'node-red/fields.ts', 'node-red/build/editor-data.js', 'node-red/build/locales.js']) {
    // The resources (types.ts) are a list of their own; one of them is called like an action (apiCall).
    const text = readFileSync(join(ROOT, file), 'utf8').replace(/export type Resource =[^;]*;/, '');
    const named = actionList.filter((a) => new RegExp(`\\b${a.id}\\b`).test(text)).map((a) => a.id);
    // The Node-RED node's default action is the one saved flows fall back to; nothing else names an action.
    expect({ file, named: named.filter((id) => !(file === 'node-red/build/editor-data.js' && id === 'grantAccess')) }).toEqual({ file, named: [] });
  }
});

it('lists the actions by their position: the Make modules first, each resource keeping its default operation', () => {
  const positions = actionList.map((a) => a.position ?? Infinity);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(actionList.slice(0, 3).map((a) => a.id)).toEqual(['grantAccess', 'revokeAccess', 'deleteAccess']);
});
