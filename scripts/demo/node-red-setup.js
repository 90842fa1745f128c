'use strict';
/**
 * How this repo starts a real Node-RED (the devDependency), shared by the demo (scripts/demo/node-red.js)
 * and the end-to-end tests (test/e2e/node-red/nodered.ts; types in node-red-setup.d.ts): a temporary user
 * dir with this package linked into its node_modules the way `npm install` in ~/.node-red would put it, the
 * settings that keep everything on this machine, and the command line.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(ROOT, 'package.json')).name;

/**
 * The settings every Node-RED started here has: the editor on 127.0.0.1 only, no telemetry, no update
 * checks, no palette installs, no welcome tours, no projects: nothing leaves the machine.
 */
const BASE_SETTINGS = {
  uiHost: '127.0.0.1',
  flowFile: 'flows.json',
  telemetry: { enabled: false, updateNotification: false },
  diagnostics: { enabled: false, ui: false },
  runtimeState: { enabled: false, ui: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false } },
  editorTheme: { tours: false, palette: { catalogues: [] }, projects: { enabled: false } },
  logging: { console: { level: 'info', metrics: false, audit: false } },
};

/** A port nobody listens on right now (the OS picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Node-RED's user dir: package.json (named `projectName`), the package linked in, settings.js with
 * BASE_SETTINGS and `settings` over them, then `extraSource` (JavaScript that may set more of
 * `module.exports`, e.g. middleware functions). Returns the settings file.
 * @param {string} userDir
 * @param {{ projectName: string, settings?: Record<string, unknown>, extraSource?: string }} options
 */
function prepareUserDir(userDir, { projectName, settings = {}, extraSource = '' }) {
  const [scope, name] = PACKAGE_NAME.split('/');
  fs.mkdirSync(path.join(userDir, 'node_modules', scope), { recursive: true });
  fs.symlinkSync(ROOT, path.join(userDir, 'node_modules', scope, name), 'dir');
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify({ name: projectName, private: true, dependencies: { [PACKAGE_NAME]: `file:${ROOT}` } }, null, 2),
  );
  const settingsFile = path.join(userDir, 'settings.js');
  fs.writeFileSync(settingsFile, `module.exports = ${JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2)};\n${extraSource}`);
  return settingsFile;
}

/**
 * Node-RED's red.js: the devDependency's, or that of the install in MEMBERSPOT_NODE_RED_DIR (a folder whose
 * node_modules holds another node-red, e.g. 5.x for the Node.js 24 pass in scripts/node24.sh).
 */
function redJsPath() {
  const dir = process.env.MEMBERSPOT_NODE_RED_DIR;
  return path.join(path.dirname(require.resolve('node-red/package.json', dir ? { paths: [dir] } : undefined)), 'red.js');
}

/**
 * Starts Node-RED's red.js with this Node.js on the prepared user dir (also its working dir), projects off.
 * @param {{ userDir: string, settingsFile: string, port: number, nodeArgs?: string[], env?: Record<string, string> }} options
 */
function spawnNodeRed({ userDir, settingsFile, port, nodeArgs = [], env = {} }) {
  const redJs = redJsPath();
  return spawn(process.execPath, [...nodeArgs, redJs, '--userDir', userDir, '--port', String(port), '--settings', settingsFile], {
    cwd: userDir,
    env: { ...process.env, NODE_RED_ENABLE_PROJECTS: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

module.exports = { freePort, prepareUserDir, spawnNodeRed };
