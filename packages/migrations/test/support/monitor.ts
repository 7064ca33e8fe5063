import Redis from 'ioredis';

/** One command as the server received it (`MONITOR`). */
export interface MonitoredCommand {
  /** The argv; the command name upper-cased (ioredis sends `get`, our engine `FT.INFO`). */
  readonly argv: readonly string[];
  /** `127.0.0.1:port` of the sending connection, or `lua` for a script's own calls. */
  readonly source: string;
}

/** A `MONITOR` connection that records what every other client sends, for a span of time. */
export interface CommandMonitor {
  /** Runs `fn` and returns its result with every command the server received meanwhile. */
  capture<T>(fn: () => Promise<T>): Promise<{ result: T; commands: MonitoredCommand[] }>;
  stop(): void;
}

let markers = 0;

/**
 * Starts `MONITOR` on its own connection. `capture` ends with a marker (`ECHO`) sent from another
 * connection once `fn` is done, and waits until the monitor has seen it, so no command sent
 * during `fn` is still in flight when the list is returned.
 */
export async function startMonitor(url: string): Promise<CommandMonitor> {
  const client = new Redis(url);
  const marker = new Redis(url);
  const monitor = await client.monitor();
  let sink: MonitoredCommand[] | undefined;
  const waiting = new Map<string, () => void>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const [name = '', ...rest] = args;
    if (name.toUpperCase() === 'ECHO' && waiting.has(rest[0] ?? '')) {
      waiting.get(rest[0]!)!();
      return;
    }
    sink?.push({ argv: [name.toUpperCase(), ...rest], source });
  });
  return {
    async capture(fn) {
      const commands: MonitoredCommand[] = [];
      sink = commands;
      try {
        const result = await fn();
        const token = `om-test-marker-${process.pid}-${++markers}`;
        const seen = new Promise<void>((resolve) => waiting.set(token, resolve));
        await marker.echo(token);
        await seen;
        waiting.delete(token);
        return { result, commands };
      } finally {
        sink = undefined;
      }
    },
    stop() {
      monitor.disconnect();
      client.disconnect();
      marker.disconnect();
    },
  };
}

/** Commands that only read: what a dry run may send. */
export const READ_ONLY_COMMANDS = new Set([
  'FT.INFO',
  'FT._LIST',
  'FT.SEARCH',
  'FT.AGGREGATE',
  'FT.EXPLAIN',
  'GET',
  'MGET',
  'HGET',
  'HGETALL',
  'HMGET',
  'JSON.GET',
  // The estimate of a dry run counts keys and reads renamed fields.
  'SCAN',
  'DBSIZE',
  'EXISTS',
  'PTTL',
  'TTL',
  'INFO',
  'PING',
  'CLIENT',
  'SELECT',
  'HELLO',
  'QUIT',
  'MODULE',
  'COMMAND',
]);

/** The commands of `commands` that are not read-only (names upper-case). */
export function writesAmong(commands: readonly MonitoredCommand[]): MonitoredCommand[] {
  return commands.filter((c) => !READ_ONLY_COMMANDS.has(c.argv[0]!));
}

/** One step of a printed plan: a command to send, or a wait on an index. */
export type PrintedStep = { readonly kind: 'command'; readonly argv: string[] } | { readonly kind: 'wait'; readonly indexName: string };

/**
 * The steps `om migrate run|rollback|auto` printed (`formatPlan`): lines `  <argv>    # why` and
 * `  (wait) FT.INFO <index> until indexing is 0    # why`. Arguments are as redis-cli takes
 * them: bare, or JSON-quoted.
 */
export function printedPlan(stdout: string): PrintedStep[] {
  const steps: PrintedStep[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('  ') || !line.includes('    # ')) continue;
    const text = line.slice(2, line.indexOf('    # '));
    const tokens = (text.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? []).map((t) => (t.startsWith('"') ? (JSON.parse(t) as string) : t));
    if (tokens[0] === '(wait)') steps.push({ kind: 'wait', indexName: tokens[2]! });
    else steps.push({ kind: 'command', argv: tokens });
  }
  return steps;
}

/** The commands of a printed plan, without the waits. */
export function printedCommands(stdout: string): string[][] {
  return printedPlan(stdout).flatMap((s) => (s.kind === 'command' ? [s.argv] : []));
}
