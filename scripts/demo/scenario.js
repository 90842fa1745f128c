'use strict';
/* global fetch -- Node's built-in */
/**
 * The scenario: a shop (Digistore24, CopeCart, …) reports a purchase to the "grant access after purchase"
 * flow, and we look at what Memberspot holds for the buyer afterwards.
 */

/** The sandbox buyer. Not in the sandbox's sample data, so the flow creates her. */
const SANDBOX_BUYER = { email: 'sophie.wagner@example.com', firstName: 'Sophie', lastName: 'Wagner' };

/** What a shop's purchase notification (IPN) carries, in the field names the example flow maps. */
function purchaseNotification(buyer, orderId) {
  return { email: buyer.email, first_name: buyer.firstName, last_name: buyer.lastName, order_id: orderId };
}

/** POSTs the purchase to the flow's http in endpoint; resolves with the flow's answer. */
async function reportPurchase(url, notification) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(notification),
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

/**
 * What Memberspot holds for the buyer, read back through the package's own client (the same calls for the
 * sandbox and a real school). Finding a user by email needs Memberspot's Enterprise plan: without it, say so.
 */
async function readBack(client, email) {
  const offers = await client.execute('listOffers', {});
  const offerNames = new Map(offers.map((offer) => [String(offer.id), String(offer.name ?? offer.id)]));
  try {
    const user = await client.execute('findUserByEmail', { email });
    return { offerNames, user };
  } catch (error) {
    return { offerNames, user: null, why: error.message };
  }
}

function offerLabel(offerNames, offerId) {
  const name = offerNames.get(String(offerId));
  return name ? `"${name}" (${offerId})` : String(offerId);
}

function describeGrant({ buyer, orderId, answer, offerNames }) {
  const result = answer.body;
  const offerId = result.accessId;
  return [
    `Granted: ${buyer.firstName} ${buyer.lastName} <${result.email}> got ${offerLabel(offerNames, offerId)}`,
    `         for order ${result.orderId ?? orderId}${result.uid ? ` (Memberspot user ${result.uid})` : ''}.`,
  ];
}

function describeHoldings({ email, user, why, offerNames, where }) {
  if (!user) return [`Could not read back what ${where} holds for ${email}: ${why}`];
  const grants = Array.isArray(user.offers) ? user.offers : [];
  const name = [user.firstname, user.name].filter(Boolean).join(' ');
  const lines = [`${where} now holds for ${name ? `${name} <${email}>` : email}${user.uid ? ` (user ${user.uid})` : ''}:`];
  if (!grants.length) lines.push('  - no offers');
  for (const grant of grants) {
    const state = grant.active === false ? 'revoked' : 'active';
    const details = [state, grant.orderId ? `order ${grant.orderId}` : null, grant.expiresAt ? `expires ${grant.expiresAt}` : null];
    lines.push(`  - ${offerLabel(offerNames, grant.offerId ?? grant.id)}: ${details.filter(Boolean).join(', ')}`);
  }
  return lines;
}

/**
 * Runs the scenario once. Throws when the flow did not grant the access.
 * @returns {Promise<string[]>} the lines to print
 */
async function runScenario({ purchaseUrl, client, buyer, orderId, where }) {
  const notification = purchaseNotification(buyer, orderId);
  const answer = await reportPurchase(purchaseUrl, notification);
  if (answer.status !== 200 || !answer.body || answer.body.success !== true) {
    // The example's catch node answers 500 with the node's error: its message says what to do.
    const detail = answer.body?.message ?? (typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    throw new Error(`The flow answered the purchase with ${answer.status} instead of granting the access:\n  ${detail}`);
  }
  const { offerNames, user, why } = await readBack(client, buyer.email);
  const grantOnRecord = user?.offers?.some((grant) => grant.offerId === answer.body.accessId && grant.active !== false);
  if (user && !grantOnRecord) throw new Error(`The flow said it granted ${answer.body.accessId}, but ${where} does not show it for ${buyer.email}.`);
  return [
    `A shop reported a purchase: POST ${purchaseUrl}`,
    `  ${JSON.stringify(notification)}`,
    `The flow answered ${answer.status}.`,
    '',
    ...describeGrant({ buyer, orderId, answer, offerNames }),
    '',
    ...describeHoldings({ email: buyer.email, user, why, offerNames, where }),
  ];
}

module.exports = { runScenario, SANDBOX_BUYER };
