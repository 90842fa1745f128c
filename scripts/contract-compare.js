/**
 * Compares two parameter contracts (scripts/contract.js) and says what a difference does to saved n8n
 * workflows and Node-RED flows: breaking (a saved value is lost, read differently, or stops loading) or
 * additive (old workflows and flows keep working).
 */
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** "email @ resource=access operation=grant" -> { path: 'email', leaf: 'email', at: 'resource=access operation=grant' } */
function parseKey(key) {
  const [pathPart, at = ''] = key.split(' @ ');
  const parts = pathPart.split('.');
  return { path: pathPart, leaf: parts[parts.length - 1], parent: parts.slice(0, -1).join('.'), at };
}

/** "resource=user operation=list" -> "List Users" when the labels are known. */
function where(at, labels) {
  const resource = /(?:^| )resource=([^ ]+)/.exec(at);
  const operation = /(?:^| )operation=([^ ]+)/.exec(at);
  const label = resource && operation && labels ? labels[`${resource[1]}:${operation[1]}`] : undefined;
  if (!at) return 'always shown';
  return label ? `${at}, i.e. "${label}"` : at;
}

function changes(before, after) {
  const out = [];
  if (!same(before.type, after.type)) out.push({ breaking: true, text: `type ${before.type} -> ${after.type} (saved values may not fit the new type)` });
  if (!same(before.default, after.default)) {
    out.push({ breaking: true, text: `default ${JSON.stringify(before.default)} -> ${JSON.stringify(after.default)} (workflows and flows that left it at the default now do something else)` });
  }
  if (!before.required && after.required) out.push({ breaking: true, text: 'now required (saved ones without a value fail)' });
  if (before.required && !after.required) out.push({ breaking: false, text: 'no longer required' });
  for (const key of ['options', 'modes']) {
    const a = Array.isArray(before[key]) ? before[key] : [];
    const b = Array.isArray(after[key]) ? after[key] : [];
    const removed = a.filter((v) => !b.includes(v));
    const added = b.filter((v) => !a.includes(v));
    if (removed.length) out.push({ breaking: true, text: `${key === 'options' ? 'option values' : 'modes'} removed: ${removed.join(', ')} (saved ones with those values stop working)` });
    if (added.length) out.push({ breaking: false, text: `${key === 'options' ? 'option values' : 'modes'} added: ${added.join(', ')}` });
    if (!Array.isArray(before[key]) && before[key] !== undefined && !same(before[key], after[key])) out.push({ breaking: true, text: `${key} ${JSON.stringify(before[key])} -> ${JSON.stringify(after[key])}` });
  }
  if (Boolean(before.multipleValues) !== Boolean(after.multipleValues)) out.push({ breaking: true, text: 'multipleValues changed (saved values have the other shape)' });
  return out;
}

function compareN8n(kind, owner, before, after, labels, result) {
  const name = kind === 'node' ? `n8n node ${owner}` : `n8n credential ${owner}`;
  const who = kind === 'node' ? `saved workflows with the ${owner.replace(/ v(\d+)$/, ' node at typeVersion $1')}` : `saved ${owner} credentials`;
  const added = Object.keys(after).filter((k) => !(k in before));
  const matched = new Set();
  for (const key of Object.keys(before)) {
    const old = parseKey(key);
    if (key in after) {
      for (const change of changes(before[key], after[key])) {
        (change.breaking ? result.breaking : result.additive).push(`${name}: parameter "${old.path}" (${where(old.at, labels)}): ${change.text}.${change.breaking ? ` Affects ${who}.` : ''}`);
      }
      continue;
    }
    const moved = added.find((k) => !matched.has(k) && parseKey(k).leaf === old.leaf && parseKey(k).at === old.at);
    const reshown = added.find((k) => !matched.has(k) && parseKey(k).path === old.path);
    if (moved) {
      matched.add(moved);
      const to = parseKey(moved).parent;
      const text = old.parent
        ? `moved out of the collection "${old.parent}"${to ? ` into "${to}"` : ''}`
        : `moved into the collection "${to}"`;
      result.breaking.push(`${name}: parameter "${old.path}" (${where(old.at, labels)}) ${text}: ${who} that set it lose the value (saved at "${old.path}", now read from "${parseKey(moved).path}").`);
    } else if (reshown) {
      matched.add(reshown);
      result.breaking.push(`${name}: parameter "${old.path}" displayOptions changed from "${where(old.at, labels)}" to "${where(parseKey(reshown).at, labels)}": ${who} that set it under the old condition lose the value or show it where it does not belong.`);
    } else {
      result.breaking.push(`${name}: parameter "${old.path}" (${where(old.at, labels)}) was removed or renamed: ${who} that set it lose the value${old.leaf === 'operation' || old.leaf === 'resource' ? ' or stop loading' : ''}.`);
    }
  }
  for (const key of added.filter((k) => !matched.has(k))) {
    const p = parseKey(key);
    result.additive.push(`${name}: new parameter "${p.path}" (${where(p.at, labels)}), default ${JSON.stringify(after[key].default)}: ${who} get the default.`);
  }
}

function compareNodeRed(type, before, after, result) {
  const who = `saved flows with a ${type} node`;
  for (const key of Object.keys(before)) {
    if (!(key in after)) {
      const what = key.startsWith('credentials.') ? 'credential' : key.endsWith('Type') ? 'typedInput type property' : 'property';
      result.breaking.push(`Node-RED ${type}: ${what} "${key}" was removed or renamed: ${who} still hold "${key}" and nothing reads it any more (a renamed field also orphans its "<field>Type").`);
      continue;
    }
    for (const change of changes(before[key], after[key]).filter((c) => !/^type /.test(c.text) || key.startsWith('credentials.'))) {
      (change.breaking ? result.breaking : result.additive).push(`Node-RED ${type}: property "${key}": ${change.text}.${change.breaking ? ` Affects ${who}.` : ''}`);
    }
    if (!key.startsWith('credentials.') && !same(before[key].type, after[key].type)) {
      result.breaking.push(`Node-RED ${type}: property "${key}" now refers to node type ${after[key].type} (was ${before[key].type}). Affects ${who}.`);
    }
  }
  for (const key of Object.keys(after).filter((k) => !(k in before))) {
    result.additive.push(`Node-RED ${type}: new property "${key}", default ${JSON.stringify(after[key].default)}: flows saved before lack it, so the runtime must treat a missing value as the default.`);
  }
}

/** The differences between the committed contract and the build's, sorted into breaking and additive. */
function compare(saved, now, labels) {
  const result = { breaking: [], additive: [] };
  for (const [group, kind] of [['n8nNodes', 'node'], ['n8nCredentials', 'credential']]) {
    for (const owner of Object.keys(saved[group] || {})) {
      if (!(now[group] || {})[owner]) {
        result.breaking.push(
          kind === 'node'
            ? `n8n node ${owner} is gone: saved workflows with this node at that typeVersion stop loading.`
            : `n8n credential type ${owner} is gone (renamed?): saved credentials of this type and every node using them stop working.`,
        );
        continue;
      }
      compareN8n(kind, owner, saved[group][owner], now[group][owner], labels, result);
    }
    for (const owner of Object.keys(now[group] || {}).filter((o) => !(saved[group] || {})[o])) {
      result.additive.push(`new n8n ${kind} ${owner}.`);
    }
  }
  for (const type of Object.keys(saved.nodeRed || {})) {
    if (!(now.nodeRed || {})[type]) result.breaking.push(`Node-RED node type ${type} is gone: saved flows with it stop loading.`);
    else compareNodeRed(type, saved.nodeRed[type], now.nodeRed[type], result);
  }
  for (const type of Object.keys(now.nodeRed || {}).filter((t) => !(saved.nodeRed || {})[t])) result.additive.push(`new Node-RED node type ${type}.`);
  return result;
}

/** The message of a failing contract test. */
function report(diff) {
  const lines = ['The build differs from the committed parameter contract (test/contract/parameter-contract.json).', ''];
  if (diff.breaking.length) {
    lines.push(`BREAKING: ${diff.breaking.length} change(s) that saved n8n workflows or Node-RED flows would notice:`);
    for (const text of diff.breaking) lines.push(`  - ${text}`);
    lines.push('');
  }
  if (diff.additive.length) {
    lines.push(`ADDITIVE: ${diff.additive.length} change(s) that saved workflows and flows survive (the snapshot still needs regenerating):`);
    for (const text of diff.additive) lines.push(`  - ${text}`);
    lines.push('');
  }
  lines.push('What to do:');
  if (diff.breaking.length) {
    lines.push('  - If the breaking change was not meant: undo it (e.g. keep the field name; do not toggle `advanced` on an existing field).');
    lines.push("  - n8n, on purpose: bump the node's version and keep the old version's description working (as n8n's versioned nodes do),");
    lines.push('    so saved workflows stay on the old one. Node-RED, on purpose: read the old property in the runtime (a migration) and');
    lines.push('    add a fixture under test/fixtures/ that proves old flows still send the same requests.');
  }
  lines.push(`  - ${diff.breaking.length ? 'Then regenerate' : 'Regenerate'} the snapshot and commit it with the change: npm run contract:update (see CONTRIBUTING.md).`);
  return lines.join('\n');
}

module.exports = { compare, report };
