import { ConfigError } from '../errors';
import { silentLogger, type Logger } from '../logger';
import { validateMigrationName } from '../loading/migration-name';
import { loadModelSchemas } from '../loading/models';
import { compileSchemas, type CompiledIndex } from './compile';
import type { ClassifiedChange } from './classify';
import { diffIndexStates, statesOfCompiled, type IndexChange } from './diff';
import { answerRename, resolveRenames, unresolvedMessage, type RenameChoices, type RenameQuestion } from './renames';
import { answerSchemaRename, classifyWithSchemaRenames, resolveSchemaRenames, unresolvedSchemaMessage, type SchemaRenameChoices, type SchemaRenameQuestion } from './schema-renames';
import { assertAfterKnown, type DataMigrationsView } from './data-dependencies';
import { buildSnapshot, stateAfterSnapshots, type SchemaSnapshot } from './snapshot';
import { loadSnapshotsFrom, writeSnapshotTo, type SnapshotStore } from './snapshot-store';

/** What `create` did. */
export interface CreateResult {
  readonly changes: readonly IndexChange[];
  /** Every difference of `changes`, classified (index-only, document-dependent, blocked). */
  readonly classified: readonly ClassifiedChange[];
  /** Absent when nothing changed: no file is written then. */
  readonly file?: string;
  readonly snapshot?: SchemaSnapshot;
}

/** Where `create` finds the models and puts the snapshot. */
export interface CreateSchemaMigrationOptions extends RenameChoices, SchemaRenameChoices {
  /** Where the project's snapshots are: {@link fileSnapshotStore} on disk, or a generator's Tree. */
  readonly store: SnapshotStore;
  /** The models entry: a module exporting the project's redis-om Schemas. */
  readonly models: string;
  /** What a relative `models` is resolved from, and where the project's redis-om is found. */
  readonly cwd: string;
  /** snake_case name of the migration. */
  readonly name: string;
  /** The creation time, which names the file (UTC). Default now. */
  readonly now?: Date;
  /** Receives redis-om's warnings about the models. */
  readonly logger?: Logger;
  /**
   * Asks about each removed field no `renames`/`drops` entry covers (a terminal prompt).
   * Without it such a field makes `create` refuse.
   */
  readonly ask?: RenameQuestion;
  /**
   * Asks about each removed schema with a compatible added one that no `renameSchemas` /
   * `dropSchemas` entry covers ("Did you rename schema X to Y?"). Without it `create` refuses.
   */
  readonly askSchema?: SchemaRenameQuestion;
  /** Write the snapshot even with changes classified `blocked` (the user handled the documents). */
  readonly force?: boolean;
  /** Ids of data migrations to apply before this snapshot (`--after`); see docs/ordering.md. */
  readonly after?: readonly string[];
  /** The project's data migrations: an `after` id that names none of them is refused. Unchecked without. */
  readonly dataMigrations?: DataMigrationsView;
}

/** Every difference of the changes, classified with their confirmed renames. Pure. */
export function classifyChanges(changes: readonly IndexChange[]): ClassifiedChange[] {
  return classifyWithSchemaRenames(changes);
}

/**
 * Compiles a models entry with the project's own redis-om, and logs what redis-om warned
 * about. Touches no Redis.
 */
export async function compileModels(models: string, cwd: string, logger: Logger = silentLogger): Promise<CompiledIndex[]> {
  const loaded = loadModelSchemas(models, cwd);
  const compiled = await compileSchemas(loaded.schemas, { resolveFrom: loaded.resolveFrom });
  for (const c of compiled) for (const w of c.warnings) logger.warn(`${c.schemaName}: ${w}`);
  return compiled;
}

/** How the compiled models differ from the state the snapshots in `store` add up to. */
export function changesSinceSnapshots(store: SnapshotStore, compiled: readonly CompiledIndex[]): IndexChange[] {
  const snapshots = loadSnapshotsFrom(store).map((s) => s.snapshot);
  return diffIndexStates(stateAfterSnapshots(snapshots), statesOfCompiled(compiled));
}

/**
 * What `om migrate create <name>` and `nx g @om/nx:schema-migration` do: compile the models,
 * compare them with the latest snapshot in the store, and write a snapshot of what changed as
 * `<id>.json`. Writes nothing when nothing changed.
 */
export async function createSchemaMigration(options: CreateSchemaMigrationOptions): Promise<CreateResult> {
  const name = validateMigrationName(options.name);
  if (options.dataMigrations && options.after) assertAfterKnown(options.after, options.dataMigrations);
  const compiled = await compileModels(options.models, options.cwd, options.logger);
  const found = changesSinceSnapshots(options.store, compiled);
  if (found.length === 0) return { changes: found, classified: [] };
  const schemas = resolveSchemaRenames(found, options);
  let schemaChanges = schemas.changes;
  if (schemas.unresolved.length > 0 && options.askSchema) {
    for (const question of schemas.unresolved) schemaChanges = answerSchemaRename(schemaChanges, question.removed, await options.askSchema(question));
  } else if (schemas.unresolved.length > 0) {
    const { message, hint } = unresolvedSchemaMessage(schemas.unresolved);
    throw new ConfigError(message, { hint });
  }
  let { changes, unresolved } = resolveRenames(schemaChanges, options);
  if (unresolved.length > 0 && options.ask) {
    for (const question of unresolved) changes = answerRename(changes, question, await options.ask(question));
    unresolved = [];
  }
  if (unresolved.length > 0) {
    const { message, hint } = unresolvedMessage(unresolved);
    throw new ConfigError(message, { hint });
  }
  const classified = classifyChanges(changes);
  const blocked = classified.filter((c) => c.class === 'blocked');
  if (blocked.length > 0 && !options.force) {
    throw new ConfigError(`No schema migration was written: ${blocked.map((c) => `${c.indexName}: ${c.what} is blocked (${c.why})`).join('; ')}.`, {
      hint: `Instead: ${blocked.map((c) => c.todo).join('; ')}. Once the documents are handled, --force writes the snapshot anyway.`,
    });
  }
  const snapshot = buildSnapshot(name, changes, options.now ?? new Date(), options.after);
  return { changes, classified, file: writeSnapshotTo(options.store, snapshot), snapshot };
}
