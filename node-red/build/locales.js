/**
 * The action node's texts in every language: the hand-written strings of node-red/locales/<lang>/memberspot.json
 * plus each action's label, description and per-field label and help, keyed by action and field
 * (`actions.<id>.fields.<field>.label|help`): English from the registry, German from each action's
 * `translations.de`. And the help's action reference, generated into node-red/locales/<lang>/memberspot.html
 * at its `<!-- ACTIONS -->` marker.
 */
const fs = require('node:fs');
const path = require('node:path');
const { html } = require('./template');

const SRC = path.resolve(__dirname, '..', 'locales');
const LANGS = ['en-US', 'de'];

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** An action's texts in one language: the registry's English, or its translation. */
function actionTexts(action, lang) {
  if (lang === 'en-US') {
    return {
      label: action.label,
      description: action.description,
      fields: Object.fromEntries(action.fields.map((f) => [f.name, { label: f.label, help: f.description }])),
    };
  }
  const translation = action.translations && action.translations[lang.slice(0, 2)];
  if (!translation) throw new Error(`${action.id} has no ${lang} texts: add translations.${lang.slice(0, 2)} to shared/actions/${action.id}.ts`);
  return translation;
}

/** The complete memberspot.json of one language. */
function locale(core, lang) {
  const out = readJson(path.join(SRC, lang, 'memberspot.json'));
  const m = (out.memberspot = out.memberspot || {});
  if (lang === 'en-US') m.resources = { ...core.resourceLabels, ...(m.resources || {}) };
  m.actions = Object.fromEntries(core.actionList.map((a) => [a.id, actionTexts(a, lang)]));
  return out;
}

/** The help's action reference in one language. */
function actionReference(core, lang, texts) {
  const de = lang === 'de';
  const rows = core.actionList.map((a) => {
    const t = texts.memberspot.actions[a.id];
    const fields =
      a.fields.length === 0
        ? `<i>${de ? 'keine Felder' : 'no fields'}</i>`
        : a.fields.map((f) => `<code>msg.${f.name}</code> ${html(t.fields[f.name].label)}${f.required ? ' *' : ''}`).join(', ');
    const paging = a.paging ? `<br>${de ? 'Mit „Alle Seiten“ alle Seiten bis zum Limit.' : 'With "All pages": every page, up to the limit.'}` : '';
    return `  <dt>${html(t.label)}${a.destructive ? (de ? ' ⚠ (endgültig)' : ' ⚠ (permanent)') : ''}</dt>\n  <dd>${html(t.description)}<br>${fields}${paging}</dd>`;
  });
  return `<dl class="message-properties">\n${rows.join('\n')}\n</dl>`;
}

/** Writes dist/node-red/locales/<lang>/memberspot.{json,html} for every language. */
function writeLocales(core, out) {
  for (const lang of LANGS) {
    const texts = locale(core, lang);
    const dir = path.join(out, 'locales', lang);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'memberspot.json'), `${JSON.stringify(texts, null, 2)}\n`);
    const source = path.join(SRC, lang, 'memberspot.html');
    const help = fs.readFileSync(source, 'utf8');
    if (!help.includes('<!-- ACTIONS -->')) throw new Error(`${source} lacks the <!-- ACTIONS --> marker`);
    fs.writeFileSync(path.join(dir, 'memberspot.html'), help.replace('<!-- ACTIONS -->', actionReference(core, lang, texts)));
  }
}

module.exports = { LANGS, locale, writeLocales };
