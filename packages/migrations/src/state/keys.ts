/** Names of the engine's own keys under one prefix. */
export function stateKeys(prefix: string) {
  return {
    /** The lock that lets one process at a time change migrations. */
    lock: `${prefix}lock`,
    /** HASH: data migration id → JSON {@link LedgerEntry}. */
    dataLedger: `${prefix}data:ledger`,
    /** HASH: schema migration id → JSON {@link LedgerEntry}. */
    schemaLedger: `${prefix}schema:ledger`,
    /**
     * HASH: scan name → JSON checkpoint of a batched scan-transform-write (cursor per master,
     * counters, last error): one field of constant size per interrupted scan.
     */
    dataProgress: `${prefix}data:progress`,
  } as const;
}

/**
 * The prefix to use on a Redis Cluster. Ledger writes are Lua scripts over the lock and the
 * ledger, so every engine key must hash to one slot: a prefix without a hash tag gets one
 * (`om:migrations:` → `{om:migrations}:`, so keys read `{om:migrations}:lock`).
 */
export function clusterSafePrefix(prefix: string): string {
  if (/\{[^}]+\}/.test(prefix)) return prefix;
  return prefix.endsWith(':') ? `{${prefix.slice(0, -1)}}:` : `{${prefix}}`;
}

export type StateKeys = ReturnType<typeof stateKeys>;

/** HASH: schema migration id → JSON ledger entry (under the prefix given). */
export function schemaLedgerKey(prefix: string): string {
  return stateKeys(prefix).schemaLedger;
}
