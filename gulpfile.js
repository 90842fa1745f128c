/**
 * The build steps tsc does not do. `npm run build` runs `tsc` and then the default task here:
 * - copy non-TypeScript assets (icons, locales, HTML) next to the compiled JavaScript in dist/;
 * - make the sandbox's bin executable.
 * Later steps (the Node-RED edit forms generated from the action registry) join the `generate` series.
 */
const { src, dest, series, parallel } = require('gulp');
const fs = require('node:fs/promises');
const path = require('node:path');

const DIST = 'dist';
const ASSETS = ['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}', 'node-red/**/*.{html,svg,png,json}'];

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

exports.clean = clean;
exports.default = series(parallel(copyAssets), binaries);
