import { ConnectionLostError, InterruptedError, MigrationFailedError } from './errors';

describe('stop and resume errors', () => {
  it('a stop by a signal exits as the shell reports a process ended by it', () => {
    expect(new InterruptedError('SIGINT', 'x').exitCode).toBe(130);
    expect(new InterruptedError('SIGTERM', 'x').exitCode).toBe(143);
    expect(new InterruptedError(new Error('aborted'), 'x').exitCode).toBe(1);
    expect(new InterruptedError('SIGINT', 'before b').message).toBe('Stopped by SIGINT: before b.');
    expect(new InterruptedError(undefined, 'before b').message).toBe('Stopped on request: before b.');
  });

  it("a migration that failed on a resumable error keeps that error's hint, not the advice to fix up()", () => {
    const lost = new ConnectionLostError('lost', { hint: 'Run the same command again.' });
    expect(new MigrationFailedError('m', 'up', lost).hint).toBe('Run the same command again.');
    expect(new MigrationFailedError('m', 'up', new Error('boom')).hint).toContain('it may have changed data before it failed');
  });
});
