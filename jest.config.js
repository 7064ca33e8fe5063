/** @type {import('jest').Config} */
module.exports = {
  projects: ['<rootDir>/packages/migrations', '<rootDir>/packages/nx'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/tools/jest/skip-reporter.js'],
};
