// Writes each executor's schema.json (what Nx and Nx Console read) from the executor's option
// table, into dist/ beside the compiled executor: the table is the one description of the
// options, so the file is generated, never edited. Runs after tsc (it loads the compiled tables).
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist', 'src', 'executors');
const { EXECUTOR_TABLES } = require(join(dist, 'tables.js'));
const { executorJsonSchema } = require(join(dist, 'shared', 'option-table.js'));

for (const [name, table] of Object.entries(EXECUTOR_TABLES)) {
  writeFileSync(join(dist, name, 'schema.json'), `${JSON.stringify(executorJsonSchema(table), null, 2)}\n`);
}
