#!/usr/bin/env node
/**
 * Rewrites the golden files of test/migrate/golden from the blueprints in test/migrate/blueprints, with the
 * built converter: `npm run build && node scripts/migrate-goldens.js`. Read the diff before committing it:
 * the golden tests are there to show every change of the output.
 */
const fs = require('node:fs');
const path = require('node:path');
const { migrate } = require('../dist/migrate');

const root = path.join(__dirname, '..', 'test', 'migrate');
for (const file of fs.readdirSync(path.join(root, 'blueprints')).filter((f) => f.endsWith('.json'))) {
  const name = file.replace(/\.json$/, '');
  const c = migrate(fs.readFileSync(path.join(root, 'blueprints', file), 'utf8'));
  for (const [kind, value] of [['n8n', c.n8n], ['node-red', c.nodeRed], ['report', c.report]]) {
    fs.writeFileSync(path.join(root, 'golden', `${name}.${kind}.json`), `${JSON.stringify(value, null, 2)}\n`);
  }
  console.log(`golden: ${name}`);
}
