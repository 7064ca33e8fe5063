/** @type {import('jest').Config} */
module.exports = {
  displayName: 'nx',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // The engine's: checks redis-server and finds the RediSearch+RedisJSON server for the run.
  globalSetup: '<rootDir>/../migrations/test/support/global-setup.ts',
};
