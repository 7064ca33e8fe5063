/**
 * The e2e suite: packs @om/migrations and @om/nx, builds a real Nx 24 workspace in a temp dir,
 * and drives `nx g`, `nx run` and `nx affected` against its own redis-server.
 * Run with `npm run e2e` (needs redis-server and git on the PATH, and the npm registry).
 * @type {import('jest').Config}
 */
module.exports = {
  displayName: 'e2e',
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
  globalSetup: '<rootDir>/../packages/migrations/test/support/global-setup.ts',
  reporters: ['default', '<rootDir>/../tools/jest/skip-reporter.js'],
};
