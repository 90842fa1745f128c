'use strict';
/* global fetch, URLSearchParams -- Node's built-ins */
/**
 * The scenario: Digistore24 reports a purchase (a signed IPN, as Digistore24 sends it) to the
 * "shop to Memberspot" flow, and we look at what Memberspot holds for the buyer afterwards.
 */

/** The sandbox buyer. Not in the sandbox's sample data, so the flow creates her. */
const SANDBOX_BUYER = { email: 'sophie.wagner@example.com', firstName: 'Sophie', lastName: 'Wagner' };

/** The fields of a Digistore24 payment IPN (a few of its ~170), for this buyer and order. */
function purchaseNotification(buyer, orderId) {
  return {
    event: 'on_payment',
    api_mode: 'live',
    order_id: orderId,
    transaction_id: `${orderId}-T1`,
    product_id: '512345',
    email: buyer.email,
    address_first_name: buyer.firstName,
    address_last_name: buyer.lastName,
    amount: '47.00',
    currency: 'EUR',
  };
}

/** The form body Digistore24 POSTs: the fields plus their sha_sign under the IPN passphrase. */
function signedBody(shops, fields, passphrase) {
  return new URLSearchParams({ ...fields, sha_sign: shops.digistoreSignature(fields, passphrase) }).toString();
}

/** POSTs the notification to the flow's shop node; resolves with the flow's answer (OK on success). */
async function reportPurchase(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return { status: response.status, body: await response.text() };
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

function describeGrant({ buyer, orderId, offerId, offerNames, user }) {
  return [
    `Granted: ${buyer.firstName} ${buyer.lastName} <${buyer.email}> got ${offerLabel(offerNames, offerId)}`,
    `         for order ${orderId}${user?.uid ? ` (Memberspot user ${user.uid})` : ''}.`,
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
async function runScenario({ purchaseUrl, client, buyer, orderId, offerId, where, shops, passphrase }) {
  const notification = purchaseNotification(buyer, orderId);
  const answer = await reportPurchase(purchaseUrl, signedBody(shops, notification, passphrase));
  if (answer.status !== 200 || answer.body !== 'OK') {
    // The demo's copy of the example answers 500 with the node's error (the example itself: a fixed body): its message says what to do.
    throw new Error(`The flow answered the purchase with ${answer.status} instead of granting the access:\n  ${answer.body}`);
  }
  const { offerNames, user, why } = await readBack(client, buyer.email);
  const grantOnRecord = user?.offers?.some((grant) => grant.offerId === offerId && grant.active !== false);
  if (user && !grantOnRecord) throw new Error(`The flow answered OK, but ${where} does not show ${offerId} for ${buyer.email}.`);
  return [
    `Digistore24 reported a purchase (a signed IPN): POST ${purchaseUrl}`,
    `  ${JSON.stringify(notification)} + sha_sign`,
    `The flow answered ${answer.status} ${answer.body}.`,
    '',
    ...describeGrant({ buyer, orderId, offerId, offerNames, user }),
    '',
    ...describeHoldings({ email: buyer.email, user, why, offerNames, where }),
  ];
}

module.exports = { runScenario, SANDBOX_BUYER, purchaseNotification, signedBody };
