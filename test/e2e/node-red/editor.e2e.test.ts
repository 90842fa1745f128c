/**
 * The Node-RED editor in headless Chromium (Debian's chromium, playwright-core): the palette has the
 * Memberspot nodes, the action node's dialog shows the right fields for every action, the offers dropdown
 * lists the sandbox's offers, the account dialog shows the key as set without its value, and the page logs
 * no errors. Saves docs/node-red-action-dialog.png.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { actionList } from '../../../shared';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { deploy, e2eFlow, startNodeRed, USERS, type NodeRed } from './nodered';

const API_KEY = 'e2e-key-editor-8c1f2a7d9e';
/** docs/ (the README shows it), or MEMBERSPOT_SCREENSHOT_DIR (the Node.js 24 pass keeps docs/ as it is). */
const SCREENSHOT = path.join(process.env.MEMBERSPOT_SCREENSHOT_DIR ?? path.resolve(__dirname, '..', '..', '..', 'docs'), 'node-red-action-dialog.png');
let sandbox: Sandbox;
let red: NodeRed;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
let beforeLogin: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ apiKey: API_KEY });
  red = await startNodeRed();
  await deploy(red, e2eFlow(sandbox.url, API_KEY));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
  });
  page.on('requestfailed', (request) => pageErrors.push(`requestfailed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) pageErrors.push(`http ${response.status()}: ${response.url()}`);
  });
  await page.goto(red.url);
  await page.fill('#node-dialog-login-username', 'admin');
  await page.fill('#node-dialog-login-password', USERS.admin);
  await page.click('#node-dialog-login-submit');
  await page.waitForSelector('.red-ui-palette-node[data-palette-type="memberspot"]', { timeout: 60_000 });
  beforeLogin = pageErrors.splice(0);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await red?.stop();
  await sandbox?.close();
});

async function openActionDialog() {
  await page.evaluate(() => {
    const w = window as unknown as { RED: { editor: { edit(node: unknown): void }; nodes: { node(id: string): unknown } } };
    w.RED.editor.edit(w.RED.nodes.node('e2egrant'));
  });
  await page.waitForSelector('#node-input-action', { state: 'visible' });
}

async function closeDialog() {
  await page.click('#node-dialog-cancel');
  await page.waitForSelector('.red-ui-tray', { state: 'detached' });
}

async function visibleFields(): Promise<string[]> {
  return page.$$eval('.memberspot-field', (rows) =>
    [...new Set(rows.filter((r) => (r as HTMLElement).offsetParent !== null).map((r) => r.getAttribute('data-field') ?? ''))],
  );
}

it('has the Memberspot nodes in the palette', async () => {
  for (const type of ['memberspot', 'memberspot-webhook', 'memberspot-shop']) {
    expect(await page.$(`.red-ui-palette-node[data-palette-type="${type}"]`)).not.toBeNull();
  }
  // Config nodes are not in the palette but are known to the editor.
  for (const type of ['memberspot-config', 'memberspot-shop-config']) {
    expect(await page.evaluate((t) => Boolean((window as unknown as { RED: { nodes: { getType(t: string): unknown } } }).RED.nodes.getType(t)), type)).toBe(true);
  }
});

it("shows each action's fields, and only those", async () => {
  await openActionDialog();
  const labels = await page.$$eval('#node-input-action option', (options) => options.map((o) => (o as HTMLOptionElement).value));
  expect(labels).toEqual(expect.arrayContaining(actionList.map((a) => a.id)));
  for (const action of actionList) {
    await page.selectOption('#node-input-action', action.id);
    expect(await visibleFields()).toEqual(action.fields.map((f) => f.name));
    const noFields = await page.isVisible('#memberspot-no-fields');
    expect(noFields).toBe(action.fields.length === 0);
    expect(await page.isVisible('#memberspot-action-destructive')).toBe(action.destructive);
  }
  await closeDialog();
});

it('lists the sandbox offers in the Access ID dropdown and fills the field; saves the screenshot', async () => {
  await openActionDialog();
  await page.selectOption('#node-input-action', 'grantAccess');
  await page.waitForSelector('#memberspot-offers option[value="off_basic"]', { state: 'attached', timeout: 20_000 });
  const offers = await page.$$eval('#memberspot-offers option', (options) => options.map((o) => o.textContent));
  expect(offers).toEqual(expect.arrayContaining(['Online-Kurs Basis (off_basic)', 'Premium-Mitgliedschaft (off_premium)', 'Coaching-Paket (off_coaching)']));
  await page.selectOption('#memberspot-offers', 'off_coaching');
  expect(await page.inputValue('#node-input-accessId')).toBe('off_coaching');
  expect(await page.inputValue('#node-input-accessIdType')).toBe('str');
  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.locator('.red-ui-tray').first().screenshot({ path: SCREENSHOT });
  expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
  await closeDialog();
});

it('shows the API key as set, never its value', async () => {
  await page.evaluate(() => {
    const w = window as unknown as { RED: { editor: { editConfig(name: string, type: string, id: string): void } } };
    w.RED.editor.editConfig('', 'memberspot-config', 'e2ecfg');
  });
  await page.waitForSelector('#node-config-input-apiKey', { state: 'visible' });
  const value = await page.inputValue('#node-config-input-apiKey');
  expect(value).toBe('__PWRD__');
  expect(await page.inputValue('#node-config-input-baseUrl')).toBe(sandbox.url);
  expect(await page.content()).not.toContain(API_KEY);
  await page.click('#node-config-dialog-cancel');
});

it('shows the runtime status translated, not as a message key', async () => {
  const response = await fetch(`${red.url}/e2e/grant`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'status@example.com' }),
  });
  expect(response.status).toBe(200);
  const label = page.locator('#e2egrant .red-ui-flow-node-status-label');
  // Status updates are throttled: "working: …" may show first, then the final "done: …" always comes.
  await label.filter({ hasText: 'done:' }).waitFor({ timeout: 20_000 });
  expect(await label.textContent()).toBe('done: Grant Access');
});

it('speaks German in a German browser', async () => {
  const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1400, height: 900 } });
  const german = await context.newPage();
  const errors: string[] = [];
  german.on('pageerror', (error) => errors.push(error.message));
  await german.goto(red.url);
  await german.fill('#node-dialog-login-username', 'admin');
  await german.fill('#node-dialog-login-password', USERS.admin);
  await german.click('#node-dialog-login-submit');
  await german.waitForSelector('.red-ui-palette-node[data-palette-type="memberspot"]', { timeout: 60_000 });
  await german.evaluate(() => {
    const w = window as unknown as { RED: { editor: { edit(node: unknown): void }; nodes: { node(id: string): unknown } } };
    w.RED.editor.edit(w.RED.nodes.node('e2egrant'));
  });
  await german.waitForSelector('#node-input-action', { state: 'visible' });
  const options = await german.$$eval('#node-input-action option', (list) => Object.fromEntries(list.map((o) => [(o as HTMLOptionElement).value, o.textContent])));
  expect(options).toMatchObject({ grantAccess: 'Zugang gewähren', revokeAccess: 'Zugang entziehen', deleteAccess: 'Zugang löschen' });
  expect(await german.textContent('label[for="node-input-email"] .memberspot-field-label')).toBe('E-Mail *');
  expect(await german.textContent('label[for="node-input-account"]')).toContain('Konto');
  expect(errors).toEqual([]);
  await context.close();
});

it('logged no errors in the page, and the key never reached the browser', async () => {
  expect(pageErrors).toEqual([]);
  // Before the login, the editor's own probe of /settings is refused (that is how it learns to show the login).
  expect(beforeLogin.filter((e) => !/\/settings\b|status of 401/.test(e))).toEqual([]);
  const flows = await page.evaluate(() => JSON.stringify((window as unknown as { RED: { nodes: { createCompleteNodeSet(): unknown } } }).RED.nodes.createCompleteNodeSet()));
  expect(flows).not.toContain(API_KEY);
});
