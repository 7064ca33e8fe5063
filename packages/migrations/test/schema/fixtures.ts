import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The recorded RediSearch replies (see test/fixtures/redisearch/README.md). */
export const FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'redisearch');

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

export function readFixture<T>(...path: string[]): T {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, ...path), 'utf8')) as T;
}

export function indexFixtures(): IndexFixture[] {
  return readdirSync(join(FIXTURES_DIR, 'indexes'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readFixture<IndexFixture>('indexes', f));
}

export function errorFixtures(): ErrorFixture[] {
  return readFixture<ErrorFixture[]>('errors.json');
}
