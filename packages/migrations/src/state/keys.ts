/**
 * Names of the engine's own keys. The lock sits under the key prefix, so one lock serialises
 * every run against one Redis; ledgers and checkpoints sit under the namespace, when there is
 * one (`om:migrations:api:data:ledger`), so projects sharing a Redis keep their own.
 */
export function stateKeys(prefix: string, namespace?: string) {
  const own = namespacePrefix(prefix, namespace);
  return {
    /** The lock that lets one process at a time change migrations. */
    lock: `${prefix}lock`,
    /** HASH: data migration id → JSON {@link LedgerEntry}. */
    dataLedger: `${own}data:ledger`,
    /** HASH: schema migration id → JSON {@link LedgerEntry}. */
    schemaLedger: `${own}schema:ledger`,
    /**
     * HASH: scan name → JSON checkpoint of a batched scan-transform-write (cursor per master,
     * counters, last error): one field of constant size per interrupted scan.
     */
    dataProgress: `${own}data:progress`,
  } as const;
}

/**
 * The prefix of one namespace's keys: `<prefix><namespace>:`, or the prefix itself without a
 * namespace (where every key lived before namespaces, so an old ledger is found there).
 */
export function namespacePrefix(prefix: string, namespace?: string): string {
  return namespace === undefined ? prefix : `${prefix}${namespace}:`;
}

/**
 * The prefix to use on a Redis Cluster. Ledger writes are Lua scripts over the lock and the
 * ledger, so every engine key must hash to one slot: a prefix without a hash tag gets one
 * (`om:migrations:` → `{om:migrations}:`, so keys read `{om:migrations}:lock`). A namespace comes
 * after the prefix, so it stays inside that slot (`{om:migrations}:api:data:ledger`).
 */
export function clusterSafePrefix(prefix: string): string {
  if (/\{[^}]+\}/.test(prefix)) return prefix;
  return prefix.endsWith(':') ? `{${prefix.slice(0, -1)}}:` : `{${prefix}}`;
}

export type StateKeys = ReturnType<typeof stateKeys>;

/** HASH: schema migration id → JSON ledger entry (under the prefix and namespace given). */
export function schemaLedgerKey(prefix: string, namespace?: string): string {
  return stateKeys(prefix, namespace).schemaLedger;
}
