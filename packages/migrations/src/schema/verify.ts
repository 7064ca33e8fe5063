import { describeDefinitionDifferences, type DefinitionDifference, type IndexState } from './diff';
import { asReportedByFtInfo, type LiveIndex } from './ft-info';
import { liveLayoutOf, reportedHash } from './plan';

/** One index as `verify` found it. */
export interface VerifiedIndex {
  readonly indexName: string;
  /**
   * `ok`; `missing`: no index answers the name; `drift`: the live definition differs;
   * `hash-mismatch`: the definition is right but redis-om's stored hash is not, so the app's
   * `createIndex()` would drop and rebuild it.
   */
  readonly status: 'ok' | 'missing' | 'drift' | 'hash-mismatch';
  /** The real index answering the name (a versioned name behind an alias); null when missing. */
  readonly physicalName: string | null;
  readonly differences: readonly DefinitionDifference[];
}

/**
 * Compares what an applied snapshot expects with what the server reports: the FT.INFO of the
 * index name (null when unknown) and the value at redis-om's hash key. Pure. Definitions are
 * compared as FT.INFO can show them (PHONETIC never is).
 */
export function verifyIndex(expected: IndexState, info: LiveIndex | null, storedIndexHash: string | null): VerifiedIndex {
  const { indexName } = expected;
  if (info === null) return { indexName, status: 'missing', physicalName: null, differences: [] };
  const layout = liveLayoutOf(indexName, info, storedIndexHash);
  if (layout.reportedHash !== reportedHash(expected.definition, indexName)) {
    const differences = describeDefinitionDifferences(asReportedByFtInfo(expected.definition), { ...info.definition, indexName });
    const unsupported = info.unsupported.map((u) => ({ path: 'unsupported', expected: null, actual: u }));
    return { indexName, status: 'drift', physicalName: layout.physicalName, differences: [...differences, ...unsupported] };
  }
  if (storedIndexHash !== expected.indexHash) {
    return {
      indexName,
      status: 'hash-mismatch',
      physicalName: layout.physicalName,
      differences: [{ path: expected.indexHashName, expected: expected.indexHash, actual: storedIndexHash }],
    };
  }
  return { indexName, status: 'ok', physicalName: layout.physicalName, differences: [] };
}
