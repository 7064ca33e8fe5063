import Redis from 'ioredis';
import { resolveSettings } from '../../src/config/settings';
import { LockLostError } from '../../src/errors';
import { EngineState, type LedgerKind } from '../../src/state/engine-state';
import { captureLogger } from '../batch/capture-logger';
import { useRedisServer } from '../support/redis-server';

/** The one lock-and-run path of both migrators, against a real server. */
describe('EngineState.run', () => {
  const live = useRedisServer();
  const engine = (kind: LedgerKind, redis?: Redis) =>
    new EngineState(resolveSettings({ redisUrl: live.server.url, lockTimeoutMs: 0 }), kind, captureLogger(), redis);

  it('records in one batch, in order after what the ledger holds, and releases the lock', async () => {
    const state = engine('data');
    try {
      await state.run('run', {}, async (run) => {
        expect(run.batch).toBe(1);
        await run.record({ id: 'a', checksum: 'x', durationMs: 1 });
        await run.record({ id: 'b', checksum: 'x', durationMs: 1 });
      });
      const second = await state.run('stamp', {}, (run) => run.record({ id: 'c', checksum: 'x', durationMs: 0 }));
      expect(second).toMatchObject({ id: 'c', batch: 2, order: 2 });
      expect(await live.redis.exists('om:migrations:lock')).toBe(0);
    } finally {
      await state.close();
    }
  });

  it('takes no lock and refuses ledger writes in a dry run', async () => {
    const state = engine('data');
    try {
      await state.run('run', { dryRun: true }, async (run) => {
        expect(await live.redis.exists('om:migrations:lock')).toBe(0);
        await expect(run.record({ id: 'a', checksum: 'x', durationMs: 1 })).rejects.toThrow('A dry run tried to change the ledger.');
      });
    } finally {
      await state.close();
    }
  });

  it('keeps the error of the run when releasing the lock fails too', async () => {
    const redis = new Redis(live.server.url);
    const logger = captureLogger();
    const state = new EngineState(resolveSettings({ redisUrl: live.server.url }), 'schema', logger, redis);
    const failure = new Error('the migration failed');
    await expect(
      state.run('run', {}, async () => {
        // The connection goes away: the release in `finally` fails as well.
        redis.disconnect();
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(logger.at('warn').join('\n')).toMatch(/Could not release the migration lock .*it expires by itself within 30s/);
  });

  it.each([
    ['data', 'om migrate-data'],
    ['schema', 'om migrate'],
  ] as const)('a %s run that lost the lock names %s in its hint', async (kind, command) => {
    const state = engine(kind);
    try {
      const error = await state
        .run('run', {}, async (run) => {
          await live.redis.del('om:migrations:lock');
          await run.record({ id: 'a', checksum: 'x', durationMs: 1 });
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockLostError);
      expect((error as LockLostError).hint).toContain(`Check \`${command} status\``);
      const holder = await state.run('run', {}, async () => JSON.parse((await live.redis.get('om:migrations:lock'))!) as { command: string });
      expect(holder.command).toBe(`${command} run`);
    } finally {
      await state.close();
    }
  });
});
