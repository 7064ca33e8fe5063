import type Redis from 'ioredis';
import { parseFtCreateArgs } from '../../src/schema/ft-create-args';
import { SearchSimulator } from './search-simulator';

/**
 * The FT.INFO reply (RESP2, as ioredis returns it) a RediSearch 2.6 server gives for an index
 * created with `ftCreate`, following what the recorded replies show (fake-search-redis.spec.ts
 * checks it against every fixture): WEIGHT always, SEPARATOR always for TAG ("," on HASH, ""
 * on JSON by default), no PHONETIC, JSON sortable TEXT/NUMERIC as SORTABLE UNF.
 */
export function fakeFtInfoReply(name: string, ftCreate: readonly string[], status: { indexing?: boolean; failures?: number; docs?: number } = {}): unknown[] {
  const def = parseFtCreateArgs(ftCreate);
  const attributes = def.fields.map((f) => {
    const a: string[] = ['identifier', f.identifier, 'attribute', f.attribute, 'type', f.type];
    if (f.type === 'TEXT') a.push('WEIGHT', String(f.weight));
    if (f.type === 'TAG') a.push('SEPARATOR', f.separator ?? '');
    if (f.caseSensitive) a.push('CASESENSITIVE');
    if (f.sortable) a.push('SORTABLE');
    if (f.sortable && (f.unf || (def.on === 'JSON' && f.type === 'NUMERIC'))) a.push('UNF');
    if (f.nostem) a.push('NOSTEM');
    if (f.noindex) a.push('NOINDEX');
    return a;
  });
  const reply: unknown[] = [
    'index_name', name,
    'index_options', [],
    'index_definition', ['key_type', def.on, 'prefixes', def.prefixes, 'default_score', '1'],
    'attributes', attributes,
    'num_docs', String(status.docs ?? 0),
    'hash_indexing_failures', String(status.failures ?? 0),
    'indexing', status.indexing ? '1' : '0',
    'percent_indexed', status.indexing ? '0.5' : '1',
    'number_of_uses', 1,
  ];
  if (def.stopwords !== null) reply.push('stopwords_list', [...def.stopwords]);
  return reply;
}

/**
 * An ioredis client whose FT.* commands are answered by a {@link SearchSimulator} (name and alias
 * resolution as recorded from RediSearch 2.6) while every other command (ledger, lock, SET of
 * redis-om's hash) goes to a real Redis. Lets the SchemaMigrator's I/O run without the module.
 */
export class FakeSearchRedis {
  readonly sim = new SearchSimulator();
  /** FT.CREATE argv of each real index. */
  readonly created = new Map<string, string[]>();
  /** Indexing failures to report for an index, by name pattern. */
  failuresFor: (name: string) => number = () => 0;
  /** Every FT.* command sent, in order. */
  readonly sent: string[][] = [];

  constructor(private readonly real: Redis) {}

  /** The client to hand to the migrator. */
  client(): Redis {
    return new Proxy(this.real, {
      get: (target, prop, receiver) => {
        if (prop === 'call') return (cmd: string, ...args: string[]) => this.call([cmd, ...args.map(String)]);
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  async call(argv: string[]): Promise<unknown> {
    if (!/^FT\./i.test(argv[0])) return this.real.call(argv[0], ...argv.slice(1));
    this.sent.push(argv);
    const reply = this.sim.send(argv);
    const cmd = argv[0].toUpperCase();
    if (cmd === 'FT.CREATE') this.created.set(argv[1], argv);
    if (cmd === 'FT.DROPINDEX') for (const name of [...this.created.keys()]) if (!this.sim.indexes.has(name)) this.created.delete(name);
    if (cmd === 'FT.INFO') {
      const real = (reply as { index_name: string }).index_name;
      return fakeFtInfoReply(real, this.created.get(real)!, { failures: this.failuresFor(real) });
    }
    return reply;
  }
}
