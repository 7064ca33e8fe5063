// Prints one loud line when suites that need RediSearch/RedisJSON were skipped for lack of a
// server, so a green run never hides what it did not test.
const MARKER = '[needs RediSearch+RedisJSON]';

class SkipReporter {
  onRunComplete(_contexts, results) {
    let skipped = 0;
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status === 'pending' && test.ancestorTitles.some((title) => title.startsWith(MARKER))) skipped += 1;
      }
    }
    if (skipped > 0) {
      process.stderr.write(
        `\n!!! SKIPPED ${skipped} tests that need RediSearch and RedisJSON: no module-enabled Redis was found. ` +
          'Set OM_TEST_REDIS_STACK_URL=redis://host:port (Redis Stack or Redis 8) or start a Docker engine for testcontainers.\n\n',
      );
    }
  }
}

module.exports = SkipReporter;
