/**
 * Build step (run by gulp after tsc): writes the Node-RED editor files from the action registry, so a new
 * action in shared/actions/ needs no HTML edits.
 *
 * - dist/node-red/memberspot.html, memberspot-config.html, memberspot-webhook.html: each a
 *   `<script type="text/javascript">` with a literal RED.nodes.registerType(...) object (the Flow Library
 *   scorecard parses it) and the edit form template;
 * - dist/node-red/locales/en-US/memberspot.json: the hand-written strings plus every action's and field's
 *   English label from the registry (German labels are hand-written in locales/de and fall back to English);
 * - dist/node-red/locales/<lang>/memberspot.html: the help, with its action reference generated.
 *
 * Reads the compiled registry from dist/, so it runs after tsc.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const SRC = path.join(ROOT, 'node-red');
const OUT = path.join(ROOT, 'dist', 'node-red');
const LANGS = ['en-US', 'de'];

const COLOR = '#F2B35E';
const CATEGORY = 'Memberspot';

function html(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that is safe inside a <script> element. */
function js(value) {
  return JSON.stringify(value, null, 2).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function lookup(object, dotted) {
  return dotted.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), object);
}

function load() {
  // Fresh copies: gulp may run this in a process that required dist/ before.
  for (const key of Object.keys(require.cache)) if (key.startsWith(path.join(ROOT, 'dist'))) delete require.cache[key];
  const core = require(path.join(ROOT, 'dist', 'shared'));
  const fields = require(path.join(OUT, 'fields.js'));
  return { core, fields };
}

/** The registry as the editor needs it: no schemas or functions, only what the form shows. */
function editorActions(core, fields) {
  const out = {};
  for (const action of core.actionList) {
    out[action.id] = {
      label: action.label,
      description: action.description,
      destructive: action.destructive,
      makeModule: action.makeModule || '',
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

function actionNodeHtml(core, fields) {
  const slots = fields.fieldSlots(core.actionList);
  const groups = fields.actionGroups(core.actionList);
  const actionsData = editorActions(core, fields);
  const defaults = [
    `    name: { value: '' }`,
    `    account: { value: '', type: 'memberspot-config', required: true }`,
    `    action: { value: 'grantAccess', required: true }`,
    ...slots.flatMap((s) => [`    ${s.name}: { value: '' }`, `    ${s.name}Type: { value: '${fields.FALLBACK_TYPE}' }`]),
  ].join(',\n');

  const options = groups
    .map(
      (g) =>
        `      <optgroup data-resource="${g.resource}" label="${html(g.label)}">\n` +
        g.actions.map((a) => `        <option value="${a.id}">${html(a.label)}</option>`).join('\n') +
        '\n      </optgroup>',
    )
    .join('\n');

  const rows = slots
    .map((s) => {
      const picker =
        s.name === 'accessId'
          ? `
  <div class="form-row memberspot-field memberspot-offers-row" data-field="accessId">
    <label for="memberspot-offers"><i class="fa fa-list"></i> <span data-i18n="memberspot.label.offers"></span></label>
    <select id="memberspot-offers" style="width: calc(70% - 40px)"><option value="" data-i18n="memberspot.offers.choose"></option></select>
    <button type="button" id="memberspot-offers-refresh" class="red-ui-button"><i class="fa fa-refresh"></i></button>
    <div class="form-tips" id="memberspot-offers-tip" style="display:none"></div>
  </div>`
          : '';
      return `  <div class="form-row memberspot-field" data-field="${s.name}">
    <label for="node-input-${s.name}"><i class="fa fa-tag"></i> <span class="memberspot-field-label"></span></label>
    <input type="text" id="node-input-${s.name}" style="width: 70%">
    <input type="hidden" id="node-input-${s.name}Type">
    <div class="memberspot-field-help" style="margin: 2px 0 0 104px; font-size: 0.85em; color: var(--red-ui-secondary-text-color, #888)"></div>
  </div>${picker}`;
    })
    .join('\n');

  return `<script type="text/javascript">
(function () {
  // Generated from the action registry by node-red/build/generate-html.js: do not edit in dist/.
  var ACTIONS = ${js(actionsData).replace(/\n/g, '\n  ')};
  var SLOTS = ${js(slots.map((s) => s.name))};
  var FALLBACK = '${fields.FALLBACK_TYPE}';

  function tr(node, key, fallback, values) {
    var text = node._(key, values);
    return !text || text.indexOf(key) !== -1 ? fallback : text;
  }
  function actionLabel(node, id) {
    var action = ACTIONS[id];
    return action ? tr(node, 'memberspot.actions.' + id + '.label', action.label) : id || 'memberspot';
  }
  function typeDefs(field) {
    return field.types.map(function (type) {
      if (type === FALLBACK) return { value: FALLBACK, label: 'msg.' + field.name, icon: 'fa fa-envelope-o', hasValue: false };
      if (type === 'option') return { value: 'option', label: field.label, options: field.options };
      return type;
    });
  }

  RED.nodes.registerType('memberspot', {
    category: '${CATEGORY}',
    color: '${COLOR}',
    defaults: {
${defaults}
    },
    inputs: 1,
    outputs: 1,
    icon: 'memberspot.svg',
    paletteLabel: 'memberspot',
    label: function () {
      return this.name || actionLabel(this, this.action);
    },
    labelStyle: function () {
      return this.name ? 'node_label_italic' : '';
    },
    inputLabels: function () {
      return 'msg';
    },
    outputLabels: function () {
      return 'msg.payload';
    },
    oneditprepare: function () {
      var node = this;
      var byName = {};
      Object.keys(ACTIONS).forEach(function (id) {
        ACTIONS[id].fields.forEach(function (f) {
          if (!byName[f.name]) byName[f.name] = f;
        });
      });
      $('#node-input-action optgroup').each(function () {
        var resource = $(this).attr('data-resource');
        $(this).attr('label', tr(node, 'memberspot.resources.' + resource, $(this).attr('label')));
      });
      $('#node-input-action option').each(function () {
        $(this).text(actionLabel(node, $(this).val()));
      });
      SLOTS.forEach(function (name) {
        var field = byName[name];
        var type = node[name + 'Type'] || FALLBACK;
        $('#node-input-' + name + 'Type').val(type);
        $('#node-input-' + name).typedInput({
          default: field.types[0],
          types: typeDefs(field),
          typeField: '#node-input-' + name + 'Type',
        });
      });

      function showAction() {
        var id = $('#node-input-action').val();
        var action = ACTIONS[id];
        if (!action) return;
        var text = tr(node, 'memberspot.actions.' + id + '.description', action.description);
        $('#memberspot-action-description').text(text);
        $('#memberspot-action-destructive').toggle(Boolean(action.destructive));
        $('.memberspot-field').hide();
        var container = $('#memberspot-fields');
        action.fields.forEach(function (field) {
          var rows = $('.memberspot-field[data-field="' + field.name + '"]');
          // In the action's own order (required fields first, as the registry lists them).
          container.append(rows);
          rows.show();
          var row = rows.first();
          var label = tr(node, 'memberspot.fields.' + field.name, field.label) + (field.required ? ' *' : '');
          row.find('.memberspot-field-label').text(label);
          var help = tr(node, 'memberspot.fieldHelp.' + field.name, field.description);
          row.find('.memberspot-field-help').text(help);
          if (field.placeholder) $('#node-input-' + field.name).typedInput('width', '70%');
        });
        $('#memberspot-no-fields').toggle(action.fields.length === 0);
      }
      $('#node-input-action').on('change', showAction);
      showAction();

      function loadOffers() {
        var select = $('#memberspot-offers');
        var tip = $('#memberspot-offers-tip');
        var account = $('#node-input-account').val();
        select.empty().append($('<option value=""></option>').text(tr(node, 'memberspot.offers.loading', 'Loading…')));
        tip.hide();
        if (!account || account === '_ADD_') {
          select.empty().append($('<option value=""></option>').text(tr(node, 'memberspot.offers.noAccount', 'Choose an account first')));
          return;
        }
        $.ajax({ url: 'memberspot/' + encodeURIComponent(account) + '/offers', dataType: 'json' })
          .done(function (offers) {
            select.empty().append($('<option value=""></option>').text(tr(node, 'memberspot.offers.choose', 'Pick an offer…')));
            offers.forEach(function (offer) {
              select.append($('<option></option>').val(offer.value).text(offer.name + ' (' + offer.value + ')'));
            });
          })
          .fail(function (xhr) {
            var body = xhr.responseJSON || {};
            var message =
              xhr.status === 404
                ? tr(node, 'memberspot.offers.notDeployed', 'Deploy the account first')
                : xhr.status === 401 || xhr.status === 403
                  ? tr(node, 'memberspot.offers.forbidden', 'Not allowed to read offers')
                  : (body.message || '') + ' ' + (body.hint || '');
            select.empty().append($('<option value=""></option>').text(tr(node, 'memberspot.offers.unavailable', 'No list available')));
            tip.text(message).show();
          });
      }
      $('#memberspot-offers').on('change', function () {
        var value = $(this).val();
        if (value) $('#node-input-accessId').typedInput('type', 'str').typedInput('value', value);
      });
      $('#memberspot-offers-refresh').on('click', loadOffers);
      $('#node-input-account').on('change', loadOffers);
      loadOffers();
    },
  });
})();
</script>

<script type="text/html" data-template-name="memberspot">
  <div class="form-row">
    <label for="node-input-account"><i class="fa fa-user-circle"></i> <span data-i18n="memberspot.label.account"></span></label>
    <input type="text" id="node-input-account">
  </div>
  <div class="form-row">
    <label for="node-input-action"><i class="fa fa-tasks"></i> <span data-i18n="memberspot.label.action"></span></label>
    <select id="node-input-action" style="width: 70%">
${options}
    </select>
  </div>
  <div class="form-row">
    <div class="form-tips"><span id="memberspot-action-description"></span><br><i class="fa fa-envelope-o"></i> <span data-i18n="memberspot.label.fallback"></span></div>
    <div class="form-tips" id="memberspot-action-destructive" style="display:none; color: #b00"><i class="fa fa-warning"></i> <span data-i18n="memberspot.label.destructive"></span></div>
  </div>
  <div class="form-row" id="memberspot-no-fields" style="display:none"><span data-i18n="memberspot.label.noFields"></span></div>
  <div id="memberspot-fields">
${rows}
  </div>
  <div class="form-row">
    <label for="node-input-name"><i class="fa fa-tag"></i> <span data-i18n="node-red:common.label.name"></span></label>
    <input type="text" id="node-input-name" data-i18n="[placeholder]node-red:common.label.name">
  </div>
</script>
`;
}

function configNodeHtml(core) {
  return `<script type="text/javascript">
  RED.nodes.registerType('memberspot-config', {
    category: 'config',
    defaults: {
      name: { value: '' },
      baseUrl: { value: '${core.DEFAULT_BASE_URL}', required: true },
      requestsPerSecond: { value: ${core.DEFAULT_REQUESTS_PER_SECOND}, required: true, validate: RED.validators.number() },
      timeout: { value: 30, validate: RED.validators.number(true) },
    },
    credentials: {
      apiKey: { type: 'password', required: true },
      redisUrl: { type: 'password' },
    },
    label: function () {
      return this.name || 'Memberspot';
    },
  });
</script>

<script type="text/html" data-template-name="memberspot-config">
  <div class="form-row">
    <label for="node-config-input-name"><i class="fa fa-tag"></i> <span data-i18n="memberspot-config.label.name"></span></label>
    <input type="text" id="node-config-input-name" data-i18n="[placeholder]memberspot-config.placeholder.name">
  </div>
  <div class="form-row">
    <label for="node-config-input-apiKey"><i class="fa fa-key"></i> <span data-i18n="memberspot-config.label.apiKey"></span></label>
    <input type="password" id="node-config-input-apiKey" autocomplete="off">
  </div>
  <div class="form-row">
    <label for="node-config-input-baseUrl"><i class="fa fa-globe"></i> <span data-i18n="memberspot-config.label.baseUrl"></span></label>
    <input type="text" id="node-config-input-baseUrl">
  </div>
  <div class="form-row">
    <label for="node-config-input-requestsPerSecond"><i class="fa fa-tachometer"></i> <span data-i18n="memberspot-config.label.requestsPerSecond"></span></label>
    <input type="text" id="node-config-input-requestsPerSecond" style="width: 80px">
  </div>
  <div class="form-row">
    <label for="node-config-input-timeout"><i class="fa fa-clock-o"></i> <span data-i18n="memberspot-config.label.timeout"></span></label>
    <input type="text" id="node-config-input-timeout" style="width: 80px">
  </div>
  <div class="form-row">
    <label for="node-config-input-redisUrl"><i class="fa fa-database"></i> <span data-i18n="memberspot-config.label.redisUrl"></span></label>
    <input type="password" id="node-config-input-redisUrl" autocomplete="off" placeholder="redis://127.0.0.1:6379">
  </div>
  <div class="form-tips" data-i18n="[html]memberspot-config.tip"></div>
</script>
`;
}

function webhookNodeHtml() {
  return `<script type="text/javascript">
  RED.nodes.registerType('memberspot-webhook', {
    category: '${CATEGORY}',
    color: '${COLOR}',
    defaults: {
      name: { value: '' },
      path: { value: '/memberspot', required: true },
      events: { value: '' },
    },
    credentials: {
      secret: { type: 'password' },
    },
    inputs: 0,
    outputs: 1,
    icon: 'memberspot-webhook.svg',
    paletteLabel: 'memberspot webhook',
    label: function () {
      return this.name || 'Memberspot ' + (this.path || '');
    },
    outputLabels: function () {
      return 'msg.payload';
    },
    oneditprepare: function () {
      function showUrl() {
        var root = RED.settings.httpNodeRoot || '/';
        var path = ($('#node-input-path').val() || '').replace(/^\\/+/, '');
        var url = location.origin + root.replace(/\\/?$/, '/') + path;
        $('#memberspot-webhook-url').text(url);
      }
      $('#node-input-path').on('input change', showUrl);
      showUrl();
    },
  });
</script>

<script type="text/html" data-template-name="memberspot-webhook">
  <div class="form-row">
    <label for="node-input-path"><i class="fa fa-globe"></i> <span data-i18n="memberspot-webhook.label.path"></span></label>
    <input type="text" id="node-input-path" placeholder="/memberspot">
  </div>
  <div class="form-row">
    <div class="form-tips"><span data-i18n="memberspot-webhook.label.url"></span> <code id="memberspot-webhook-url"></code></div>
  </div>
  <div class="form-row">
    <label for="node-input-secret"><i class="fa fa-lock"></i> <span data-i18n="memberspot-webhook.label.secret"></span></label>
    <input type="password" id="node-input-secret" autocomplete="off">
  </div>
  <div class="form-row">
    <label for="node-input-events"><i class="fa fa-filter"></i> <span data-i18n="memberspot-webhook.label.events"></span></label>
    <input type="text" id="node-input-events" data-i18n="[placeholder]memberspot-webhook.placeholder.events">
  </div>
  <div class="form-row">
    <label for="node-input-name"><i class="fa fa-tag"></i> <span data-i18n="node-red:common.label.name"></span></label>
    <input type="text" id="node-input-name" data-i18n="[placeholder]node-red:common.label.name">
  </div>
</script>
`;
}

/** en-US strings: the hand-written file plus the registry's labels (hand-written entries win). */
function englishLocale(core) {
  const file = path.join(SRC, 'locales', 'en-US', 'memberspot.json');
  const locale = readJson(file);
  const m = (locale.memberspot = locale.memberspot || {});
  m.actions = m.actions || {};
  m.fields = m.fields || {};
  m.resources = m.resources || {};
  for (const [resource, label] of Object.entries(core.resourceLabels)) m.resources[resource] ??= label;
  for (const action of core.actionList) {
    m.actions[action.id] = { label: action.label, description: action.description, ...(m.actions[action.id] || {}) };
    for (const field of action.fields) m.fields[field.name] ??= field.label;
  }
  return locale;
}

/** The action reference of the help, in one language. */
function actionReference(core, lang, locale) {
  const de = lang === 'de';
  const t = (key, fallback) => lookup(locale, `memberspot.${key}`) ?? fallback;
  const fieldsOf = (action) =>
    action.fields.length === 0
      ? `<i>${de ? 'keine Felder' : 'no fields'}</i>`
      : action.fields
          .map((f) => `<code>msg.${f.name}</code> ${html(t(`fields.${f.name}`, f.label))}${f.required ? ' *' : ''}`)
          .join(', ');
  const rows = core.actionList
    .map((a) => {
      const label = t(`actions.${a.id}.label`, a.label);
      const description = t(`actions.${a.id}.description`, a.description);
      return `  <dt>${html(label)}${a.destructive ? (de ? ' ⚠ (endgültig)' : ' ⚠ (permanent)') : ''}</dt>\n  <dd>${html(description)}<br>${fieldsOf(a)}</dd>`;
    })
    .join('\n');
  return `<dl class="message-properties">\n${rows}\n</dl>`;
}

function writeHelp(core, en) {
  for (const lang of LANGS) {
    const source = path.join(SRC, 'locales', lang, 'memberspot.html');
    const locale = lang === 'en-US' ? en : deepMerge(en, readJson(path.join(SRC, 'locales', lang, 'memberspot.json')));
    const text = fs.readFileSync(source, 'utf8');
    if (!text.includes('<!-- ACTIONS -->')) throw new Error(`${source} lacks the <!-- ACTIONS --> marker`);
    const out = path.join(OUT, 'locales', lang, 'memberspot.html');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text.replace('<!-- ACTIONS -->', actionReference(core, lang, locale)));
  }
}

function deepMerge(base, over) {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && base[k] && typeof base[k] === 'object' ? deepMerge(base[k], v) : v;
  }
  return out;
}

function generate() {
  const { core, fields } = load();
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'memberspot.html'), actionNodeHtml(core, fields));
  fs.writeFileSync(path.join(OUT, 'memberspot-config.html'), configNodeHtml(core));
  fs.writeFileSync(path.join(OUT, 'memberspot-webhook.html'), webhookNodeHtml());
  const en = englishLocale(core);
  fs.mkdirSync(path.join(OUT, 'locales', 'en-US'), { recursive: true });
  fs.writeFileSync(path.join(OUT, 'locales', 'en-US', 'memberspot.json'), `${JSON.stringify(en, null, 2)}\n`);
  writeHelp(core, en);
}

module.exports = { generate };

if (require.main === module) generate();
