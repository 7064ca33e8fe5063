import type Redis from 'ioredis';

/**
 * Which server process answers on a connection: its `run_id` (`INFO server`), a random id each
 * start of redis-server draws, so a restart, an AOF or RDB reload into a new process, or a
 * failover to another process all change it. A SCAN cursor is only meaningful to the process
 * that handed it out (a restarted server hashes its keys with a new seed), so scans keep the
 * run_id with each cursor and check it whenever the connection may have reached another
 * process.
 *
 * One instance per connection ({@link ServerIdentity.of}), shared by every scan on it.
 */
export class ServerIdentity {
  private static readonly byClient = new WeakMap<Redis, ServerIdentity>();

  /** The identity watch of `client`, created (and subscribed to its events) on first use. */
  static of(client: Redis): ServerIdentity {
    let identity = ServerIdentity.byClient.get(client);
    if (!identity) {
      identity = new ServerIdentity(client);
      ServerIdentity.byClient.set(client, identity);
    }
    return identity;
  }

  private closes = 0;
  private lookup?: { readonly closes: number; readonly runId: Promise<string | undefined> };

  private constructor(private readonly client: Redis) {
    // Counted on 'close', the first sign of a lost connection: any reply after it may come
    // from another process, so a scan rechecks the run_id before it trusts a cursor again.
    client.on('close', () => {
      this.closes += 1;
    });
    // Asked at once on every reconnect, so the answer is usually there when a scan needs it.
    client.on('ready', () => {
      if (this.closes > 0) void this.runId().catch(() => undefined);
    });
  }

  /**
   * Counts a close now: a command failed on a lost connection, and the 'close' event that
   * follows may not have been seen yet. The next {@link runId} asks the server again.
   */
  suspect(): void {
    this.closes += 1;
  }

  /**
   * How many times the connection has closed so far. Unchanged since a run_id was read means
   * every reply in between came from that same process.
   */
  get epoch(): number {
    return this.closes;
  }

  /**
   * The run_id of the server answering now, read once per {@link epoch}; undefined when the
   * server does not tell it (an ACL that refuses INFO), which callers treat as "may have
   * changed".
   */
  runId(): Promise<string | undefined> {
    if (this.lookup?.closes !== this.closes) {
      const runId = this.client.info('server').then(
        (info) => /^run_id:(\S+)/m.exec(info)?.[1],
        (error: unknown) => {
          if (/NOPERM/.test(String((error as { message?: unknown })?.message))) return undefined;
          throw error;
        },
      );
      // A failed lookup is not cached: the next call asks again.
      runId.catch(() => {
        if (this.lookup?.runId === runId) this.lookup = undefined;
      });
      this.lookup = { closes: this.closes, runId };
    }
    return this.lookup.runId;
  }
}

/** A run_id cut for messages: the first 8 of its 40 hex digits tell two processes apart. */
export function shortRunId(runId: string | undefined): string {
  return runId === undefined ? 'unknown' : runId.slice(0, 8);
}
