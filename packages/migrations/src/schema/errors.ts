import { OmError } from '../errors';

/**
 * A redis-om Schema could not be compiled into an index definition, or an FT.CREATE argv or
 * FT.INFO reply could not be read as one. Names the index and what was unexpected.
 */
export class IndexDefinitionError extends OmError {}

/** A schema-migration snapshot file is missing, unreadable or not valid. Names the file. */
export class SnapshotError extends OmError {
  constructor(
    readonly file: string,
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** The server has no RediSearch module, so no index can be read or created. */
export class SearchModuleMissingError extends OmError {}

/** RediSearch refuses to create indexes from a database other than 0. */
export class SearchDatabaseError extends OmError {}

/** A schema-migration plan cannot be made from the given state (e.g. an index name clash). */
export class SchemaPlanError extends OmError {}

/**
 * A new index was still indexing when the wait ran out. It is left to finish on the server, so
 * that the next run finds it by its versioned name and waits again instead of rebuilding it.
 */
export class IndexingTimeoutError extends SchemaPlanError {}
