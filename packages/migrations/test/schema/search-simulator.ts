/**
 * A tiny in-memory model of RediSearch's index and alias name resolution, written from the
 * replies recorded in test/fixtures/redisearch{,-2.10}/errors.json (alias-handling.spec.ts checks it
 * against those of RediSearch 2.6 and 2.10). It answers only what the plans rely on: which index a name resolves to, and
 * the errors of FT.CREATE / FT.ALIASADD / FT.ALIASUPDATE / FT.ALIASDEL / FT.DROPINDEX / FT.INFO.
 */
export class SearchSimulator {
  /** Real indexes: name → number of documents (enough to tell indexes apart in FT.SEARCH). */
  readonly indexes = new Map<string, number>();
  /** Aliases: alias → real index. */
  readonly aliases = new Map<string, string>();
  readonly strings = new Map<string, string>();

  /**
   * `ftInfoMissing`: FT.INFO's text for an unknown name, the one thing the recordings show
   * changing: `Unknown Index name` on RediSearch 2.6, `Unknown index name` on 2.10.
   */
  constructor(private readonly options: { ftInfoMissing?: string } = {}) {}

  /** Which real index a name answers from: a real index wins over an alias of the same name. */
  resolve(name: string): string | undefined {
    if (this.indexes.has(name)) return name;
    return this.aliases.get(name);
  }

  /** Sends one command; returns the reply or throws an Error with the server's message. */
  send(argv: readonly string[], docs = 0): unknown {
    const [cmd, a, b] = argv;
    switch (cmd.toUpperCase()) {
      case 'FT.CREATE':
        // errors.json: "Index already exists" for a real index; a same-named alias does not stop it.
        if (this.indexes.has(a)) throw new Error('Index already exists');
        this.indexes.set(a, docs);
        return 'OK';
      case 'FT.ALIASADD':
        if (this.aliases.has(a)) throw new Error('Alias already exists');
        // The target must be a real index, never an alias.
        if (!this.indexes.has(b)) throw new Error('Unknown index name (or name is an alias itself)');
        this.aliases.set(a, b);
        return 'OK';
      case 'FT.ALIASUPDATE':
        if (!this.indexes.has(b)) throw new Error('Unknown index name (or name is an alias itself)');
        this.aliases.set(a, b); // creates the alias when missing
        return 'OK';
      case 'FT.ALIASDEL': {
        if (this.indexes.has(a)) throw new Error('Alias does not belong to provided spec');
        if (!this.aliases.delete(a)) throw new Error('Alias does not exist');
        return 'OK';
      }
      case 'FT.DROPINDEX': {
        const real = this.resolve(a);
        if (real === undefined) throw new Error('Unknown Index name');
        this.indexes.delete(real);
        // Dropping an index removes every alias that points at it.
        for (const [alias, target] of [...this.aliases]) if (target === real) this.aliases.delete(alias);
        return 'OK';
      }
      case 'FT.INFO': {
        const real = this.resolve(a);
        if (real === undefined) throw new Error(this.options.ftInfoMissing ?? 'Unknown Index name');
        return { index_name: real };
      }
      case 'FT.SEARCH': {
        const real = this.resolve(a);
        if (real === undefined) throw new Error(`${a}: no such index`);
        return [this.indexes.get(real)];
      }
      case 'FT._LIST':
        return [...this.indexes.keys()];
      case 'FLUSHALL':
        // errors.json: FLUSHALL drops every index and alias with the data.
        this.indexes.clear();
        this.aliases.clear();
        this.strings.clear();
        return 'OK';
      case 'SET':
        this.strings.set(a, b);
        return 'OK';
      case 'DEL':
        return this.strings.delete(a) ? 1 : 0;
      default:
        throw new Error(`simulator: ${cmd} is not modelled`);
    }
  }
}
