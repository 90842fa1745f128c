/**
 * Fills the editor templates in node-red/editor/: `__NAME__` tokens in the JavaScript (valid identifiers, so
 * the files lint as they are) and `<!-- NAME -->` markers in the HTML. Throws when a placeholder has no value
 * or a value has no placeholder, so a renamed placeholder cannot go unnoticed.
 */
const fs = require('node:fs');
const path = require('node:path');

const EDITOR = path.resolve(__dirname, '..', 'editor');

function html(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that is safe inside a <script> element, indented to sit at `indent`. */
function js(value, indent = '') {
  return JSON.stringify(value, null, 2).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/\n/g, `\n${indent}`);
}

function read(file) {
  return fs.readFileSync(path.join(EDITOR, file), 'utf8');
}

/** Replaces every placeholder of `values` in `text`. */
function fill(text, values, name = 'template') {
  let out = text;
  for (const [key, value] of Object.entries(values)) {
    const token = /^[A-Z_]+$/.test(key) ? `__${key}__` : `<!-- ${key} -->`;
    if (!out.includes(token)) throw new Error(`${name} has no placeholder ${token}`);
    out = out.split(token).join(String(value));
  }
  const left = /__[A-Z_]+__|<!-- [A-Z ]+ -->/.exec(out);
  if (left) throw new Error(`${name}: placeholder ${left[0]} was not filled`);
  return out;
}

/** A node's .html: its editor script (with the values filled in) and its form template. */
function nodeHtml(base, scriptValues = {}, formValues = {}) {
  const script = fill(read(`${base}.js`), scriptValues, `node-red/editor/${base}.js`);
  const form = fill(read(`${base}.html`), formValues, `node-red/editor/${base}.html`);
  return `<script type="text/javascript">\n${script.trimEnd()}\n</script>\n\n${form}`;
}

module.exports = { html, js, read, fill, nodeHtml };
