import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The recorded RediSearch replies (see test/fixtures/redisearch/README.md). */
export const FIXTURES_ROOT = join(__dirname, '..', 'fixtures');

/** One folder of recordings: the replies of one RediSearch / RedisJSON version, same layout. */
export interface FixtureSet {
  /** For test titles: `RediSearch 2.6`. */
  readonly name: string;
  readonly dir: string;
  /** The `server` label of entries recorded on the module server. */
  readonly moduleServer: string;
  /** The `server` label of entries recorded on the server without modules. */
  readonly plainServer: string;
}

export const FIXTURE_SETS: readonly FixtureSet[] = [
  { name: 'RediSearch 2.6', dir: join(FIXTURES_ROOT, 'redisearch'), moduleServer: 'redisearch-2.6.37', plainServer: 'plain-redis-7.0.15' },
  { name: 'RediSearch 2.10', dir: join(FIXTURES_ROOT, 'redisearch-2.10'), moduleServer: 'redisearch-2.10.5', plainServer: 'plain-redis-7.4.1' },
];

/** The 2.6 recordings, which alone hold `redis-om/` and which the test doubles are modelled on. */
export const FIXTURES_2_6 = FIXTURE_SETS[0];

/** For `describe.each`: `[name, set]` rows. */
export function eachFixtureSet(): [string, FixtureSet][] {
  return FIXTURE_SETS.map((set) => [set.name, set]);
}

/** One file of `indexes/`: a redis-om schema case and the server's replies for it. */
export interface IndexFixture {
  case: string;
  dataStructure: 'HASH' | 'JSON';
  schemaName: string;
  definition: Record<string, Record<string, unknown>>;
  options: Record<string, unknown>;
  redisOm: { indexName: string; indexHashName: string; indexHash: string; consoleWarnings: { createIndex: string[] } };
  ftCreate: string[];
  createIndexCommands: string[][];
  alias: { name: string; ftAliasAddReply: string };
  ftInfo: unknown[];
  ftInfoViaAlias: unknown[];
}

/** One entry of `errors.json`. */
export interface ErrorFixture {
  description: string;
  command: string[];
  server: string;
  isError: boolean;
  reply: unknown;
  precedingCommands?: string[][];
}

/** Reads a file of a fixture set (the 2.6 one by default). */
export function readFixture<T>(...path: string[]): T {
  return readFixtureOf<T>(FIXTURES_2_6, ...path);
}

export function readFixtureOf<T>(set: FixtureSet, ...path: string[]): T {
  return JSON.parse(readFileSync(join(set.dir, ...path), 'utf8')) as T;
}

export function indexFixtures(set: FixtureSet = FIXTURES_2_6): IndexFixture[] {
  return readdirSync(join(set.dir, 'indexes'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readFixtureOf<IndexFixture>(set, 'indexes', f));
}

export function errorFixtures(set: FixtureSet = FIXTURES_2_6): ErrorFixture[] {
  return readFixtureOf<ErrorFixture[]>(set, 'errors.json');
}
