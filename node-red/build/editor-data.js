/**
 * The registry as the action node's editor needs it: the actions (labels, help, fields, paging), the node's
 * properties (one per field plus its `<field>Type`, and the paging controls), the action options grouped by
 * resource, and one form row per field, with an offers picker under fields that have `picker: 'offers'`.
 */
const { html, js, read, fill } = require('./template');

/** No schemas or functions: only what the form shows. */
function editorActions(core, fields) {
  const out = {};
  for (const action of core.actionList) {
    out[action.id] = {
      label: action.label,
      description: action.description,
      destructive: action.destructive,
      makeModule: action.makeModule || '',
      paging: Boolean(action.paging),
      fields: action.fields.map((f) => ({
        name: f.name,
        label: f.label,
        type: f.type,
        required: f.required,
        description: f.description,
        picker: f.picker || '',
        placeholder: f.placeholder || '',
        advanced: Boolean(f.advanced),
        options: f.options ? f.options.map((o) => o.value) : undefined,
        types: fields.typedInputTypes(f),
      })),
    };
  }
  return out;
}

/** The node's `defaults`, as literal source (the Flow Library scorecard reads it). */
function defaults(core, fields) {
  const props = [
    `    name: { value: '' }`,
    `    account: { value: '', type: 'memberspot-config', required: true }`,
    `    action: { value: 'grantAccess', required: true }`,
    ...fields.fieldSlots(core.actionList).flatMap((s) => [`    ${s.name}: { value: '' }`, `    ${s.name}Type: { value: '${fields.FALLBACK_TYPE}' }`]),
    // Paged lists (action.paging): every page instead of one; blank limit = no limit.
    `    ${fields.PAGING.returnAll}: { value: false }`,
    `    ${fields.PAGING.limit}: { value: '', validate: RED.validators.number(true) }`,
    // "Run once per element of msg.payload": off for new nodes; a node saved without it keeps the old behaviour.
    `    ${fields.BULK}: { value: false }`,
  ];
  return `{\n${props.join(',\n')},\n    }`;
}

function actionOptions(core, fields) {
  return fields
    .actionGroups(core.actionList)
    .map(
      (g) =>
        `      <optgroup data-resource="${g.resource}" label="${html(g.label)}">\n` +
        g.actions.map((a) => `        <option value="${a.id}">${html(a.label)}</option>`).join('\n') +
        '\n      </optgroup>',
    )
    .join('\n');
}

function fieldRows(core, fields) {
  const withOffers = new Set(core.actionList.flatMap((a) => a.fields.filter((f) => f.picker === 'offers').map((f) => f.name)));
  const row = read('field-row.html');
  const picker = read('offers-picker-row.html');
  let pickers = 0;
  return fields
    .fieldSlots(core.actionList)
    .map((s) => {
      let out = row.replace(/\{\{name\}\}/g, s.name);
      if (withOffers.has(s.name)) {
        // The first picker keeps the plain id the editor tests look for.
        const id = pickers++ === 0 ? 'memberspot-offers' : `memberspot-offers-${s.name}`;
        out += picker.replace(/\{\{name\}\}/g, s.name).replace(/\{\{id\}\}/g, id);
      }
      return out.trimEnd();
    })
    .join('\n');
}

/** The script and form values of node-red/editor/memberspot.{js,html}. */
function actionNodeValues(core, fields) {
  return {
    script: {
      ACTIONS: js(editorActions(core, fields), '  '),
      SLOTS: js(fields.fieldSlots(core.actionList).map((s) => s.name), '  '),
      FALLBACK: `'${fields.FALLBACK_TYPE}'`,
      DEFAULTS: defaults(core, fields),
    },
    form: { 'ACTION OPTIONS': actionOptions(core, fields), 'FIELD ROWS': fieldRows(core, fields) },
  };
}

module.exports = { actionNodeValues, editorActions, fill };
