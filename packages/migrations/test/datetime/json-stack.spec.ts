import Redis from 'ioredis';
import { resolve } from 'node:path';
import { scanTransform } from '../../src/batch';
import { checkDatetimeData } from '../../src/builtin/datetime/inspect';
import { loadModelSchemas } from '../../src/loading/models';
import { DataMigrator } from '../../src/data/data-migrator';
import { captureLogger } from '../batch/capture-logger';
import { appWriteNow } from '../support/app-write';
import { describeWithRedisStack } from '../support/redis-stack';

const MODELS = resolve(__dirname, 'fixtures/json-models.ts');
const ID = '001_datetime_fields_to_timestamps';
const PREFIX = 'om:migrations:test-json:';

describeWithRedisStack('datetime migration on RedisJSON documents', (stack) => {
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(stack.url);
  });
  afterAll(() => redis.disconnect());
  beforeEach(async () => {
    const keys = [...(await redis.keys('Order:*')), ...(await redis.keys(`${PREFIX}*`))];
    if (keys.length > 0) await redis.del(...keys);
  });

  const doc = async (key: string) => (JSON.parse((await redis.call('JSON.GET', key, '$')) as string) as unknown[])[0];

  async function seed(count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const order = {
        placedAt: i % 4 === 0 ? 1704164645.5 : i % 4 === 1 ? '2024-01-02' : '2024-01-02T03:04:05.678Z',
        shipping: { at: i % 2 === 0 ? '2024-01-03T00:00:00+01:00' : null, carrier: 'x' },
        total: i,
      };
      await redis.call('JSON.SET', `Order:${i}`, '$', JSON.stringify(order));
    }
  }

  it('converts top-level and nested-path dates to numbers of seconds, and rolls back to ISO strings', async () => {
    await seed(40);
    const migrator = new DataMigrator({ redis, models: MODELS, builtins: ['datetime'], keyPrefix: PREFIX, migrationsDir: __dirname /* no data-migrations/ here: the built-in only */ });
    try {
      await migrator.run();
      expect(await doc('Order:0')).toEqual({ placedAt: 1704164645.5, shipping: { at: 1704236400, carrier: 'x' }, total: 0 });
      expect(await doc('Order:1')).toEqual({ placedAt: 1704153600, shipping: { at: null, carrier: 'x' }, total: 1 });
      expect(await doc('Order:2')).toMatchObject({ placedAt: 1704164645.678 });
      const check = await checkDatetimeData(redis, { models: loadModelSchemas(MODELS).schemas, logger: captureLogger(), keyPrefix: PREFIX });
      expect(check.offenderCount).toBe(0);

      await migrator.rollback(ID);
      expect(await doc('Order:0')).toEqual({ placedAt: '2024-01-02T03:04:05.5Z', shipping: { at: '2024-01-02T23:00:00Z', carrier: 'x' }, total: 0 });
      expect(await doc('Order:1')).toMatchObject({ placedAt: '2024-01-02T00:00:00Z' });
    } finally {
      await migrator.close();
    }
  });

  it('lists JSON values redis-om cannot read (strings, milliseconds)', async () => {
    await redis.call('JSON.SET', 'Order:1', '$', JSON.stringify({ placedAt: '2024-01-02', shipping: { at: 1704164645678 } }));
    const check = await checkDatetimeData(redis, { models: loadModelSchemas(MODELS).schemas, logger: captureLogger(), keyPrefix: PREFIX });
    expect(check.offenderCount).toBe(2);
    expect(check.offenders.map((o) => o.field).sort()).toEqual(['$.shipping.at', '$["placedAt"]']);
  });

  it('does not clobber a JSON value the app changed between read and write', async () => {
    await redis.call('JSON.SET', 'Order:1', '$', JSON.stringify({ placedAt: '2024-01-02', shipping: { at: '2024-01-02' } }));
    const result = await scanTransform(
      redis,
      {
        name: 'json-cas',
        match: 'Order:*',
        type: 'json',
        paths: ['$["placedAt"]'],
        transform: (value) => {
          appWriteNow(stack.url, 'JSON.SET', 'Order:1', '$.placedAt', '1800000000');
          return typeof value === 'string' ? 1 : undefined;
        },
      },
      { logger: captureLogger(), keyPrefix: PREFIX },
    );
    expect(result.counters.conflicts).toBe(1);
    expect(await doc('Order:1')).toMatchObject({ placedAt: 1800000000 });
  });
});
