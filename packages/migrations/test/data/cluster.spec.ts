import type { Cluster } from 'ioredis';
import { makeProject, recordingMigration, runOm } from '../support/cli';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster';

const DIR = 'migrations/data-migrations';

describe('om migrate-data on a 3-master Redis Cluster', () => {
  let cluster: TestRedisCluster;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    client = cluster.client();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('finds the cluster from one node URL, keeps its ledger and lock in one slot, runs and rolls back', async () => {
    const project = makeProject({
      // Keys on every master: the migration touches keys whose slots differ.
      [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a', {
        up: "for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) await ctx.redis.set('user:' + k, '1');",
      }),
      [`${DIR}/20200102_000000_b.ts`]: recordingMigration('20200102_000000_b', { deps: ['20200101_000000_a'] }),
    });
    const om = (args: string[]) => runOm(args, { cwd: project.dir, env: { REDIS_OM_URL: cluster.url } });
    try {
      const run = await om(['migrate-data', 'run', '-y']);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('Applied 2 migrations (batch 1).');
      expect(await client.hkeys('{om:migrations}:data:ledger')).toEqual(expect.arrayContaining(['20200101_000000_a', '20200102_000000_b']));
      expect(await client.exists('{om:migrations}:lock')).toBe(0);
      expect(await client.lrange('calls', 0, -1)).toEqual(['up:20200101_000000_a', 'up:20200102_000000_b']);

      const status = JSON.parse((await om(['migrate-data', 'status', '--json'])).stdout);
      expect(status.appliedMigrations).toEqual(['20200101_000000_a', '20200102_000000_b']);

      expect((await om(['migrate-data', 'rollback', '--steps', '1', '-y'])).code).toBe(0);
      expect(await client.hlen('{om:migrations}:data:ledger')).toBe(0);

      // A redis-om Repository on the cluster, through ctx.repository.
      project.write('src/models.ts', "import { Schema } from 'redis-om';\nexport const user = new Schema('user', { name: { type: 'string' } }, { dataStructure: 'HASH' });\n");
      project.write(`${DIR}/20200103_000000_repo.ts`, `import { defineMigration } from '@om/migrations';
import { user } from '../../src/models';
export default defineMigration({ id: '20200103_000000_repo', async up(ctx) {
  const users = await ctx.repository(user);
  for (const id of ['1', '2', '3', '4']) await users.save(id, { name: 'n' + id });
} });
`);
      expect((await om(['migrate-data', 'run', '-y'])).stderr).toBe('');
      expect(await client.hget('user:4', 'name')).toBe('n4');

      // A namespace stays in the slot of the lock: the ledger's Lua script takes both keys.
      const namespaced = await om(['migrate-data', 'run', '-y', '--namespace', 'worker']);
      expect(namespaced.stderr).toBe('');
      expect(await client.hkeys('{om:migrations}:worker:data:ledger')).toEqual(expect.arrayContaining(['20200101_000000_a', '20200103_000000_repo']));
      expect((await om(['migrate-data', 'rollback', '20200102_000000_b', '-y', '--namespace', 'worker'])).code).toBe(0);
      expect((await client.hkeys('{om:migrations}:worker:data:ledger')).sort()).toEqual(['20200101_000000_a', '20200103_000000_repo']);
      expect(await client.hlen('{om:migrations}:data:ledger')).toBe(3);

      const db = await runOm(['migrate-data', 'status'], { cwd: project.dir, env: { REDIS_OM_URL: `${cluster.url}/2` } });
      expect(db.code).toBe(1);
      expect(db.stderr).toContain('is a Redis Cluster node, and a cluster has only database 0.');
    } finally {
      project.remove();
    }
  }, 60_000);
});
