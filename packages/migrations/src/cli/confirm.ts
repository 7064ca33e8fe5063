import { AbortedError, ConfirmationRequiredError } from '../errors';

/**
 * Asks a yes/no question on the terminal. `yes` skips it. Without a terminal (CI, pipes) it
 * never waits for input: it refuses, so that nothing changes without an explicit `-y`.
 */
export async function confirmOrAbort(question: string, options: { yes?: boolean }): Promise<void> {
  if (options.yes) return;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new ConfirmationRequiredError(`"${question}" needs an answer, and there is no terminal to ask on.`, {
      hint: 'Nothing was changed. Pass -y (--yes) to go ahead without asking, e.g. in CI or scripts.',
    });
  }
  // Loaded lazily: only interactive runs need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { prompt } = require('enquirer') as typeof import('enquirer');
  let answer: { ok: boolean };
  try {
    answer = await prompt<{ ok: boolean }>({ type: 'confirm', name: 'ok', message: question, initial: false });
  } catch {
    // enquirer rejects on Ctrl+C.
    throw new AbortedError('Aborted: nothing was changed.');
  }
  if (!answer.ok) throw new AbortedError('Aborted: nothing was changed.');
}
