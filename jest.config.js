/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // e2e and Redis suites need servers that .ci/run installs; they run with their own commands.
  testPathIgnorePatterns: ['/node_modules/', '/test/e2e/', '/test/redis/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  testTimeout: 30000,
};
