import { CommanderError } from 'commander';
import { redactSecrets } from '../redact';
import { InterruptedError, OmError, describeCause } from '../errors';
import { permissionErrorOf } from '../redis/permission-error';
import { exitCodeOf } from './exit-codes';

/**
 * The one place where errors become what the user reads: a message and a hint for our own
 * errors, a short line (and the stack only with --verbose) for anything unexpected.
 * Returns the exit code (see exit-codes.ts).
 */
export function reportError(
  error: unknown,
  options: { verbose?: boolean; write?: (text: string) => void; /** URLs whose secrets must not be shown. */ redisUrls?: readonly (string | undefined)[]; /** The run's --key-prefix. */ keyPrefix?: string } = {},
): number {
  const urls = [...(options.redisUrls ?? []), process.env.REDIS_OM_URL];
  const out = options.write ?? ((text: string) => process.stderr.write(text));
  // Server replies, causes and stacks may quote a URL or a password: scrub all of it.
  const write = (text: string): void => out(redactSecrets(text, urls));
  if (error instanceof CommanderError) {
    // Commander has already printed its own message (unknown option, missing argument...).
    return exitCodeOf(error);
  }
  // A NOPERM from anywhere below (ledger, lock, a migration's own command) named in ACL terms.
  const refused = error instanceof OmError ? undefined : permissionErrorOf(error, urls.find(Boolean), options.keyPrefix);
  if (refused) error = refused;
  if (error instanceof InterruptedError) {
    // Not an error: what was asked for. Where it stopped, and how to go on.
    write(`${error.message} Nothing half done is recorded.${error.lockReleased ? ' The migration lock is released.' : ''}\n`);
    if (error.hint) write(`  ${error.hint}\n`);
    return exitCodeOf(error);
  }
  if (error instanceof OmError) {
    write(`error: ${error.message}\n`);
    if (error.hint) write(`  ${error.hint}\n`);
    const cause = error.cause;
    if (options.verbose && cause instanceof Error && cause.stack) write(`\n${cause.stack}\n`);
    return exitCodeOf(error);
  }
  write(`error: ${describeCause(error)}\n`);
  if (options.verbose && error instanceof Error && error.stack) write(`\n${error.stack}\n`);
  else write('  Run again with --verbose for details.\n');
  return exitCodeOf(error);
}
