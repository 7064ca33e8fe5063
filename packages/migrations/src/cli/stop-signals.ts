import { constants } from 'node:os';

/**
 * Runs `fn` with a signal that Ctrl-C (SIGINT) and SIGTERM abort. The run then stops at its next
 * safe point (a batch boundary with the checkpoint saved, or between migrations), gives the lock
 * back, and the CLI exits 130 or 143 (see report-error.ts). Without this, Node dies on the spot
 * and the lock blocks every other runner for its whole lease. A second signal while stopping
 * exits at once: whoever sends it prefers a quick exit to a clean one.
 */
export async function withStopSignals<T>(fn: (signal: AbortSignal) => Promise<T>, options: { lockLeaseMs: number }): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      process.stderr.write(
        `\nReceived ${signal}: stopping at the next batch boundary (or once the running migration returns), saving the checkpoint ` +
          `and releasing the lock. ${signal === 'SIGINT' ? 'Press Ctrl-C' : `Send ${signal}`} again to exit at once.\n`,
      );
      controller.abort(signal);
      return;
    }
    process.stderr.write(
      `Received ${signal} again: exiting now. The migration lock stays until its lease expires (within ${Math.ceil(options.lockLeaseMs / 1000)}s); ` +
        'the checkpoint holds the last batch written. To resume, run the same command again.\n',
    );
    process.exit(128 + constants.signals[signal]);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
