/**
 * MEMBERSPOT_N8N_DIR: an n8n install (a folder whose node_modules holds n8n and its n8n-core, n8n-workflow
 * and @n8n/* packages) to run the n8n suites against instead of the devDependencies: every require of
 * those packages, from the tests, from dist/ and from n8n itself, then resolves there
 * (test/n8n-host-resolver.js), so that the engine and our nodes share one n8n-workflow. scripts/node24.sh
 * uses it for the newest n8n on Node.js 24.
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const n8nDir = process.env.MEMBERSPOT_N8N_DIR;
if (n8nDir && !existsSync(join(n8nDir, 'node_modules', 'n8n-core', 'package.json'))) {
  throw new Error(`MEMBERSPOT_N8N_DIR=${n8nDir} has no node_modules/n8n-core: point it at an n8n install`);
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // e2e and Redis suites need servers that .ci/run installs, and the reliability suites take minutes:
  // they run with their own commands.
  testPathIgnorePatterns: ['/node_modules/', '/test/e2e/', '/test/redis/', '/test/reliability/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  ...(n8nDir ? { resolver: '<rootDir>/test/n8n-host-resolver.js' } : {}),
  testTimeout: 30000,
};
