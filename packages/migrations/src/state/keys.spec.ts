import { clusterSafePrefix, namespacePrefix, stateKeys } from './keys';

describe('stateKeys', () => {
  it('keeps everything under the key prefix without a namespace, where the keys lived before namespaces', () => {
    expect(stateKeys('om:migrations:')).toEqual({
      lock: 'om:migrations:lock',
      dataLedger: 'om:migrations:data:ledger',
      schemaLedger: 'om:migrations:schema:ledger',
      dataProgress: 'om:migrations:data:progress',
    });
  });

  it("puts a namespace's ledgers and progress under it, and keeps one lock for the key prefix", () => {
    const api = stateKeys('om:migrations:', 'api');
    const worker = stateKeys('om:migrations:', 'worker');
    expect(api).toEqual({
      lock: 'om:migrations:lock',
      dataLedger: 'om:migrations:api:data:ledger',
      schemaLedger: 'om:migrations:api:schema:ledger',
      dataProgress: 'om:migrations:api:data:progress',
    });
    expect(worker.lock).toBe(api.lock);
    expect(worker.dataLedger).not.toBe(api.dataLedger);
  });

  it('keeps a namespace inside the hash tag of a cluster-safe prefix, so the lock and every ledger share a slot', () => {
    const keys = stateKeys(clusterSafePrefix('om:migrations:'), '@shop/api');
    expect(keys.lock).toBe('{om:migrations}:lock');
    expect(keys.dataLedger).toBe('{om:migrations}:@shop/api:data:ledger');
    const tag = (key: string) => /\{([^}]+)\}/.exec(key)?.[1];
    expect(new Set(Object.values(keys).map(tag))).toEqual(new Set(['om:migrations']));
  });
});

describe('namespacePrefix', () => {
  it('adds the namespace and a colon, or nothing', () => {
    expect(namespacePrefix('om:migrations:', 'api')).toBe('om:migrations:api:');
    expect(namespacePrefix('om:migrations:')).toBe('om:migrations:');
  });
});
