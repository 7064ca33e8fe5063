/**
 * Data migration: seed_users
 * Created: 2024-01-01 09:00:00 UTC
 */
import { defineMigration } from '@om/migrations';
import { userSchema } from '../../src/models';

const USERS = [
  { id: '1', name: 'Ada Lovelace', email: 'Ada@Example.COM', signedUpAt: new Date('2024-01-01T09:00:00Z') },
  { id: '2', name: 'Alan Turing', email: 'alan@example.com', signedUpAt: new Date('2024-01-02T10:30:00Z') },
  { id: '3', name: 'Grace Hopper', email: 'GRACE@EXAMPLE.COM', signedUpAt: new Date('2024-01-03T12:15:00Z') },
];

export default defineMigration({
  id: '20240101_090000_seed_users',
  description: 'Create the first three users',
  dependencies: [],

  async up(ctx) {
    const users = await ctx.repository(userSchema);
    for (const { id, ...user } of USERS) {
      // Idempotent: a user that already exists is left as it is.
      if ((await ctx.redis.exists(`user:${id}`)) === 0) await users.save(id, user);
    }
    ctx.logger.info(`seed_users: ${USERS.length} users present`);
  },

  async down(ctx) {
    const users = await ctx.repository(userSchema);
    await users.remove(USERS.map((u) => u.id));
  },
});
