/** The default prefix of every key the engine keeps its own state under. */
export const DEFAULT_KEY_PREFIX = 'om:migrations:';

/** Names of the engine's own keys under one prefix. */
export function stateKeys(prefix: string) {
  return {
    /** The lock that lets one process at a time change migrations. */
    lock: `${prefix}lock`,
    /** HASH: data migration id → JSON {@link LedgerEntry}. */
    dataLedger: `${prefix}data:ledger`,
    /**
     * HASH: scan name → JSON checkpoint of a batched scan-transform-write (cursor per master,
     * counters, last error): one field of constant size per interrupted scan.
     */
    dataProgress: `${prefix}data:progress`,
  } as const;
}

export type StateKeys = ReturnType<typeof stateKeys>;
