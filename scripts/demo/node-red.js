'use strict';
/* global fetch, URL, setTimeout, clearTimeout -- Node's built-ins (the repo's eslint globals list only the CommonJS ones) */
/**
 * A real Node-RED (the devDependency) in a temporary user dir, with this package linked into its
 * node_modules the way `npm install` in ~/.node-red would put it. Its output is kept, not shown: the demo
 * prints its own summary and shows Node-RED's log only when something fails.
 */
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(ROOT, 'package.json')).name;

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

/** Node-RED's user dir: package.json, the package linked in, settings.js. Returns the settings file. */
function prepareUserDir(userDir) {
  const [scope, name] = PACKAGE_NAME.split('/');
  fs.mkdirSync(path.join(userDir, 'node_modules', scope), { recursive: true });
  fs.symlinkSync(ROOT, path.join(userDir, 'node_modules', scope, name), 'dir');
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify({ name: 'memberspot-demo', private: true, dependencies: { [PACKAGE_NAME]: `file:${ROOT}` } }, null, 2),
  );

  // No login: the editor listens on 127.0.0.1 only, so only this machine reaches it. No telemetry, no
  // update checks, no palette installs, no welcome tours: nothing leaves the machine.
  const settings = {
    uiHost: '127.0.0.1',
    flowFile: 'flows.json',
    credentialSecret: crypto.randomBytes(16).toString('hex'),
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    runtimeState: { enabled: false, ui: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    editorTheme: { tours: false, palette: { catalogues: [] }, projects: { enabled: false } },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  };
  const settingsFile = path.join(userDir, 'settings.js');
  fs.writeFileSync(settingsFile, `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  return settingsFile;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts Node-RED and resolves once its editor answers.
 * @param {{ port?: number, redact?: (text: string) => string }} options
 */
async function startNodeRed({ port, redact = (text) => text } = {}) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'memberspot-demo-'));
  const settingsFile = prepareUserDir(userDir);
  const url = `http://127.0.0.1:${port ?? (await freePort())}`;
  const redJs = path.join(path.dirname(require.resolve('node-red/package.json')), 'red.js');

  let output = '';
  const guard = path.join(__dirname, 'orphan-guard.js');
  const child = spawn(process.execPath, ['--require', guard, redJs, '--userDir', userDir, '--port', new URL(url).port, '--settings', settingsFile], {
    cwd: userDir,
    env: { ...process.env, NODE_RED_ENABLE_PROJECTS: 'false', MEMBERSPOT_DEMO_USER_DIR: userDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep the log's last 200 kB: enough to show what went wrong, bounded however long the editor runs.
  const keep = (chunk) => (output = (output + chunk).slice(-200_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));

  const nodeRed = {
    url,
    userDir,
    /** Resolves when the Node-RED process has ended, for whatever reason. */
    exited,
    /** Everything Node-RED printed, with secrets taken out. */
    log: () => redact(output),
    deploy: (flows) => deploy(nodeRed, flows, () => output),
    /** Stops Node-RED (Ctrl-C, then a hard kill after 10 s) and removes the user dir. Safe to call twice. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };

  try {
    await waitUntilUp(url, child, nodeRed.log);
  } catch (error) {
    await nodeRed.stop();
    throw error;
  }
  return nodeRed;
}

async function waitUntilUp(url, child, log) {
  for (let attempt = 0; ; attempt += 1) {
    if (child.exitCode !== null) {
      if (/port in use/.test(log())) throw new Error(`Node-RED could not start: ${url} is already in use. Choose another --port, or leave it out for a free one.`);
      throw new Error(`Node-RED stopped while starting. Its log:\n${log()}`);
    }
    try {
      if ((await fetch(`${url}/settings`)).ok) return;
    } catch {
      // not listening yet
    }
    if (attempt > 600) throw new Error(`Node-RED did not start within a minute. Its log:\n${log()}`);
    await sleep(100);
  }
}

/** Replaces all flows through the admin API and waits until Node-RED has started them. */
async function deploy(nodeRed, flows, rawOutput) {
  const startedCount = () => rawOutput().split('Started flows').length;
  const before = startedCount();
  const logBefore = rawOutput().length;
  const response = await fetch(`${nodeRed.url}/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(flows),
  });
  if (!response.ok) throw new Error(`Node-RED did not accept the flows (${response.status}): ${await response.text()}`);
  // The admin API answers once the flows are saved; Node-RED starts them a moment later.
  for (let attempt = 0; startedCount() === before; attempt += 1) {
    if (attempt > 600) throw new Error(`Node-RED did not start the flows. Its log:\n${nodeRed.log()}`);
    await sleep(50);
  }
  // Node-RED logs what went wrong while starting the flows (e.g. a node type it could not load): fail on it.
  const problems = rawOutput().slice(logBefore).split('\n').filter((line) => /\[(error|warn)\]/.test(line));
  if (problems.length) throw new Error(`Node-RED reported problems with the flows:\n${nodeRed.log().slice(-4000)}`);
}

module.exports = { startNodeRed, freePort };
