'use strict';
/* global fetch, setTimeout, clearTimeout, URLSearchParams -- Node's built-ins (the repo's eslint globals list only the CommonJS ones) */
/**
 * A real Node-RED (the devDependency) in a temporary user dir, with this package linked into its
 * node_modules the way `npm install` in ~/.node-red would put it (node-red-setup.js, shared with the
 * end-to-end tests). Its output is kept, not shown: the demo prints its own summary and shows Node-RED's
 * log only when something fails.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort, prepareUserDir, spawnNodeRed } = require('./node-red-setup');

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** bcryptjs, which Node-RED itself uses for adminAuth passwords (a dependency of the node-red devDependency). */
function bcrypt() {
  return require(require.resolve('bcryptjs', { paths: [path.dirname(require.resolve('node-red/package.json'))] }));
}

/**
 * Settings source that answers only requests whose Host header names this editor (127.0.0.1 or localhost
 * on its port): a page that rebinds its own DNS name to 127.0.0.1 gets 421, not the admin API.
 */
function hostCheckSource(port) {
  const allowed = JSON.stringify([`127.0.0.1:${port}`, `localhost:${port}`]);
  return `const allowedHosts = new Set(${allowed});
function hostCheck(req, res, next) {
  if (allowedHosts.has(String(req.headers.host || '').toLowerCase())) return next();
  res.status(421).send('This Node-RED answers only http://127.0.0.1:${port}');
}
module.exports.httpAdminMiddleware = hostCheck;
module.exports.httpNodeMiddleware = hostCheck;
`;
}

/**
 * Starts Node-RED and resolves once its editor answers. `secure` (a real school kept running): an editor
 * login (adminAuth, user `admin` with a random password, in `nodeRed.login`), and a Host header check.
 * @param {{ port?: number, redact?: (text: string) => string, secure?: boolean }} options
 */
async function startNodeRed({ port, redact = (text) => text, secure = false } = {}) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'memberspot-demo-'));
  const listenPort = port ?? (await freePort());
  const url = `http://127.0.0.1:${listenPort}`;
  // The editor listens on 127.0.0.1 only. Against the sandbox it has no login; against a real school it has one.
  const login = secure ? { username: 'admin', password: crypto.randomBytes(12).toString('base64url') } : undefined;
  const settings = { credentialSecret: crypto.randomBytes(16).toString('hex') };
  if (login) settings.adminAuth = { type: 'credentials', users: [{ username: login.username, password: bcrypt().hashSync(login.password, 8), permissions: '*' }] };
  const settingsFile = prepareUserDir(userDir, { projectName: 'memberspot-demo', settings, extraSource: secure ? hostCheckSource(listenPort) : '' });

  let output = '';
  const guard = path.join(__dirname, 'orphan-guard.js');
  const child = spawnNodeRed({ userDir, settingsFile, port: listenPort, nodeArgs: ['--require', guard], env: { MEMBERSPOT_DEMO_USER_DIR: userDir } });
  // Keep the log's last 200 kB: enough to show what went wrong, bounded however long the editor runs.
  const keep = (chunk) => (output = (output + chunk).slice(-200_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));

  const nodeRed = {
    url,
    userDir,
    /** The editor login when `secure`: { username, password }. */
    login,
    /** Resolves when the Node-RED process has ended, for whatever reason. */
    exited,
    /** Everything Node-RED printed, with secrets taken out. */
    log: () => redact(output),
    deploy: (flows) => deploy(nodeRed, flows, () => output, login),
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
      // The server can listen before the start's flows have started: a deploy that counted that
      // "Started flows" as its own would return before its flows run.
      if ((await fetch(`${url}/auth/login`)).ok && /Started flows/.test(log())) return;
    } catch {
      // not listening yet
    }
    if (attempt > 600) throw new Error(`Node-RED did not start within a minute. Its log:\n${log()}`);
    await sleep(100);
  }
}

/** Replaces all flows through the admin API and waits until Node-RED has started them. */
async function deploy(nodeRed, flows, rawOutput, login) {
  const startedCount = () => rawOutput().split('Started flows').length;
  const before = startedCount();
  const logBefore = rawOutput().length;
  const auth = login ? { authorization: `Bearer ${await token(nodeRed.url, login)}` } : {};
  const response = await fetch(`${nodeRed.url}/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full', ...auth },
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

/** An admin API token for the editor login (Node-RED's password grant, as the editor's login form uses it). */
async function token(url, { username, password }) {
  const response = await fetch(`${url}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'node-red-admin', grant_type: 'password', scope: '*', username, password }).toString(),
  });
  if (!response.ok) throw new Error(`Node-RED refused the demo's own login (${response.status})`);
  return (await response.json()).access_token;
}

module.exports = { startNodeRed, freePort };
