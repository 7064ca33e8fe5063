import { Command } from 'commander';
import { relative } from 'node:path';
import { AbortedError } from '../../../errors';
import { validateMigrationName } from '../../../loading/migration-name';
import { formatClassified } from '../../../schema/classify';
import type { IndexField } from '../../../schema/index-definition';
import type { IndexState } from '../../../schema/diff';
import type { RenameQuestion, UnresolvedField } from '../../../schema/renames';
import { schemaRenameLabels, type SchemaRenameQuestion, type UnresolvedSchema } from '../../../schema/schema-renames';
import { withSchemaMigrator, withSchemaOptions, type SchemaCliOptions } from './options';

interface CreateOptions extends SchemaCliOptions {
  rename: string[];
  drop: string[];
  after: string[];
  renameSchema: string[];
  dropSchema: string[];
  force?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `om migrate create <name>`: snapshots the index changes since the latest snapshot. */
export function createCommand(): Command {
  return withSchemaOptions(
    new Command('create')
      .description('write schema-migrations/YYYYMMDD_HHMMSS_<name>.json with every index the models changed')
      .argument('<name>', 'short snake_case name, e.g. add_sortable_on_user_name')
      .option('--rename <old:new>', 'a removed field was renamed: move its stored values in every document (repeatable)', collect, [])
      .option('--drop <field>', 'a removed field leaves search on purpose; documents keep the values (repeatable)', collect, [])
      .option('--rename-schema <old:new>', 'a removed schema was renamed (schemaName or indexName): move its documents to the new key prefix (repeatable)', collect, [])
      .option('--drop-schema <schema>', 'a removed schema goes on purpose; its documents stay under the old keys, unindexed (repeatable)', collect, [])
      .option('--force', 'write the snapshot despite blocked changes, once you handled the documents yourself')
      .option('--after <data-migration-id>', 'apply this data migration before the snapshot (repeatable); `om migrate-all run` runs both in order', collect, []),
    { redis: false, indexing: false },
  ).action((name: string, options: CreateOptions) =>
    withSchemaMigrator(options, async (migrator) => {
      validateMigrationName(name);
      const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
      const result = await migrator.create(name, new Date(), {
        renames: options.rename,
        drops: options.drop,
        renameSchemas: options.renameSchema,
        dropSchemas: options.dropSchema,
        force: options.force,
        after: options.after,
        ask: interactive ? askRename : undefined,
        askSchema: interactive ? askSchemaRename : undefined,
      });
      if (result.file === undefined) {
        console.log('No index changes: the models match the latest schema migration. No file was written.');
        return;
      }
      console.log(`Created schema migration ${relative(migrator.settings.cwd, result.file) || result.file}`);
      for (const change of result.changes) {
        console.log(`  ${change.kind.padEnd(7)} ${change.indexName}${change.hashOnly ? ' (redis-om hash only)' : ''}`);
      }
      for (const line of formatClassified(result.classified)) console.log(line);
      if (result.snapshot?.after) console.log(`  runs after data migration${result.snapshot.after.length === 1 ? '' : 's'} ${result.snapshot.after.join(', ')}: apply both with \`om migrate-all run\``);
    }),
  );
}

/** The terminal question for one removed field: which added field it became, or none. */
const askRename: RenameQuestion = async (question: UnresolvedField): Promise<IndexField | null> => {
  // Loaded lazily: only interactive runs need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { prompt } = require('enquirer') as typeof import('enquirer');
  const drop = `no: remove ${question.field.attribute} from search (documents keep the values)`;
  const abort = 'abort: write nothing';
  const renameTo = (f: IndexField) => `yes: renamed to ${f.attribute} (move the stored values)`;
  let answer: { choice: string };
  try {
    answer = await prompt<{ choice: string }>({
      type: 'select',
      name: 'choice',
      message: `${question.indexName}: field ${question.field.attribute} was removed. Did you rename it?`,
      choices: [...question.candidates.map(renameTo), drop, abort],
    });
  } catch {
    throw new AbortedError('Aborted: no schema migration was written.');
  }
  if (answer.choice === abort) throw new AbortedError('Aborted: no schema migration was written.');
  return question.candidates.find((f) => renameTo(f) === answer.choice) ?? null;
};

/** The terminal question for one removed schema: which added schema it became, or none. */
const askSchemaRename: SchemaRenameQuestion = async (question: UnresolvedSchema): Promise<IndexState | null> => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { prompt } = require('enquirer') as typeof import('enquirer');
  const { removed } = question;
  const drop = `no: ${removed.schemaName} was removed (its documents stay under ${removed.definition.prefixes.join(', ')}, unindexed)`;
  const abort = 'abort: write nothing';
  const renameTo = (s: IndexState) => `yes: renamed to ${s.schemaName} (move every document to ${s.definition.prefixes.join(', ')}, index ${s.indexName})`;
  let answer: { choice: string };
  try {
    answer = await prompt<{ choice: string }>({
      type: 'select',
      name: 'choice',
      message: (() => {
        const label = schemaRenameLabels(removed, question.candidates[0]!);
        return `Did you rename schema ${label.from} to ${label.to}?`;
      })(),
      choices: [...question.candidates.map(renameTo), drop, abort],
    });
  } catch {
    throw new AbortedError('Aborted: no schema migration was written.');
  }
  if (answer.choice === abort) throw new AbortedError('Aborted: no schema migration was written.');
  return question.candidates.find((s) => renameTo(s) === answer.choice) ?? null;
};
