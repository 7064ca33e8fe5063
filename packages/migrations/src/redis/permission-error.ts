import { DEFAULT_KEY_PREFIX } from '../config/defaults';
import { RedisPermissionError } from '../errors';

/** What ioredis attaches to a reply error: the command the server refused. */
interface RefusedCommand {
  readonly name: string;
  readonly args: readonly unknown[];
}

/** The ACL user a URL logs in as (`default` when it names none). */
export function aclUserOf(url: string | undefined): string {
  if (!url) return 'default';
  try {
    const parsed = new URL(url);
    return decodeURIComponent(parsed.username) || parsed.searchParams.get('username') || 'default';
  } catch {
    return 'default';
  }
}

/** The key a refused command named: the first key of EVAL/EVALSHA/FCALL, else its first argument. */
function keyOf(command: RefusedCommand): string | undefined {
  const name = command.name.toLowerCase();
  const index = ['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro'].includes(name) ? 2 : 0;
  const key = command.args[index];
  return typeof key === 'string' ? key : Buffer.isBuffer(key) ? key.toString() : undefined;
}

/**
 * The key pattern an ACL rule grants for `key`: the engine's whole prefix for one of its own keys
 * (`~om:migrations:*` for `om:migrations:data:ledger`, hash-tagged on a cluster), else the key
 * up to its last `:`.
 */
function patternFor(key: string, enginePrefix: string): string {
  const tagged = `{${enginePrefix.replace(/:$/, '')}}:`;
  for (const prefix of [enginePrefix, tagged]) if (key.startsWith(prefix)) return `~${prefix}*`;
  const cut = key.lastIndexOf(':');
  return `~${cut === -1 ? key : key.slice(0, cut + 1)}*`;
}

/**
 * Turns a server's `NOPERM` reply into a {@link RedisPermissionError} that names the command
 * or key refused and the ACL rule that would allow it; anything else comes back undefined.
 * Redis 7.0 words it "this user has no permissions to run the 'ping' command", 7.2 and later
 * "User bob has no permissions to ...": both are matched.
 */
export function permissionErrorOf(error: unknown, url?: string, enginePrefix: string = DEFAULT_KEY_PREFIX): RedisPermissionError | undefined {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  if (!/^NOPERM\b/.test(message)) return undefined;
  const user = aclUserOf(url);
  const command = (error as { command?: RefusedCommand }).command;
  const refusedCommand = /run the '([^']+)' command/.exec(message)?.[1] ?? command?.name;
  const detail = message.replace(/^NOPERM\s*/, '');
  if (/access one of the keys|access the '[^']*' key|no permissions to access/i.test(message) && command) {
    const key = keyOf(command);
    const rule = key === undefined ? '~<key pattern>' : patternFor(key, enginePrefix);
    return new RedisPermissionError(
      `Redis user ${user} may not access ${key ?? 'a key'} (${command.name.toUpperCase()} was refused: ${detail}).`,
      {
        cause: error,
        hint: `Grant it the keys: ACL SETUSER ${user} ${rule} (the engine keeps its ledger, lock and progress under --key-prefix), or use another --key-prefix the user may access.`,
      },
    );
  }
  const shown = (refusedCommand ?? 'a command').toUpperCase();
  return new RedisPermissionError(`Redis user ${user} may not run ${shown} (${detail}).`, {
    cause: error,
    hint: `Allow it: ACL SETUSER ${user} +${(refusedCommand ?? '<command>').toLowerCase()} (the engine needs PING, INFO, SCAN, EVAL/EVALSHA and the read and write commands of your data).`,
  });
}
