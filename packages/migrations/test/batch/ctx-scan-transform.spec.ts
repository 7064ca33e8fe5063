import Redis from 'ioredis';
import { makeProject, runOm } from '../support/cli';
import { startRedisServer, type TestRedisServer } from '../support/redis-server';

const DIR = 'migrations/data-migrations';

/** A user's migration that lowercases emails through ctx.scanTransform, failing on "BAD" values. */
const LOWERCASE = `export default {
  id: '20240301_120000_lowercase_emails',
  supportsDryRun: true,
  async up(ctx: any) {
    const result = await ctx.scanTransform({
      name: '20240301_120000_lowercase_emails',
      match: 'User:*',
      type: 'hash',
      fields: ['email'],
      batchSize: 1000,
      transform: (email: string) => {
        if (email.startsWith('BAD')) throw new Error('not an email');
        return email === email.toLowerCase() ? undefined : email.toLowerCase();
      },
      defaultValue: 'unknown@example.com',
    });
    ctx.logger.info('lowercased ' + result.counters.converted + ' in ' + result.counters.batches + ' batches');
  },
};
`;

describe('ctx.scanTransform in a user migration, driven by run options', () => {
  let server: TestRedisServer;
  let redis: Redis;
  let project: ReturnType<typeof makeProject>;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
    project = makeProject({ [`${DIR}/20240301_120000_lowercase_emails.ts`]: LOWERCASE });
  });
  afterAll(async () => {
    project.remove();
    redis.disconnect();
    await server.stop();
  });
  beforeEach(async () => {
    await redis.flushall();
    const pipeline = redis.pipeline();
    for (let i = 0; i < 300; i += 1) pipeline.hset(`User:${i}`, 'email', i === 42 ? 'BAD' : `Person${i}@Example.COM`);
    await pipeline.exec();
  });

  const om = (...args: string[]) => runOm(['migrate-data', 'run', '-y', ...args], { cwd: project.dir, env: { REDIS_OM_URL: server.url } });

  it('stops on the first failure by default, with the key, field and value', async () => {
    const run = await om();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('User:42 field email = "BAD": not an email');
  });

  it('--failure-mode default, --batch-size: the run options override the migration', async () => {
    const run = await om('--failure-mode', 'default', '--batch-size', '25');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/lowercased 299 in (1[2-9]|[2-9]\d) batches/);
    expect(await redis.hget('User:42', 'email')).toBe('unknown@example.com');
    expect(await redis.hget('User:7', 'email')).toBe('person7@example.com');
  });

  it('--max-errors 0 stops at the first failure even in log_and_skip', async () => {
    const run = await om('--failure-mode', 'log_and_skip', '--max-errors', '0');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/more than 0 failures/);
  });
});
