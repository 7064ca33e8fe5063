/** @type {import('jest').Config} */
module.exports = {
  displayName: 'nx',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
