import type { Cluster } from "ioredis";
import { resolve } from "node:path";
import { DataMigrator } from "../../src/data/data-migrator";
import { connectRedis } from "../../src/redis/connect";
import { captureLogger } from "../batch/capture-logger";
import {
  startRedisCluster,
  type TestRedisCluster,
} from "../support/redis-cluster";

const MODELS = resolve(__dirname, "../datetime/fixtures/hash-models.ts");
const KEYS = 9000;
const PREFIX = "{om}:migrations:";
const createdAt = (i: number) => Date.UTC(2024, 0, 1) + i * 1000;

describe("a replica promoted during the datetime migration (3 masters, 1 replica each)", () => {
  let cluster: TestRedisCluster;
  let redis: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster(3, { replicas: 1 });
    redis = cluster.client();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it("follows the keys to the promoted replica, rescans that share, and converts every key", async () => {
    for (let start = 0; start < KEYS; start += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, j) =>
          redis.hset(
            `Event:${start + j}`,
            "title",
            `e${start + j}`,
            "createdAt",
            new Date(createdAt(start + j)).toISOString(),
          ),
        ),
      );
    }
    const engine = await connectRedis(cluster.url);
    const logger = captureLogger();
    const migrator = new DataMigrator({
      redis: engine,
      logger,
      models: MODELS,
      builtins: ["datetime"],
      keyPrefix: PREFIX,
      migrationsDir: __dirname, // Throttled, so that the failover (about a second) lands while the scan is still going.
      batch: { batchSize: 50, maxRate: 1500 },
    });
    const [failedOver] = cluster.masterPorts().sort((a, b) => a - b);
    let promoted: Promise<number> | undefined;
    // Once a third of the keys is done, every master is part-way (they are walked at once).
    migrator.on("progress", (p) => {
      if (!promoted && p.counters.keys >= KEYS / 3)
        promoted = cluster.failover(failedOver!);
    });
    try {
      const run = await migrator.run();
      expect(run.applied.map((a) => a.id)).toEqual([
        "001_datetime_fields_to_timestamps",
      ]);
      expect(promoted).toBeDefined();
      const replica = await promoted!;
      expect(cluster.masterPorts()).toContain(replica);
      expect(cluster.masterPorts()).not.toContain(failedOver);
      expect(logger.at("warn").join("\n")).toContain(
        `the keys of 127.0.0.1:${failedOver} are served by 127.0.0.1:${replica} now (a failover during the scan)`,
      );
    } finally {
      await migrator.close();
      engine.disconnect();
    }
    for (let start = 0; start < KEYS; start += 500) {
      const values = await Promise.all(
        Array.from({ length: 500 }, (_, j) =>
          redis.hget(`Event:${start + j}`, "createdAt"),
        ),
      );
      expect(
        values.filter((v, j) => v !== String(createdAt(start + j) / 1000)),
      ).toEqual([]);
    }
  }, 120_000);
});
