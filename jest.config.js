/** @type {import('jest').Config} */
module.exports = {
  projects: ['<rootDir>/packages/migrations', '<rootDir>/packages/nx'],
  reporters: ['default', '<rootDir>/tools/jest/skip-reporter.js'],
};
