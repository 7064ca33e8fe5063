import Redis from 'ioredis';
import { BatchStoppedError, CheckpointStore, scanTransform, type Checkpoint, type HashScanTransform } from '../../src/batch';
import { appWriteNow } from '../support/app-write';
import { startMonitor } from '../support/monitor';
import { startRedisServer, type TestRedisServer } from '../support/redis-server';
import { captureLogger } from './capture-logger';

const PREFIX = 'om:migrations:';

/** Upper-cases values; throws on values starting with "bad"; leaves upper-case values alone. */
function upper(value: string): string | undefined {
  if (value.startsWith('bad')) throw new Error('bad value');
  return value === value.toUpperCase() ? undefined : value.toUpperCase();
}

describe('scanTransform on a real redis-server', () => {
  let server: TestRedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });
  beforeEach(async () => {
    await redis.flushall();
  });

  async function seed(count: number, value: (i: number) => string, prefix = 'Item'): Promise<void> {
    const pipeline = redis.pipeline();
    for (let i = 0; i < count; i += 1) pipeline.hset(`${prefix}:${i}`, 'a', value(i), 'other', `o${i}`);
    await pipeline.exec();
  }

  function spec(overrides: Partial<HashScanTransform> = {}): HashScanTransform {
    return { name: 'upper', match: 'Item:*', type: 'hash', fields: ['a', 'b'], transform: upper, ...overrides };
  }

  it('transforms the fields of every matching HASH, leaves the rest, and a rerun changes nothing', async () => {
    await seed(250, (i) => (i % 5 === 0 ? 'DONE' : `v${i}`));
    await redis.set('Item:string', 'not a hash');
    await redis.hset('Other:1', 'a', 'lower');
    const logger = captureLogger();
    const result = await scanTransform(redis, spec({ batchSize: 50 }), { logger, keyPrefix: PREFIX });
    expect(result.counters).toMatchObject({ keys: 250, keysChanged: 200, converted: 200, unchanged: 50, missing: 250, failed: 0 });
    expect(await redis.hget('Item:1', 'a')).toBe('V1');
    expect(await redis.hget('Item:1', 'other')).toBe('o1');
    expect(await redis.get('Item:string')).toBe('not a hash');
    expect(await redis.hget('Other:1', 'a')).toBe('lower');
    expect(await redis.exists('Item:1')).toBe(1);
    expect(await redis.hexists('Item:1', 'b')).toBe(0);
    expect(await new CheckpointStore(redis, PREFIX).get('upper')).toBeUndefined();

    const again = await scanTransform(redis, spec({ batchSize: 50 }), { logger, keyPrefix: PREFIX });
    expect(again.counters).toMatchObject({ keys: 250, converted: 0, unchanged: 250 });
  });

  it('loads its script again when the server forgets it mid-scan (SCRIPT FLUSH, a restart)', async () => {
    await seed(200, (i) => `v${i}`);
    let flushes = 0;
    const onBatch = () => {
      flushes += 1;
      void redis.script('FLUSH');
    };
    const result = await scanTransform(redis, spec({ batchSize: 20, onBatch }), { logger: captureLogger(), keyPrefix: PREFIX });
    expect(flushes).toBeGreaterThan(3);
    expect(result.counters).toMatchObject({ keys: 200, converted: 200, conflicts: 0 });
    expect(await redis.hget('Item:199', 'a')).toBe('V199');
  });

  it('--batch-size: sets SCAN COUNT, so smaller batches mean more of them', async () => {
    await seed(400, (i) => `v${i}`);
    const small: number[] = [];
    const large: number[] = [];
    await scanTransform(redis, spec({ batchSize: 20, dryRun: true, onBatch: (p) => small.push(p.counters.batches) }), { logger: captureLogger(), keyPrefix: PREFIX });
    await scanTransform(redis, spec({ batchSize: 400, dryRun: true, onBatch: (p) => large.push(p.counters.batches) }), { logger: captureLogger(), keyPrefix: PREFIX });
    expect(small.length).toBeGreaterThanOrEqual(15);
    expect(large.length).toBeLessThanOrEqual(3);
  });

  describe('failure modes', () => {
    beforeEach(async () => {
      await seed(30, (i) => (i % 10 === 3 ? `bad${i}` : `v${i}`));
    });

    it('fail (the default): stops at the first failure, writes nothing of that batch, names key, field and value once, in its error', async () => {
      const logger = captureLogger();
      const error = await scanTransform(redis, spec({ batchSize: 1000 }), { logger, keyPrefix: PREFIX }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BatchStoppedError);
      expect((error as Error).message).toMatch(/Item:\d+ field a = "bad\d+": bad value/);
      // The error says it; a log line as well would print it twice.
      expect(logger.lines).toEqual([]);
      expect(await redis.hget('Item:0', 'a')).toBe('v0');
      const checkpoint = await new CheckpointStore(redis, PREFIX).get('upper');
      expect(checkpoint?.lastError).toMatchObject({ field: 'a', reason: 'bad value' });
      expect(checkpoint?.nodes[0]?.cursor).toBe('0');
    });

    it('skip: leaves failures as they are, logged at debug level only', async () => {
      const logger = captureLogger();
      const result = await scanTransform(redis, spec({ failureMode: 'skip' }), { logger, keyPrefix: PREFIX });
      expect(result.counters).toMatchObject({ converted: 27, failed: 3, defaulted: 0 });
      expect(await redis.hget('Item:3', 'a')).toBe('bad3');
      expect(await redis.hget('Item:4', 'a')).toBe('V4');
      expect(logger.at('warn')).toEqual([]);
      expect(logger.at('debug').filter((l) => /cannot convert "bad\d+"/.test(l))).toHaveLength(3);
    });

    it('log_and_skip: leaves failures and warns with key, field and value', async () => {
      const logger = captureLogger();
      const result = await scanTransform(redis, spec({ failureMode: 'log_and_skip' }), { logger, keyPrefix: PREFIX });
      expect(result.counters).toMatchObject({ converted: 27, failed: 3 });
      expect(await redis.hget('Item:13', 'a')).toBe('bad13');
      expect(logger.at('warn').sort()).toEqual(
        ['Item:13', 'Item:23', 'Item:3'].map((k) => `upper: ${k} field a: cannot convert "bad${k.slice(5)}": bad value; left as it is`),
      );
    });

    it('default: writes the default value instead, and warns', async () => {
      const logger = captureLogger();
      const result = await scanTransform(redis, spec({ failureMode: 'default', defaultValue: 'DEFAULT' }), { logger, keyPrefix: PREFIX });
      expect(result.counters).toMatchObject({ converted: 27, failed: 3, defaulted: 3 });
      expect(await redis.hget('Item:23', 'a')).toBe('DEFAULT');
      expect(logger.at('warn')).toHaveLength(3);
      expect(logger.at('warn')[0]).toMatch(/wrote the default DEFAULT/);
    });

    it('--max-errors: tolerates that many failures and stops at the next', async () => {
      const tolerated = await scanTransform(redis, spec({ failureMode: 'log_and_skip', maxErrors: 3 }), { logger: captureLogger(), keyPrefix: PREFIX });
      expect(tolerated.counters.failed).toBe(3);
      await redis.flushall();
      await seed(30, (i) => (i % 10 === 3 ? `bad${i}` : `v${i}`));
      const error = await scanTransform(redis, spec({ failureMode: 'log_and_skip', maxErrors: 2 }), { logger: captureLogger(), keyPrefix: PREFIX }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BatchStoppedError);
      expect((error as Error).message).toMatch(/more than 2 failures/);
      // The failing batch (all 30 keys) was not written.
      expect(await redis.hget('Item:4', 'a')).toBe('v4');
    });
  });

  it('never clobbers a value an app changed between the read and the write', async () => {
    await seed(10, (i) => `v${i}`);
    let once = true;
    const result = await scanTransform(
      redis,
      spec({
        transform: (value, at) => {
          if (once && at.key === 'Item:5') {
            once = false;
            // The app writes while the batch is in flight (after our read, before our write).
            appWriteNow(server.url, 'HSET', 'Item:5', 'a', 'APP WROTE THIS');
          }
          return upper(value);
        },
      }),
      { logger: captureLogger(), keyPrefix: PREFIX },
    );
    expect(await redis.hget('Item:5', 'a')).toBe('APP WROTE THIS');
    expect(result.counters).toMatchObject({ converted: 9, conflicts: 1 });
    // A key deleted meanwhile is not recreated.
  });

  it('sends one write per batch, which saves the checkpoint too; a conflict is counted in the saved checkpoint', async () => {
    await seed(120, (i) => `v${i}`);
    const monitor = await startMonitor(server.url);
    const saved: Checkpoint[] = [];
    const store = new CheckpointStore(redis, PREFIX);
    try {
      let once = true;
      const { commands } = await monitor.capture(() =>
        scanTransform(
          redis,
          spec({
            batchSize: 40,
            keepCheckpoint: true,
            transform: (value, at) => {
              if (once && at.key === 'Item:7') {
                once = false;
                appWriteNow(server.url, 'HSET', 'Item:7', 'a', 'APP WROTE THIS');
              }
              return upper(value);
            },
            onBatch: () => void store.get('upper').then((c) => c && saved.push(c)),
          }),
          { logger: captureLogger(), keyPrefix: PREFIX },
        ),
      );
      const sent = commands.filter((c) => c.source !== 'lua').map((c) => c.argv[0]);
      const batches = sent.filter((name) => name === 'SCAN').length;
      const scripts = sent.filter((name) => name === 'EVALSHA').length;
      const saves = commands.filter((c) => c.source !== 'lua' && c.argv[0] === 'HSET' && c.argv[1] === `${PREFIX}data:progress`).length;
      // One write a batch: the batch script, which saves the checkpoint, or (a batch with
      // nothing to write, such as SCAN's last, empty page) the checkpoint alone. Two saves more:
      // the batch that met a conflict (its counters are counted after) and the kept end state.
      expect(scripts).toBeGreaterThanOrEqual(3);
      expect(scripts + saves).toBe(batches + 2);
      const final = await store.get('upper');
      expect(final?.counters).toMatchObject({ keys: 120, converted: 119, conflicts: 1 });
      expect(saved.at(-1)?.counters).toMatchObject({ converted: 119, conflicts: 1 });
    } finally {
      monitor.stop();
    }
  });

  it('does not recreate a key deleted between the read and the write', async () => {
    await seed(3, (i) => `v${i}`);
    const result = await scanTransform(
      redis,
      spec({
        transform: (value, at) => {
          if (at.key === 'Item:1') appWriteNow(server.url, 'DEL', 'Item:1');
          return upper(value);
        },
      }),
      { logger: captureLogger(), keyPrefix: PREFIX },
    );
    expect(await redis.exists('Item:1')).toBe(0);
    expect(result.counters.conflicts).toBe(1);
  });

  it('dry run: reports what it would do and writes nothing, not even a checkpoint', async () => {
    await seed(20, (i) => `v${i}`);
    const result = await scanTransform(redis, spec({ dryRun: true, batchSize: 5 }), { logger: captureLogger(), keyPrefix: PREFIX });
    expect(result.counters.converted).toBe(20);
    expect(await redis.hget('Item:1', 'a')).toBe('v1');
    expect(await redis.exists(`${PREFIX}data:progress`)).toBe(0);
  });

  it('saves a constant-size checkpoint every batch and resumes from it', async () => {
    await seed(3000, (i) => `v${i}`);
    const store = new CheckpointStore(redis, PREFIX);
    const sizes: number[] = [];
    const stop = new Error('simulated crash');
    const crashed = await scanTransform(
      redis,
      spec({
        batchSize: 100,
        onBatch: (p) => {
          sizes.push(p.counters.batches);
          if (p.counters.batches === 10) throw stop;
        },
      }),
      { logger: captureLogger(), keyPrefix: PREFIX },
    ).catch((e: unknown) => e);
    expect(crashed).toBe(stop);
    const saved = await store.get('upper');
    expect(saved?.counters.batches).toBe(10);
    expect(saved?.nodes[0]?.cursor).not.toBe('0');
    const size = (await redis.hget(`${PREFIX}data:progress`, 'upper'))!.length;
    expect(size).toBeLessThan(700);

    const logger = captureLogger();
    const checkpointSizes: number[] = [];
    const result = await scanTransform(
      redis,
      spec({
        batchSize: 100,
        onBatch: () => {
          void redis.hstrlen(`${PREFIX}data:progress`, 'upper').then((n) => checkpointSizes.push(n));
        },
      }),
      { logger, keyPrefix: PREFIX },
    );
    expect(result.resumed).toBe(true);
    expect(logger.at('info').join()).toMatch(/resuming from the checkpoint/);
    expect(result.counters.keys).toBeGreaterThanOrEqual(3000);
    expect(result.counters.converted).toBe(3000);
    expect(result.counters.batches).toBeGreaterThan(10);
    await redis.ping();
    expect(Math.max(...checkpointSizes) - Math.min(...checkpointSizes)).toBeLessThan(40);
    for (let i = 0; i < 3000; i += 1) expect(await redis.hget(`Item:${i}`, 'a')).toBe(`V${i}`);
    expect(await store.get('upper')).toBeUndefined();
  });

  it('resume: false starts over; keepCheckpoint marks the scan done so a rerun skips it', async () => {
    await seed(50, (i) => `v${i}`);
    const env = { logger: captureLogger(), keyPrefix: PREFIX };
    const first = await scanTransform(redis, spec({ keepCheckpoint: true }), env);
    expect(first.alreadyDone).toBe(false);
    expect((await new CheckpointStore(redis, PREFIX).get('upper'))?.done).toBe(true);
    const second = await scanTransform(redis, spec({ keepCheckpoint: true }), env);
    expect(second.alreadyDone).toBe(true);
    const third = await scanTransform(redis, spec({ resume: false }), env);
    expect(third).toMatchObject({ alreadyDone: false, resumed: false });
    expect(third.counters.unchanged).toBe(50);
  });

  it('maxRate: a throttled scan still converts every key, and an abort does not wait for the throttle', async () => {
    await seed(300, (i) => `v${i}`);
    const env = { logger: captureLogger(), keyPrefix: PREFIX };
    const result = await scanTransform(redis, spec({ batchSize: 50, maxRate: 20_000 }), env);
    expect(result.counters).toMatchObject({ keys: 300, converted: 300, failed: 0 });
    for (let i = 0; i < 300; i += 1) expect(await redis.hget(`Item:${i}`, 'a')).toBe(`V${i}`);
    expect(await new CheckpointStore(redis, PREFIX).get('upper')).toBeUndefined();

    // At 1 key/s the second batch would wait 50 s: Ctrl-C stops at the boundary instead.
    await redis.flushall();
    await seed(300, (i) => `v${i}`);
    const abort = new AbortController();
    const slow = scanTransform(redis, spec({ batchSize: 50, maxRate: 1, onBatch: () => abort.abort('SIGINT') }), { ...env, signal: abort.signal });
    await expect(slow).rejects.toThrow(/SIGINT/);
    const saved = await new CheckpointStore(redis, PREFIX).get('upper');
    expect(saved?.counters.batches).toBeGreaterThanOrEqual(1);
    const converted = (await Promise.all(Array.from({ length: 300 }, (_, i) => redis.hget(`Item:${i}`, 'a')))).filter((v) => v?.startsWith('V'));
    expect(converted.length).toBe(saved!.counters.converted);
    // The rest converts on the next, unthrottled run.
    const rest = await scanTransform(redis, spec({ batchSize: 50 }), env);
    expect(rest.resumed).toBe(true);
    for (let i = 0; i < 300; i += 1) expect(await redis.hget(`Item:${i}`, 'a')).toBe(`V${i}`);
  });

  describe('maxRate: a batch written in slices', () => {
    /** Keys named in EVALSHA calls (`EVALSHA sha numkeys key…`), in the order the server ran them. */
    const scriptKeys = (argv: readonly string[]) => argv.slice(3, 3 + Number(argv[2]));

    it('writes a batch as several script calls of at most 50 keys, then saves its checkpoint once, after the writes', async () => {
      await seed(900, (i) => `v${i}`);
      const monitor = await startMonitor(server.url);
      try {
        const { result, commands } = await monitor.capture(() =>
          scanTransform(redis, spec({ batchSize: 300, maxRate: 1_000_000 }), { logger: captureLogger(), keyPrefix: PREFIX }),
        );
        expect(result.counters).toMatchObject({ keys: 900, converted: 900, conflicts: 0, failed: 0 });
        for (let i = 0; i < 900; i += 1) expect(await redis.hget(`Item:${i}`, 'a')).toBe(`V${i}`);

        const progress = `${PREFIX}data:progress`;
        const sent = commands.filter((c) => c.source !== 'lua');
        const scans = sent.filter((c) => c.argv[0] === 'SCAN').length;
        const scripts = sent.filter((c) => c.argv[0] === 'EVALSHA');
        // A batch of 50 keys or fewer (SCAN's last page may be one) is one call that saves the
        // checkpoint too, as unthrottled: its last key is the checkpoint's.
        const batchKeys = (argv: readonly string[]) => scriptKeys(argv).filter((k) => k !== progress);
        const written = scripts.flatMap((c) => batchKeys(c.argv));
        expect(new Set(written).size).toBe(900);
        expect(Math.max(...scripts.map((c) => batchKeys(c.argv).length))).toBeLessThanOrEqual(50);
        // Several calls a batch: 900 keys in 50-key calls.
        expect(scripts.length).toBeGreaterThanOrEqual(18);
        expect(scans).toBeLessThan(scripts.length);

        // One save a batch (SCAN's last, empty page included), each after the writes it counts.
        const saves = commands.filter((c) => c.argv[0] === 'HSET' && c.argv[1] === progress);
        expect(saves.length).toBe(scans);
        let keysWritten = 0;
        for (const c of commands) {
          if (c.argv[0] === 'EVALSHA') keysWritten += batchKeys(c.argv).length;
          if (c.argv[0] !== 'HSET' || c.argv[1] !== progress) continue;
          const saved = JSON.parse(c.argv[3]!) as Checkpoint;
          expect(keysWritten).toBeGreaterThanOrEqual(saved.counters.keys);
        }
      } finally {
        monitor.stop();
      }
    });

    it('a slice that fails leaves the checkpoint at the batch before; a rerun converts the rest', async () => {
      await seed(900, (i) => `v${i}`);
      // The pages the scan will see: the victim is in the second slice of the second batch.
      const [afterFirst, first] = await redis.scan('0', 'MATCH', 'Item:*', 'COUNT', 300, 'TYPE', 'hash');
      const [, second] = await redis.scan(afterFirst, 'MATCH', 'Item:*', 'COUNT', 300, 'TYPE', 'hash');
      expect(second.length).toBeGreaterThan(100);
      const victim = second[75]!;
      const env = { logger: captureLogger(), keyPrefix: PREFIX };
      const failed = scanTransform(
        redis,
        spec({
          batchSize: 300,
          maxRate: 1_000_000,
          transform: (value, at) => {
            if (at.key === victim) {
              // Read as a HASH, then turned into a string before its slice runs: WRONGTYPE.
              appWriteNow(server.url, 'DEL', victim);
              appWriteNow(server.url, 'SET', victim, 'now a string');
            }
            return upper(value);
          },
        }),
        env,
      );
      await expect(failed).rejects.toThrow(/writing keys 51 to 100 of a batch of \d+ failed: WRONGTYPE/);
      const saved = await new CheckpointStore(redis, PREFIX).get('upper');
      expect(saved?.counters).toMatchObject({ batches: 1, keys: first.length, converted: first.length });
      expect(saved?.nodes[0]?.cursor).toBe(afterFirst);

      const rest = await scanTransform(redis, spec({ batchSize: 300, maxRate: 1_000_000 }), env);
      expect(rest.resumed).toBe(true);
      for (let i = 0; i < 900; i += 1) {
        const key = `Item:${i}`;
        if (key === victim) expect(await redis.get(key)).toBe('now a string');
        else expect(await redis.hget(key, 'a')).toBe(`V${i}`);
      }
      expect(await new CheckpointStore(redis, PREFIX).get('upper')).toBeUndefined();
    });
  });

  it('rejects bad options before touching Redis', async () => {
    const env = { logger: captureLogger(), keyPrefix: PREFIX };
    await expect(scanTransform(redis, spec({ batchSize: 0 }), env)).rejects.toThrow(/batchSize/);
    await expect(scanTransform(redis, spec({ maxRate: 0 }), env)).rejects.toThrow(/maxRate/);
    await expect(scanTransform(redis, spec({ fields: [] }), env)).rejects.toThrow(/fields must list/);
    await expect(scanTransform(redis, spec({ failureMode: 'default' }), env)).rejects.toThrow(/defaultValue/);
    await expect(scanTransform(redis, { ...spec(), type: 'json', paths: ['a'] } as never, env)).rejects.toThrow(/JSONPaths/);
  });
});
