import { dirname } from 'node:path';
import { describeCause } from '../errors';
import { IndexDefinitionError } from './errors';
import { parseFtCreateArgs } from './ft-create-args';
import type { IndexDefinition } from './index-definition';

/** The parts of a redis-om 0.4.7 `Schema` the compiler reads. Any copy of redis-om fits. */
export interface RedisOmSchemaLike {
  readonly schemaName: string;
  readonly indexName: string;
  readonly indexHashName: string;
  readonly indexHash: string;
  readonly dataStructure: string;
}

/** One model compiled: the index redis-om would create for it, and how it would create it. */
export interface CompiledIndex {
  /** redis-om's `schemaName`; keys are `<schemaName>:<id>`. */
  readonly schemaName: string;
  /** The normalised index definition. */
  readonly definition: IndexDefinition;
  /** The FT.CREATE argv redis-om's `createIndex()` sends, exactly. */
  readonly ftCreate: readonly string[];
  /** redis-om's `schema.indexHash`, the value its `createIndex()` compares with `indexHashName`. */
  readonly indexHash: string;
  /** The key where redis-om stores `indexHash`. */
  readonly indexHashName: string;
  /** What redis-om printed with `console.warn` while building the index (e.g. ignored SORTABLE). */
  readonly warnings: readonly string[];
}

/** Where to find the redis-om that compiles the models. */
export interface CompileOptions {
  /**
   * Resolve `redis-om` (and the node-redis it depends on) from this directory, so the models
   * are compiled by the same copy the application runs. Defaults to the engine's own.
   */
  readonly resolveFrom?: string;
}

type FtCreateTransform = (index: string, schema: unknown, options: unknown) => string[];
type RepositoryCtor = new (schema: RedisOmSchemaLike, connection: unknown) => { createIndex(): Promise<void> };

/**
 * Compiles a redis-om Schema into the index definition its `repository.createIndex()` would
 * create. redis-om's index builder is not exported, so instead of re-implementing its mapping
 * this runs the real `createIndex()` against a recording connection: `GET` of the stored hash
 * answers null (so it always builds the index), `ft.create` records its arguments, and
 * node-redis's own FT.CREATE transform turns them into the argv that would go on the wire.
 * Nothing is sent anywhere.
 */
export async function compileSchema(schema: RedisOmSchemaLike, options: CompileOptions = {}): Promise<CompiledIndex> {
  const { Repository, transform } = loadRedisOm(options.resolveFrom);
  const calls: string[][] = [];
  const connection = createRecordingConnection(calls, transform);
  const warnings: string[] = [];
  const originalWarn = console.warn;
  // redis-om reports ignored options with console.warn inside createIndex(); keep them as data
  // so the caller decides how to show them (and tests stay quiet).
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  try {
    await new Repository(schema, connection).createIndex();
  } catch (cause) {
    throw new IndexDefinitionError(`Cannot compile the index of model ${schema.schemaName}: ${describeCause(cause)}`, {
      cause,
    });
  } finally {
    console.warn = originalWarn;
  }
  if (calls.length !== 1) {
    throw new IndexDefinitionError(
      `redis-om sent ${calls.length} FT.CREATE commands for model ${schema.schemaName}, expected 1`,
      { hint: 'This engine supports redis-om 0.4.7; check the installed version.' },
    );
  }
  const ftCreate = calls[0];
  return {
    schemaName: schema.schemaName,
    definition: parseFtCreateArgs(ftCreate),
    ftCreate,
    indexHash: schema.indexHash,
    indexHashName: schema.indexHashName,
    warnings,
  };
}

/** Compiles several models; fails when two of them would create the same index. */
export async function compileSchemas(
  schemas: readonly RedisOmSchemaLike[],
  options: CompileOptions = {},
): Promise<CompiledIndex[]> {
  const compiled: CompiledIndex[] = [];
  const owners = new Map<string, string>();
  for (const schema of schemas) {
    const index = await compileSchema(schema, options);
    const owner = owners.get(index.definition.indexName);
    if (owner !== undefined) {
      throw new IndexDefinitionError(
        `Models ${owner} and ${schema.schemaName} both define index ${index.definition.indexName}`,
        { hint: 'Give one of them its own indexName, or export the model only once.' },
      );
    }
    owners.set(index.definition.indexName, schema.schemaName);
    compiled.push(index);
  }
  return compiled;
}

/**
 * The smallest node-redis lookalike redis-om's `createIndex()` runs against: `get` answers null,
 * `unlink`/`set`/`ft.dropIndex` succeed, `ft.create` records the argv.
 */
function createRecordingConnection(calls: string[][], transform: FtCreateTransform): unknown {
  return {
    get: async () => null,
    set: async () => 'OK',
    unlink: async () => 0,
    ft: {
      dropIndex: async () => 'OK',
      create: async (index: string, schema: unknown, options: unknown) => {
        calls.push(transform(index, schema, options));
        return 'OK';
      },
    },
  };
}

function loadRedisOm(resolveFrom: string | undefined): { Repository: RepositoryCtor; transform: FtCreateTransform } {
  const paths = resolveFrom === undefined ? undefined : [resolveFrom];
  let redisOmPath: string;
  try {
    redisOmPath = require.resolve('redis-om', paths === undefined ? undefined : { paths });
  } catch (cause) {
    throw new IndexDefinitionError(`Cannot find redis-om${resolveFrom ? ` from ${resolveFrom}` : ''}`, {
      cause,
      hint: 'Install redis-om 0.4.7 in the project that holds the models.',
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const redisOm = require(redisOmPath) as { Repository?: RepositoryCtor };
  // The node-redis that redis-om itself depends on, so the argv is the one it would send.
  const redisPath = require.resolve('redis', { paths: [dirname(redisOmPath)] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const redis = require(redisPath) as { createClient?: () => unknown };
  // `createClient()` opens no socket until connect(); its public `options.modules.ft` holds the
  // RediSearch command table with each command's argument transform.
  const client = redis.createClient?.() as
    | { options?: { modules?: { ft?: { CREATE?: { transformArguments?: FtCreateTransform } } } } }
    | undefined;
  const transform = client?.options?.modules?.ft?.CREATE?.transformArguments;
  if (typeof redisOm.Repository !== 'function' || typeof transform !== 'function') {
    throw new IndexDefinitionError('This redis-om or node-redis does not look like redis-om 0.4.7 on node-redis 4', {
      hint: 'Install redis-om 0.4.7.',
    });
  }
  return { Repository: redisOm.Repository, transform };
}
