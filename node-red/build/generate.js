/**
 * Build step (run by gulp after tsc): writes the Node-RED editor files from the action registry, so a new
 * action in shared/actions/ needs no HTML edits. The forms and their editor JavaScript are in
 * node-red/editor/ (static files, linted); this fills in the registry's data:
 *
 * - dist/node-red/memberspot.html, memberspot-config.html, memberspot-webhook.html, memberspot-poll.html,
 *   memberspot-shop.html: each a
 *   `<script type="text/javascript">` with a literal RED.nodes.registerType(...) object (the Flow Library
 *   scorecard parses it) and the edit form template (editor-data.js, template.js);
 * - dist/node-red/locales/<lang>/memberspot.json and memberspot.html: texts keyed by action and field, and
 *   the help with its action reference (locales.js).
 *
 * Reads the compiled registry from dist/, so it runs after tsc.
 */
const fs = require('node:fs');
const path = require('node:path');
const { actionNodeValues } = require('./editor-data');
const { writeLocales } = require('./locales');
const { nodeHtml } = require('./template');

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'dist', 'node-red');

function load() {
  // Fresh copies: gulp may run this in a process that required dist/ before.
  for (const key of Object.keys(require.cache)) if (key.startsWith(path.join(ROOT, 'dist'))) delete require.cache[key];
  return { core: require(path.join(ROOT, 'dist', 'shared')), fields: require(path.join(OUT, 'fields.js')) };
}

function generate() {
  const { core, fields } = load();
  fs.mkdirSync(OUT, { recursive: true });
  const action = actionNodeValues(core, fields);
  fs.writeFileSync(path.join(OUT, 'memberspot.html'), nodeHtml('memberspot', action.script, action.form));
  const config = {
    BASE_URL: JSON.stringify(core.DEFAULT_BASE_URL),
    REQUESTS_PER_SECOND: core.DEFAULT_REQUESTS_PER_SECOND,
    // The account's defaults are the core's (one constant each), in the form's units.
    TIMEOUT: core.DEFAULT_TIMEOUT_MS / 1000,
    PARALLEL_REQUESTS: core.DEFAULT_PARALLEL_REQUESTS,
  };
  fs.writeFileSync(path.join(OUT, 'memberspot-config.html'), nodeHtml('memberspot-config', config));
  fs.writeFileSync(path.join(OUT, 'memberspot-webhook.html'), nodeHtml('memberspot-webhook'));
  fs.writeFileSync(path.join(OUT, 'memberspot-poll.html'), nodeHtml('memberspot-poll'));
  // The shop webhook and its config node (shop + secret) share one file, as they share one .js.
  fs.writeFileSync(path.join(OUT, 'memberspot-shop.html'), `${nodeHtml('memberspot-shop-config')}\n${nodeHtml('memberspot-shop')}`);
  writeLocales(core, OUT);
}

module.exports = { generate };

if (require.main === module) generate();
