import { CommanderError } from 'commander';
import {
  AbortedError,
  ConfigError,
  ConfirmationRequiredError,
  InterruptedError,
  LockLostError,
  LockTimeoutError,
  MigrationFailedError,
  MigrationGraphError,
  MigrationLoadError,
  MigrationStateError,
  RedisConnectionError,
  VerificationError,
} from '../errors';
import { BatchStoppedError } from '../batch/errors';
import { SnapshotError } from '../schema/errors';
import { EXIT_CODES, exitCodeOf } from './exit-codes';

describe('exit codes', () => {
  const failure = { key: 'k', field: 'f', value: 'v', reason: 'r', at: '' };

  it.each([
    ['a migration that failed', new MigrationFailedError('x', 'up', new Error('boom')), 1],
    ['a scan stopped by its failure mode', new BatchStoppedError('scan', failure, 'fail'), 1],
    ['Redis unreachable', new RedisConnectionError('down'), 1],
    ['the lock lost', new LockLostError('lost'), 1],
    ['a refused confirmation', new AbortedError('no'), 1],
    ['anything unexpected', new Error('?'), 1],
    ['a bad option or setting', new ConfigError('bad'), 2],
    ['a missing -y without a terminal', new ConfirmationRequiredError('-y'), 2],
    ['a migration file that does not load', new MigrationLoadError('f.ts', 'bad'), 2],
    ['a dependency cycle', new MigrationGraphError('cycle'), 2],
    ['an unknown id', new MigrationStateError('unknown'), 2],
    ['a bad snapshot file', new SnapshotError('s.json', 'bad'), 2],
    ["commander's parse errors", new CommanderError(1, 'commander.invalidArgument', 'bad'), 2],
    ['--help', new CommanderError(0, 'commander.helpDisplayed', ''), 0],
    ['a failed verification', new VerificationError('drift'), 3],
    ['the lock not acquired in time', new LockTimeoutError('held'), 4],
    ['SIGINT', new InterruptedError('SIGINT', 'here'), 130],
    ['SIGTERM', new InterruptedError('SIGTERM', 'here'), 143],
  ])('%s: %d', (_what, error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });

  it('are the documented ones, each distinct', () => {
    expect(EXIT_CODES).toEqual({ success: 0, failed: 1, badInput: 2, verificationFailed: 3, lockTimeout: 4, interrupted: 130, terminated: 143 });
    expect(new Set(Object.values(EXIT_CODES)).size).toBe(7);
  });
});
