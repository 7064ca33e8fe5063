import { relative, resolve } from 'node:path';
import { ConfigError, MigrationLoadError, describeCause } from '../errors';
import { ensureTypeScriptLoader } from '../data/ts-loader';
import type { RedisOmSchemaLike } from './compile';

/** True for a redis-om 0.4 `Schema` (duck-typed: the project's copy of redis-om may not be ours). */
export function isRedisOmSchema(value: unknown): value is RedisOmSchemaLike {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<RedisOmSchemaLike> & { fields?: unknown };
  return (
    typeof v.schemaName === 'string' &&
    typeof v.indexName === 'string' &&
    typeof v.indexHashName === 'string' &&
    (v.dataStructure === 'HASH' || v.dataStructure === 'JSON') &&
    Array.isArray(v.fields)
  );
}

/** The models of a project: every Schema its models entry exports, and where they came from. */
export interface LoadedModels {
  readonly schemas: readonly RedisOmSchemaLike[];
  /** Absolute path of the models entry (or the package name given). */
  readonly file: string;
  /** The directory to resolve the project's redis-om from. */
  readonly resolveFrom: string;
}

/**
 * Loads a project's models entry (a .ts or .js file, loaded without a build, or a package name)
 * at run time and collects every exported redis-om Schema: named exports, the default export,
 * and the values of exported objects one level down, in export order, each once. A load error
 * names the file and the cause.
 */
export function loadModelSchemas(specifier: string, cwd: string = process.cwd()): LoadedModels {
  const looksLikePath = specifier.startsWith('.') || specifier.startsWith('/') || /\.[cm]?[jt]sx?$/.test(specifier);
  const file = looksLikePath ? resolve(cwd, specifier) : specifier;
  const shown = looksLikePath ? relative(cwd, file) || file : specifier;
  const fromDir = looksLikePath ? resolve(file, '..') : cwd;
  ensureTypeScriptLoader(fromDir);
  let exported: unknown;
  try {
    const resolved = require.resolve(file, { paths: [cwd] });
    // A second load in the same process (tests, watch mode) must see the file as it is now.
    delete require.cache[resolved];
    exported = require(resolved);
  } catch (cause) {
    const notFound = (cause as { code?: string }).code === 'MODULE_NOT_FOUND' && describeCause(cause).includes(`'${file}'`);
    throw new MigrationLoadError(
      shown,
      notFound
        ? `Cannot find the models entry ${shown}.`
        : `Cannot load the models entry ${shown}: ${describeCause(cause).split('\n')[0]}`,
      { cause, hint: 'Pass --models the module that exports your redis-om Schemas, e.g. --models src/models.ts.' },
    );
  }
  const schemas: RedisOmSchemaLike[] = [];
  const consider = (value: unknown, depth: number) => {
    if (isRedisOmSchema(value)) {
      if (!schemas.includes(value)) schemas.push(value);
    } else if (depth < 2 && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const inner of Object.values(value as Record<string, unknown>)) consider(inner, depth + 1);
    }
  };
  consider(exported, 0);
  if (schemas.length === 0) {
    throw new ConfigError(`The models entry ${shown} exports no redis-om Schema.`, {
      hint: 'Export each Schema, e.g. `export const personSchema = new Schema("person", {...})`.',
    });
  }
  return { schemas, file, resolveFrom: fromDir };
}
