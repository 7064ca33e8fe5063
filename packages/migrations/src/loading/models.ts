import { relative, resolve } from 'node:path';
import { ConfigError, MigrationLoadError, describeCause } from '../errors';
import { looksLikePath, requireFresh } from './require-fresh';
import { describeUnresolvedImport, unresolvedImportOf } from './path-aliases';
import { ensureTypeScriptLoader } from './typescript';

/** One field of a redis-om 0.4 `Schema`, as the engine reads it. */
export interface ModelField {
  readonly name: string;
  readonly type: string;
  /** Where a HASH stores the field. */
  readonly hashField: string;
  /** Where a JSON document stores the field. */
  readonly jsonPath: string;
}

/**
 * What the engine reads of a redis-om 0.4 `Schema`. Duck-typed: the project's copy of redis-om
 * may not be the engine's, so `instanceof` cannot tell.
 */
export interface ModelSchema {
  readonly schemaName: string;
  readonly indexName: string;
  readonly indexHashName: string;
  readonly indexHash: string;
  readonly dataStructure: 'HASH' | 'JSON';
  readonly fields: readonly ModelField[];
}

/** True for a redis-om 0.4 `Schema`. */
export function isModelSchema(value: unknown): value is ModelSchema {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<ModelSchema>;
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
  readonly schemas: readonly ModelSchema[];
  /** Absolute path of the models entry (or the package name given). */
  readonly file: string;
  /** The directory to resolve the project's redis-om from. */
  readonly resolveFrom: string;
}

/**
 * Loads a project's models entry (`--models`: a .ts, .tsx or .js file, loaded without a build,
 * or a package name) afresh and collects every exported redis-om Schema: named exports, the
 * default export, and the values of exported objects one level down, in export order, each
 * once. Schema and data migrations both load models here, so `--models` means one thing.
 */
export function loadModelSchemas(specifier: string, cwd: string = process.cwd()): LoadedModels {
  const isPath = looksLikePath(specifier);
  const file = isPath ? resolve(cwd, specifier) : specifier;
  const shown = isPath ? relative(cwd, file) || file : specifier;
  const fromDir = isPath ? resolve(file, '..') : cwd;
  ensureTypeScriptLoader(fromDir);
  let exported: unknown;
  try {
    exported = requireFresh(file, cwd);
  } catch (cause) {
    const notFound = (cause as { code?: string }).code === 'MODULE_NOT_FOUND' && describeCause(cause).includes(`'${file}'`);
    if (notFound) {
      throw new MigrationLoadError(shown, `Cannot find the models entry ${shown}.`, {
        cause,
        hint: 'Pass --models the module that exports your redis-om Schemas, e.g. --models src/models.ts.',
      });
    }
    // An import of the entry (or of a library it imports) that does not resolve: name it, and
    // where its path mapping was looked for; --models itself was found.
    const unresolved = unresolvedImportOf(cause);
    const described = unresolved && describeUnresolvedImport(unresolved, cwd);
    throw new MigrationLoadError(
      shown,
      `Cannot load the models entry ${shown}: ${described ? described.message : describeCause(cause).split('\n')[0]}`,
      { cause, hint: described ? described.hint : `Fix ${shown} (or what it imports) and run the command again.` },
    );
  }
  const schemas: ModelSchema[] = [];
  const consider = (value: unknown, depth: number) => {
    if (isModelSchema(value)) {
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
