import { silentLogger, type Logger } from '../logger';
import { validateMigrationName } from '../loading/migration-name';
import { loadModelSchemas } from '../loading/models';
import { compileSchemas, type CompiledIndex } from './compile';
import { diffIndexStates, statesOfCompiled, type IndexChange } from './diff';
import { buildSnapshot, stateAfterSnapshots, type SchemaSnapshot } from './snapshot';
import { loadSnapshotsFrom, writeSnapshotTo, type SnapshotStore } from './snapshot-store';

/** What `create` did. */
export interface CreateResult {
  readonly changes: readonly IndexChange[];
  /** Absent when nothing changed: no file is written then. */
  readonly file?: string;
  readonly snapshot?: SchemaSnapshot;
}

/** Where `create` finds the models and puts the snapshot. */
export interface CreateSchemaMigrationOptions {
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
  const compiled = await compileModels(options.models, options.cwd, options.logger);
  const changes = changesSinceSnapshots(options.store, compiled);
  if (changes.length === 0) return { changes };
  const snapshot = buildSnapshot(name, changes, options.now ?? new Date());
  return { changes, file: writeSnapshotTo(options.store, snapshot), snapshot };
}
