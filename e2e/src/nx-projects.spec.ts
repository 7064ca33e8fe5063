import { join } from 'node:path';
import { createNxWorkspace, sh, startRedis, transcript, type E2eRedis, type NxWorkspace } from './support';

/**
 * Several Nx projects on one Redis, in a workspace built from the packed packages: each keeps
 * its own ledger (its name is its namespace) while one lock serialises them, the datetime
 * built-in runs only where enabled, models and migrations import a library through a
 * tsconfig.base.json path alias (no tsconfig in the apps), and a workspace that relied on the
 * shared ledger of earlier versions finds it again with the documented keyPrefix step.
 */
const DATETIME = '001_datetime_fields_to_timestamps';
const API = '20250101_000000_api_seed';
const WORKER = '20250102_000000_worker_seed';
const LEGACY = '20250103_000000_legacy_seed';

/** A migration that imports the models library through its alias and records its calls. */
const migration = (id: string, name: string) => `import { customerSchema } from "@shop/models";

export default {
  id: "${id}",
  description: "records ${name}",
  async up(ctx: any) { await ctx.redis.rpush("calls", "up:${name}:" + customerSchema.schemaName); },
  async down(ctx: any) { await ctx.redis.rpush("calls", "down:${name}"); },
};
`;

describe('@om/nx: several projects on one Redis, in a real Nx 24 workspace', () => {
  const suiteStarted = Date.now();
  let workspace: NxWorkspace;
  let redis: E2eRedis;
  const nx = (...args: string[]) => workspace.nx(...args);
  const calls = () => redis.cli('lrange', 'calls', '0', '-1').split('\n').filter(Boolean);
  const ledger = (key: string) => redis.cli('hkeys', key).split('\n').filter(Boolean).sort();

  beforeAll(async () => {
    redis = await startRedis();
    workspace = createNxWorkspace({
      name: 'om-e2e-projects',
      dependencies: { 'redis-om': '^0.4.7' },
      nxJson: { plugins: ['@om/nx/plugin'] },
      files: {
        // The standard Nx layout: path aliases in tsconfig.base.json, no tsconfig in the apps.
        'tsconfig.base.json': { compilerOptions: { baseUrl: '.', paths: { '@shop/models': ['libs/models/src/index.ts'] } } },
        'libs/models/project.json': { name: 'models' },
        'libs/models/src/index.ts': `import { Schema } from "redis-om";

export const customerSchema = new Schema("customer", { email: { type: "string" }, createdAt: { type: "date" } }, { dataStructure: "HASH" });
`,
        'apps/api/project.json': { name: 'api', metadata: { om: { models: 'src/models.ts', builtins: ['datetime'] } } },
        'apps/api/src/models.ts': 'export { customerSchema } from "@shop/models";\n',
        [`apps/api/migrations/data-migrations/${API}.ts`]: migration(API, 'api'),
        'apps/worker/project.json': { name: 'worker', metadata: { om: { models: 'src/models.ts' } } },
        'apps/worker/src/models.ts': `import { Schema } from "redis-om";

export const orderSchema = new Schema("order", { placedAt: { type: "date" } }, { dataStructure: "HASH" });
`,
        [`apps/worker/migrations/data-migrations/${WORKER}.ts`]: migration(WORKER, 'worker'),
        'apps/legacy/project.json': { name: 'legacy' },
        [`apps/legacy/migrations/data-migrations/${LEGACY}.ts`]: migration(LEGACY, 'legacy'),
        'apps/lost/project.json': { name: 'lost', metadata: { om: { models: 'src/models.ts' } } },
        'apps/lost/src/models.ts': 'export { customerSchema } from "@shop/missing";\n',
        'apps/lost/migrations/data-migrations/.gitkeep': '',
      },
      env: { REDIS_OM_URL: redis.url },
    });
    redis.cli('hset', 'customer:1', 'email', 'a@example.com', 'createdAt', '2024-01-02T03:04:05Z');
    redis.cli('hset', 'order:1', 'placedAt', '2024-05-06');
  }, 300_000);

  afterAll(async () => {
    await redis?.stop();
    workspace?.remove();
    transcript.push(`e2e projects suite: ${((Date.now() - suiteStarted) / 1000).toFixed(1)}s`);
    process.stdout.write(`\n--- e2e transcript ---\n${transcript.join('\n')}\n`);
  });

  it('api applies its own migration and the datetime built-in it enables, through the path alias, in its own ledger', () => {
    const status = nx('run', 'api:migrate-data-status');
    expect(status.code).toBe(0);
    expect(status.output).toContain(`Pending migrations:\n  - ${DATETIME}\n  - ${API}`);

    const run = nx('run', 'api:migrate-data');
    expect(run.code).toBe(0);
    expect(redis.cli('hget', 'customer:1', 'createdAt')).toBe('1704164645');
    expect(redis.cli('hget', 'order:1', 'placedAt')).toBe('2024-05-06');
    expect(calls()).toEqual(['up:api:customer']);
    expect(ledger('om:migrations:api:data:ledger')).toEqual([DATETIME, API].sort());
    expect(redis.cli('exists', 'om:migrations:data:ledger')).toBe('0');
    expect(redis.cli('exists', 'om:migrations:lock')).toBe('0');
  });

  it("worker sees only its own migrations, and is told under Nx how to enable the built-in it has not", () => {
    const status = nx('run', 'worker:migrate-data-status');
    expect(status.code).toBe(0);
    expect(status.output).toContain(`Pending migrations:\n  - ${WORKER}`);
    expect(status.output).not.toContain(API);
    expect(status.output).not.toContain('MISSING');
    expect(status.output).toContain(
      `  - ${DATETIME}  (Convert date fields from ISO 8601 strings to epoch seconds (HASH: decimal text, JSON: number); ` +
        'to enable it, add "builtins": ["datetime"] to metadata.om of project worker (or pass --builtins=datetime))',
    );

    const dry = nx('run', 'worker:migrate-data', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.output).not.toContain('No pending data migrations');
    expect(dry.output).toContain(WORKER);
    expect(dry.output).not.toContain(DATETIME);

    const run = nx('run', 'worker:migrate-data');
    expect(run.code).toBe(0);
    // Declaring models enabled nothing: worker's dates are left as they were.
    expect(redis.cli('hget', 'order:1', 'placedAt')).toBe('2024-05-06');
    expect(ledger('om:migrations:worker:data:ledger')).toEqual([WORKER]);
  });

  it('each rolls back only its own migrations', () => {
    let result = nx('run', 'worker:migrate-data-rollback', '--steps=1');
    expect(result.code).toBe(0);
    expect(result.output).not.toContain(API);
    expect(calls()).toEqual(['up:api:customer', 'up:worker:customer', 'down:worker']);
    expect(ledger('om:migrations:api:data:ledger')).toEqual([DATETIME, API].sort());

    result = nx('run', 'api:migrate-data-rollback', '--steps=1');
    expect(result.code).toBe(0);
    expect(result.output).not.toContain(WORKER);
    expect(calls()).toEqual(['up:api:customer', 'up:worker:customer', 'down:worker', 'down:api']);
    expect(redis.cli('hget', 'customer:1', 'createdAt')).toBe('2024-01-02T03:04:05Z');
    expect(redis.cli('exists', 'om:migrations:api:data:ledger', 'om:migrations:worker:data:ledger')).toBe('0');
  });

  it('the built-in runs in worker once enabled there (--builtins)', () => {
    const result = nx('run', 'worker:migrate-data', '--builtins=datetime');
    expect(result.code).toBe(0);
    expect(redis.cli('hget', 'order:1', 'placedAt')).toBe(String(Date.parse('2024-05-06T00:00:00Z') / 1000));
    expect(redis.cli('hget', 'customer:1', 'createdAt')).toBe('2024-01-02T03:04:05Z');
    expect(ledger('om:migrations:worker:data:ledger')).toEqual([DATETIME, WORKER].sort());
  });

  it('a workspace that relied on the shared ledger finds it again with "keyPrefix": "om:migrations:"', () => {
    // What earlier versions did for every project: the default prefix, no namespace.
    const old = sh(
      join(workspace.root, 'node_modules/.bin/om'),
      ['migrate-data', 'run', '-y', '--migrations-dir', 'apps/legacy/migrations'],
      { cwd: workspace.root, env: workspace.env },
    );
    expect(old.code).toBe(0);
    expect(ledger('om:migrations:data:ledger')).toEqual([LEGACY]);
    expect(nx('run', 'legacy:migrate-data-status').output).toMatch(/Pending: 1/);

    workspace.write('apps/legacy/project.json', { name: 'legacy', metadata: { om: { keyPrefix: 'om:migrations:' } } });
    expect(nx('run', 'legacy:migrate-data-status').output).toContain(`Applied migrations:\n  - ${LEGACY}`);
    const run = nx('run', 'legacy:migrate-data');
    expect(run.code).toBe(0);
    expect(run.output).toContain('No pending data migrations.');
    expect(calls().filter((c) => c.startsWith('up:legacy'))).toEqual(['up:legacy:customer']);
  });

  it('an alias that resolves nowhere is named, with the tsconfig files consulted', () => {
    const result = nx('run', 'lost:migrate-data-status');
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      "Cannot find module '@shop/missing' imported by apps/lost/src/models.ts: no \"paths\" entry matches it (tsconfig files consulted: tsconfig.base.json).",
    );
    expect(result.output).toContain("Add '@shop/missing' to \"paths\" in tsconfig.base.json");
    expect(result.output).not.toContain('Pass --models');
  });
});
