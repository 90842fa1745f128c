#!/usr/bin/env node
'use strict';
/**
 * `npm start`: this package at work in a real Node-RED, in one command.
 *
 * 1. Starts a Memberspot sandbox (a local, simulated Memberspot API with sample offers and users),
 *    or uses a real school when MEMBERSPOT_API_KEY is set (see options.js).
 * 2. Starts Node-RED with this package and its example flows, all pointed at that account.
 * 3. Sends a signed Digistore24 purchase notification to the "shop to Memberspot" flow and prints what
 *    happened.
 * 4. Leaves the Node-RED editor running until Ctrl-C (or exits right away with --once, the default with a
 *    real school; --keep keeps it running there too, with an editor login and a random purchase path).
 *
 * Everything it starts is stopped on the way out: Node-RED, the sandbox, the temporary directory.
 */
const fs = require('node:fs');
const path = require('node:path');
const { HELP, readOptions, UsageError } = require('./options');
const { startNodeRed } = require('./node-red');
const { randomBytes } = require('node:crypto');
const { demoFlows, purchasePath, exampleNames, exampleOffer } = require('./flows');
const { runScenario, SANDBOX_BUYER, purchaseNotification, signedBody } = require('./scenario');

const DIST = path.resolve(__dirname, '..', '..', 'dist');
const SANDBOX_KEY = 'sandbox-key';
const SANDBOX_ORDER_ID = 'DS24-DEMO-1001';

const say = (...lines) => console.log(lines.join('\n'));

// If whoever reads our output goes away (`npm start | head`), keep going quietly and still clean up.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

/** Everything started so far, stopped in reverse order. Something started after shutdown began stops at once. */
const running = [];
let shuttingDown = null;

async function onExit(stop) {
  if (shuttingDown) await stop();
  else running.push(stop);
}

function shutdown() {
  shuttingDown ??= (async () => {
    while (running.length) {
      try {
        await running.pop()();
      } catch (error) {
        console.error(`While stopping: ${error.message}`);
      }
    }
  })();
  return shuttingDown;
}

/** The built package (npm start builds it first). */
function loadBuild() {
  if (!fs.existsSync(path.join(DIST, 'shared', 'index.js')) || !fs.existsSync(path.join(DIST, 'node-red', 'memberspot.js'))) {
    throw new Error('The package is not built yet. Run `npm start` (it builds first), or `npm run build`.');
  }
  return { core: require(path.join(DIST, 'shared')), shops: require(path.join(DIST, 'shared', 'shops')), sandbox: require(path.join(DIST, 'sandbox')) };
}

/** Says which account the demo writes to, before anything is written; refuses a real school without consent. */
function announce(target) {
  if (target.kind === 'sandbox') return;
  say(
    `MEMBERSPOT_API_KEY is set: this demo uses your REAL Memberspot school at ${target.baseUrl}`,
    '(the key is used, never printed).',
  );
  if (target.missing.length) {
    say(
      '',
      'It would grant a real access there, so it needs you to say to whom and what. Set:',
      ...target.missing.map((line) => `  ${line}`),
      'Nothing was started and nothing was written. (Unset MEMBERSPOT_API_KEY to use the local sandbox.)',
    );
    process.exit(1);
  }
  say(`It will grant the offer ${target.offerId} to ${target.email}. That access stays in your school afterwards.`, '');
}

/** The account the flows talk to: a fresh sandbox, or the real school from the environment. */
async function openAccount(target, sandboxModule) {
  if (target.kind === 'real') {
    return {
      baseUrl: target.baseUrl,
      apiKey: target.apiKey,
      name: 'Memberspot (your school)',
      where: 'Your Memberspot school',
      buyer: { email: target.email, firstName: 'Demo', lastName: 'Buyer' },
      orderId: `DEMO-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`,
      offerId: target.offerId,
      // Only the grant flow goes live against a real school: the others revoke and delete.
      onlyGrant: true,
    };
  }
  const sandbox = await sandboxModule.startSandbox({ apiKey: SANDBOX_KEY, seed: 'default' });
  await onExit(() => sandbox.close());
  return {
    baseUrl: sandbox.url,
    apiKey: SANDBOX_KEY,
    name: 'Memberspot sandbox',
    where: 'The sandbox',
    buyer: SANDBOX_BUYER,
    orderId: SANDBOX_ORDER_ID,
    offerId: undefined, // the example's own offer (off_basic), which the sandbox has
    onlyGrant: false,
  };
}

/** Takes the real key out of anything shown (the sandbox key is no secret). */
function redactorFor(target) {
  if (target.kind !== 'real') return (text) => text;
  return (text) => String(text).split(target.apiKey).join('***');
}

function summary({ account, target, nodeRed, flowCount }) {
  const flows = flowCount === 1 ? 'the shop-to-Memberspot example flow, purchases only' : `${flowCount} example flows, one tab each`;
  const lines = [`Node-RED editor:  ${nodeRed.url}   (${flows})`];
  if (target.kind === 'sandbox') lines.push(`Sandbox API:      ${account.baseUrl}   (API key: ${account.apiKey})`);
  else lines.push(`Memberspot:       ${account.baseUrl}   (your school)`);
  return lines;
}

/** What to try while the editor is open. No ready-made purchase against a real school: that would grant real access. */
function nextSteps({ target, account, purchaseUrl, editorUrl, shops, passphrase, login }) {
  if (target.kind === 'real') {
    return [
      `Open ${editorUrl} to see the flow. Editor login (shown only now): ${login.username} / ${login.password}`,
      `While this runs, every purchase notification signed with this run's IPN passphrase grants ${account.offerId} in your school (only this machine can reach ${purchaseUrl};`,
      '  the path is random for this run). Stop it with Ctrl-C when you are done.',
    ];
  }
  const another = signedBody(shops, purchaseNotification({ email: 'max@example.com', firstName: 'Max', lastName: 'Muster' }, 'DS24-1002'), passphrase);
  return [
    `Open ${editorUrl} to see the flows. Try another purchase (signed with this run's IPN passphrase; change a byte and it is refused with 401):`,
    `  curl -X POST ${purchaseUrl} --data-raw '${another}'`,
  ];
}

async function main() {
  const options = readOptions();
  if (options.help) return say(HELP);
  const { target } = options;
  announce(target);
  const build = loadBuild();
  const redact = redactorFor(target);

  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (shuttingDown) return; // a second Ctrl-C: already on it
      say('', 'Stopping…');
      shutdown().then(() => {
        say('Stopped everything the demo started. Bye!');
        process.exit(0);
      });
    });
  }

  try {
    say(target.kind === 'sandbox' ? 'Starting a Memberspot sandbox and Node-RED…' : 'Starting Node-RED…');
    const account = await openAccount(target, build.sandbox);
    // A real school kept running: an editor login and a Host header check (see node-red.js).
    const secure = target.kind === 'real' && !options.once;
    const nodeRed = await startNodeRed({ port: options.port, redact, secure });
    await onExit(() => nodeRed.stop());

    // The shop node's IPN passphrase, made up for this run (the Digistore24 config node's credential).
    const passphrase = randomBytes(18).toString('base64url');
    const randomPaths = secure;
    const flows = demoFlows({ baseUrl: account.baseUrl, apiKey: account.apiKey, accountName: account.name, passphrase, onlyGrant: account.onlyGrant, offerId: account.offerId, randomPaths });
    const purchaseUrl = `${nodeRed.url}${purchasePath(flows)}`;
    await nodeRed.deploy(flows);
    const flowCount = account.onlyGrant ? 1 : exampleNames().length;
    say(...summary({ account, target, nodeRed, flowCount }), '');

    const client = build.core.createClient({ baseUrl: account.baseUrl, apiKey: account.apiKey });
    await onExit(() => client.close());
    const report = await runScenario({
      purchaseUrl,
      client,
      buyer: account.buyer,
      orderId: account.orderId,
      offerId: account.offerId ?? exampleOffer(),
      where: account.where,
      shops: build.shops,
      passphrase,
    });
    say(...report.map(redact), '');

    if (options.once) {
      await shutdown();
      say('Done: the purchase went through the flow and the access was granted.');
      return;
    }
    say(...nextSteps({ target, account, purchaseUrl, editorUrl: nodeRed.url, shops: build.shops, passphrase, login: nodeRed.login }), '', 'Press Ctrl-C to stop.');
    await nodeRed.exited;
    // Reached only when Node-RED ends by itself (Ctrl-C exits from the signal handler).
    if (!shuttingDown) throw new Error(`Node-RED stopped unexpectedly. Its log:\n${nodeRed.log()}`);
    await new Promise(() => {}); // the signal handler exits
  } catch (error) {
    await shutdown();
    throw error;
  }
}

main().catch((error) => {
  const message = error instanceof UsageError ? error.message : `The demo failed: ${error.message}`;
  console.error(redactorFor(safeTarget()).call(null, message));
  process.exit(error instanceof UsageError ? 2 : 1);
});

/** The target for redacting a last error, even if reading the options was what failed. */
function safeTarget() {
  const apiKey = (process.env.MEMBERSPOT_API_KEY || '').trim();
  return apiKey ? { kind: 'real', apiKey } : { kind: 'sandbox' };
}
