/**
 * The parameter contract: what saved n8n workflows and Node-RED flows rely on, read from the build in dist/.
 *
 * - every n8n node (package.json `n8n.nodes`) per version: each parameter's path (a collection's members as
 *   `collection.member`), type, default, required, option values, resource locator modes, displayOptions;
 * - every n8n credential (package.json `n8n.credentials`): the same for its properties;
 * - every Node-RED node (the built .html files): its `defaults` (property names, `<field>Type`, default
 *   values) and credential names.
 *
 * `node scripts/contract.js --update` (npm run contract:update) writes it to test/contract/parameter-contract.json;
 * test/contract/contract.test.ts fails when the build differs, and says what saved workflows and flows that
 * change breaks. See CONTRIBUTING.md.
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const ROOT = path.resolve(__dirname, '..');
const FILE = path.join(ROOT, 'test', 'contract', 'parameter-contract.json');

function requireFresh(file) {
  const resolved = require.resolve(file);
  delete require.cache[resolved];
  return require(resolved);
}

function instance(file) {
  const module = requireFresh(path.join(ROOT, file));
  const classes = Object.values(module).filter((v) => typeof v === 'function');
  if (classes.length !== 1) throw new Error(`${file} must export exactly one class`);
  return new classes[0]();
}

/** "resource=access operation=grant" for a parameter's displayOptions ("!" marks hide). */
function condition(displayOptions) {
  const parts = [];
  for (const [mode, mark] of [['show', ''], ['hide', '!']]) {
    const conditions = (displayOptions && displayOptions[mode]) || {};
    // `@version` is settled per version below: a parameter is listed under the versions that show it.
    for (const key of Object.keys(conditions).sort()) if (key !== '@version') parts.push(`${mark}${key}=${JSON.stringify(conditions[key]).replace(/^\[|\]$/g, '').replace(/"/g, '')}`);
  }
  return parts.join(' ');
}

/** Whether a parameter exists at a node version (its `@version` show/hide condition, when it is a plain list). */
function shownAt(displayOptions, version) {
  if (version === undefined || !displayOptions) return true;
  const show = displayOptions.show && displayOptions.show['@version'];
  const hide = displayOptions.hide && displayOptions.hide['@version'];
  if (Array.isArray(show) && show.every((v) => typeof v === 'number') && !show.includes(version)) return false;
  if (Array.isArray(hide) && hide.every((v) => typeof v === 'number') && hide.includes(version)) return false;
  return true;
}

/** What a saved value depends on, for one parameter (not its label or help text). */
function describeParameter(p) {
  const out = { type: p.type, default: p.default === undefined ? null : p.default };
  if (p.required) out.required = true;
  if (p.type === 'options' || p.type === 'multiOptions') {
    if (Array.isArray(p.options)) out.options = p.options.map((o) => o.value);
    else if (p.typeOptions && p.typeOptions.loadOptionsMethod) out.options = `loaded by ${p.typeOptions.loadOptionsMethod}`;
  }
  if (p.modes) out.modes = p.modes.map((m) => m.name);
  if (p.typeOptions && p.typeOptions.multipleValues) out.multipleValues = true;
  return out;
}

/** Parameters as flat entries: `path @ condition` -> description; collection members under their parent. */
function parameterEntries(properties, prefix = '', inherited = '', version = undefined) {
  const entries = {};
  for (const p of properties) {
    if (p.type === 'notice' || !shownAt(p.displayOptions, version)) continue;
    const at = p.displayOptions ? condition(p.displayOptions) : inherited;
    const key = `${prefix}${p.name}`;
    entries[`${key} @ ${at}`] = describeParameter(p);
    if (p.type === 'collection' && Array.isArray(p.options)) Object.assign(entries, parameterEntries(p.options, `${key}.`, at, version));
    if (p.type === 'fixedCollection' && Array.isArray(p.options)) {
      for (const group of p.options) Object.assign(entries, parameterEntries(group.values || [], `${key}.${group.name}.`, at, version));
    }
  }
  return entries;
}

/** The descriptions of every version of an n8n node (a VersionedNodeType keeps one per version). */
function nodeVersions(node) {
  if (node.nodeVersions) {
    return Object.entries(node.nodeVersions).map(([version, n]) => ({ version: Number(version), description: { ...node.description, ...n.description } }));
  }
  const versions = Array.isArray(node.description.version) ? node.description.version : [node.description.version];
  return versions.map((version) => ({ version, description: node.description }));
}

/** Runs a built Node-RED .html's scripts with a stand-in RED and returns each registered type's definition. */
function nodeRedDefinitions(file) {
  const html = fs.readFileSync(file, 'utf8');
  const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const registered = {};
  const validator = () => () => true;
  const RED = {
    nodes: { registerType: (type, definition) => (registered[type] = definition) },
    validators: { number: validator, regex: validator, typedInput: validator },
    settings: {},
    _: (key) => key,
  };
  for (const script of scripts) vm.runInNewContext(script, { RED, $: () => ({}) });
  return registered;
}

function nodeRedEntries(definition) {
  const entries = {};
  for (const [name, d] of Object.entries(definition.defaults || {})) {
    entries[name] = { default: d.value === undefined ? null : d.value, ...(d.type ? { type: d.type } : {}), ...(d.required ? { required: true } : {}) };
  }
  for (const [name, d] of Object.entries(definition.credentials || {})) entries[`credentials.${name}`] = { type: d.type };
  return entries;
}

/** "resource:operation" -> action label, from the built registry (for messages). */
function actionLabels(root = ROOT) {
  const { actionList } = requireFresh(path.join(root, 'dist', 'shared'));
  return Object.fromEntries(actionList.map((a) => [`${a.resource}:${a.operation}`, a.label]));
}

/** The contract of the build in dist/. */
function snapshot(root = ROOT) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const contract = { n8nNodes: {}, n8nCredentials: {}, nodeRed: {} };
  for (const file of pkg.n8n.nodes) {
    const node = instance(file);
    for (const { version, description } of nodeVersions(node)) {
      // One entry per credential type the node accepts: a new optional one is additive, a removed or renamed one breaking.
      const credentials = {};
      for (const c of description.credentials || []) {
        if (shownAt(c.displayOptions, version)) credentials[`credential:${c.name} @ ${condition(c.displayOptions)}`] = { type: 'credential', default: null, ...(c.required ? { required: true } : {}) };
      }
      contract.n8nNodes[`${description.name} v${version}`] = { ...credentials, ...parameterEntries(description.properties, '', '', version) };
    }
  }
  for (const file of pkg.n8n.credentials) {
    const credential = instance(file);
    contract.n8nCredentials[credential.name] = parameterEntries(credential.properties);
  }
  for (const file of Object.values(pkg['node-red'].nodes)) {
    const html = path.join(root, file.replace(/\.js$/, '.html'));
    for (const [type, definition] of Object.entries(nodeRedDefinitions(html))) contract.nodeRed[type] = nodeRedEntries(definition);
  }
  return contract;
}

/** JSON with one entry per line, so that a change shows as a one-line diff. */
function serialize(contract) {
  const lines = ['{'];
  const groups = Object.keys(contract);
  groups.forEach((group, gi) => {
    lines.push(`  ${JSON.stringify(group)}: {`);
    const owners = Object.keys(contract[group]).sort();
    owners.forEach((owner, oi) => {
      lines.push(`    ${JSON.stringify(owner)}: {`);
      const keys = Object.keys(contract[group][owner]).sort();
      keys.forEach((key, ki) => lines.push(`      ${JSON.stringify(key)}: ${JSON.stringify(contract[group][owner][key])}${ki < keys.length - 1 ? ',' : ''}`));
      lines.push(`    }${oi < owners.length - 1 ? ',' : ''}`);
    });
    lines.push(`  }${gi < groups.length - 1 ? ',' : ''}`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

module.exports = { FILE, snapshot, serialize, actionLabels, ...require('./contract-compare') };

if (require.main === module) {
  const args = process.argv.slice(2);
  const now = snapshot();
  if (args.includes('--update')) {
    fs.writeFileSync(FILE, serialize(now));
    console.log(`wrote ${path.relative(process.cwd(), FILE)}`);
  } else {
    const saved = JSON.parse(fs.readFileSync(FILE, 'utf8'));
    const { report, compare } = require('./contract-compare');
    const diff = compare(saved, now, actionLabels());
    console.log(diff.breaking.length + diff.additive.length === 0 ? 'The build matches the parameter contract.' : report(diff));
    process.exitCode = diff.breaking.length + diff.additive.length === 0 ? 0 : 1;
  }
}
