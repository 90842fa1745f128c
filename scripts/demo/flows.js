'use strict';
/**
 * The package's example flows (examples/*.json), ready to deploy: each in its own tab, every Memberspot
 * node using one account node that points at the sandbox (or the real school), and the shop node one
 * Digistore24 config node whose IPN passphrase (made up per run) goes in as its credential.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');
const GRANT_EXAMPLE = 'shop-to-memberspot';
const ACCOUNT_ID = 'demo-account';
const SHOP_ID = 'demo-shop';

function readExample(name) {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, `${name}.json`), 'utf8'));
}

function exampleNames() {
  return fs
    .readdirSync(EXAMPLES_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort((a, b) => (a === GRANT_EXAMPLE ? -1 : b === GRANT_EXAMPLE ? 1 : a.localeCompare(b)));
}

/** "shop-to-memberspot" -> "Shop to memberspot" */
function tabLabel(name) {
  const words = name.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * One example as a tab. Its own account node is dropped: the Memberspot nodes use the shared one.
 * `offerId` replaces the offer the grant node hands out (for a real school, whose offers differ).
 */
function exampleAsTab(name, { offerId, onlyPurchases, pathSuffix } = {}) {
  const tabId = `demo-${name}`;
  const nodes = readExample(name).filter((node) => node.type !== 'memberspot-config' && node.type !== 'memberspot-shop-config');
  const placed = nodes.map((node) => {
    const copy = { ...node, z: tabId };
    if (copy.type === 'memberspot') copy.account = ACCOUNT_ID;
    if (copy.type === 'memberspot-shop') copy.config = SHOP_ID;
    // Against a real school only purchases start the flow: the other branches revoke and delete.
    if (onlyPurchases && copy.type === 'memberspot-shop') copy.events = 'purchase';
    // A webhook without a secret accepts every caller (and says so in the log): the demo's get a random one.
    if (copy.type === 'memberspot-webhook') copy.credentials = { secret: crypto.randomBytes(18).toString('base64url') };
    if (offerId && copy.type === 'memberspot' && copy.action === 'grantAccess') copy.accessId = offerId;
    if (pathSuffix && copy.type === 'http in') copy.url = `${copy.url}-${pathSuffix}`;
    if (pathSuffix && copy.type === 'memberspot-shop') copy.path = `${copy.path}-${pathSuffix}`;
    // The example answers a failed step with the fixed body "Error"; the demo is the caller itself and prints why.
    if (name === GRANT_EXAMPLE && copy.type === 'change') copy.rules = copy.rules.map(withErrorMessage);
    return copy;
  });
  return [{ id: tabId, type: 'tab', label: tabLabel(name) }, ...placed];
}

/** A change rule that answers the fixed "Error" (beside statusCode 500) answers the error's message instead. */
function withErrorMessage(rule) {
  return rule.t === 'set' && rule.p === 'payload' && rule.tot === 'str' && rule.to === 'Error' ? { ...rule, to: 'error.message', tot: 'msg' } : rule;
}

/**
 * The flows to deploy. The key goes in as the account node's credential: Node-RED keeps it in its
 * encrypted credentials file, never in flows.json or the editor.
 * `randomPaths`: every endpoint path (http in, memberspot shop) gets a random suffix (a real school kept
 * running: a page that guesses /shop cannot reach it).
 * @param {{ baseUrl: string, apiKey: string, accountName: string, passphrase: string, onlyGrant?: boolean, offerId?: string, randomPaths?: boolean }} options
 */
function demoFlows({ baseUrl, apiKey, accountName, passphrase, onlyGrant = false, offerId, randomPaths = false }) {
  const names = onlyGrant ? [GRANT_EXAMPLE] : exampleNames();
  const account = { id: ACCOUNT_ID, type: 'memberspot-config', name: accountName, baseUrl, requestsPerSecond: 4, credentials: { apiKey } };
  const shop = { id: SHOP_ID, type: 'memberspot-shop-config', name: 'Digistore24 (demo)', shop: 'digistore24', credentials: { secret: passphrase } };
  const pathSuffix = randomPaths ? crypto.randomBytes(12).toString('hex') : undefined;
  return [account, shop, ...names.flatMap((name) => exampleAsTab(name, { offerId, onlyPurchases: onlyGrant, pathSuffix }))];
}

/** The shop example's notification path (e.g. /shop): in `flows` when given, else in the example itself. */
function purchasePath(flows) {
  const nodes = flows ? flows.filter((node) => node.z === `demo-${GRANT_EXAMPLE}`) : readExample(GRANT_EXAMPLE);
  const shopNode = nodes.find((node) => node.type === 'memberspot-shop');
  return shopNode.path;
}

/** The offer the shop example grants (when the demo does not name one). */
function exampleOffer() {
  return readExample(GRANT_EXAMPLE).find((node) => node.type === 'memberspot' && node.action === 'grantAccess').accessId;
}

module.exports = { demoFlows, purchasePath, exampleNames, exampleOffer };
