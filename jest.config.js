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
  testTimeout: 30000,
};
