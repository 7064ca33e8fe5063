/**
 * Data migration: normalize_emails
 * Created: 2024-01-02 09:00:00 UTC
 */
import { defineMigration, type MigrationContext } from '@om/migrations';

/** Where up() keeps the original address, so that down() can restore it exactly. */
const BACKUP_FIELD = 'emailBeforeNormalize';

/** Every user key, a page at a time: SCAN keeps memory flat however many users there are. */
async function* userKeys(ctx: MigrationContext): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', 'user:*', 'COUNT', 500, 'TYPE', 'hash');
    cursor = next;
    yield keys;
  } while (cursor !== '0');
}

export default defineMigration({
  id: '20240102_090000_normalize_emails',
  description: 'Lowercase every user email',
  dependencies: ['20240101_090000_seed_users'],
  supportsDryRun: true,

  async up(ctx) {
    let changed = 0;
    for await (const keys of userKeys(ctx)) {
      for (const key of keys) {
        const email = await ctx.redis.hget(key, 'email');
        if (email === null || email === email.toLowerCase()) continue;
        changed += 1;
        if (ctx.dryRun) continue;
        await ctx.redis.hset(key, { email: email.toLowerCase(), [BACKUP_FIELD]: email });
      }
    }
    ctx.logger.info(`normalize_emails: ${changed} email(s) ${ctx.dryRun ? 'would be' : 'were'} lowercased`);
  },

  async down(ctx) {
    for await (const keys of userKeys(ctx)) {
      for (const key of keys) {
        const original = await ctx.redis.hget(key, BACKUP_FIELD);
        if (original === null) continue;
        await ctx.redis.hset(key, 'email', original);
        await ctx.redis.hdel(key, BACKUP_FIELD);
      }
    }
  },

  async canRun(ctx) {
    const seeded = (await ctx.redis.exists('user:1')) === 1;
    return { ok: seeded, reason: 'no users yet: run seed_users first' };
  },
});
