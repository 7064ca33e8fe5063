import { resolve, relative } from 'node:path';
import type { Schema } from 'redis-om';
import { ConfigError, MigrationLoadError, describeCause } from '../../errors';
import { ensureTypeScriptLoader } from '../../data/ts-loader';

/** What the datetime migration needs of a redis-om `Schema` (duck-typed: the user's copy of redis-om may not be ours). */
export interface ModelSchema {
  readonly schemaName: string;
  readonly dataStructure: 'HASH' | 'JSON';
  readonly fields: readonly { readonly name: string; readonly type: string; readonly hashField: string; readonly jsonPath: string }[];
}

/** True for a redis-om 0.4 `Schema`. */
export function isModelSchema(value: unknown): value is ModelSchema {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<ModelSchema>;
  return typeof v.schemaName === 'string' && (v.dataStructure === 'HASH' || v.dataStructure === 'JSON') && Array.isArray(v.fields);
}

/**
 * Every redis-om `Schema` a module exports (named exports, the default export, and the values
 * of an exported object), in export order, without duplicates. The module is a .ts or .js file
 * (TypeScript is loaded as migrations are, without a build) or a package name.
 */
export function loadModels(specifier: string, cwd: string = process.cwd()): ModelSchema[] {
  const looksLikePath = specifier.startsWith('.') || specifier.startsWith('/') || /\.[cm]?[jt]s$/.test(specifier);
  const file = looksLikePath ? resolve(cwd, specifier) : specifier;
  const shown = looksLikePath ? relative(cwd, file) || file : specifier;
  ensureTypeScriptLoader(looksLikePath ? resolve(file, '..') : cwd);
  let exported: unknown;
  try {
    const resolved = require.resolve(file, { paths: [cwd] });
    exported = require(resolved);
  } catch (cause) {
    throw new MigrationLoadError(shown, `Cannot load the models module ${shown}: ${describeCause(cause).split('\n')[0]}`, {
      cause,
      hint: 'Pass --models the path of a module that exports your redis-om Schemas (e.g. --models src/models.ts).',
    });
  }
  const found: ModelSchema[] = [];
  const consider = (value: unknown, depth: number) => {
    if (isModelSchema(value)) {
      if (!found.includes(value)) found.push(value);
    } else if (depth < 2 && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const inner of Object.values(value as Record<string, unknown>)) consider(inner, depth + 1);
    }
  };
  consider(exported, 0);
  if (found.length === 0) {
    throw new ConfigError(`The models module ${shown} exports no redis-om Schema.`, {
      hint: 'Export each Schema, e.g. `export const personSchema = new Schema("Person", {...})`.',
    });
  }
  return found;
}

/** Keeps the redis-om type at hand for callers that have real Schemas. */
export type RedisOmSchema = Schema;
