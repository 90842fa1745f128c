/**
 * The build steps tsc does not do. `npm run build` runs `tsc` and then the default task here:
 * - copy non-TypeScript assets (icons, locales, HTML) next to the compiled JavaScript in dist/;
 * - make the sandbox's bin executable.
 * - generate the Node-RED edit forms (from the templates in node-red/editor/), the labels and the help's
 *   action reference from the action registry (node-red/build/generate.js), after the copy so the
 *   generated files win.
 */
const { src, dest, series, parallel } = require('gulp');
const fs = require('node:fs/promises');
const path = require('node:path');

const DIST = 'dist';
const ASSETS = ['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}', 'node-red/**/*.{html,svg,png,json}', '!node-red/editor/**'];

async function clean() {
  await fs.rm(DIST, { recursive: true, force: true });
}

function copyAssets() {
  // encoding: false, or gulp 5 corrupts binary files such as PNG icons.
  return src(ASSETS, { base: '.', encoding: false, allowEmpty: true }).pipe(dest(DIST));
}

async function binaries() {
  const pkg = require('./package.json');
  for (const file of Object.values(pkg.bin ?? {})) {
    await fs.chmod(path.resolve(file), 0o755);
  }
}

async function nodeRedForms() {
  // A fresh process-independent require: the generator clears dist/ from the require cache itself.
  require('./node-red/build/generate').generate();
}

exports.clean = clean;
exports.generate = nodeRedForms;
exports.default = series(parallel(copyAssets), nodeRedForms, binaries);
