import { FailureLog, describeFailure } from './failure-log';
import type { ScanFailure } from './types';

const failure = (i: number, overrides: Partial<ScanFailure> = {}): ScanFailure => ({
  key: `Event:${i}`,
  field: 'createdAt',
  value: `soon ${i}`,
  reason: 'not a date',
  at: '2026-01-01T00:00:00.000Z',
  scan: 'dates',
  model: 'Event',
  type: 'hash',
  failureMode: 'log_and_skip',
  action: 'skipped',
  dryRun: false,
  ...overrides,
});

function logger() {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  return { lines, info: push('info'), warn: push('warn'), error: push('error'), debug: push('debug') };
}

describe('FailureLog', () => {
  it('prints up to the limit, then the line beyond once, then nothing', () => {
    const out = logger();
    const log = new FailureLog(out, { limit: 2, beyond: 'more not shown' });
    for (let i = 0; i < 5; i += 1) log.log(failure(i));
    expect(out.lines).toEqual([
      'warn: dates: Event:0 field createdAt: cannot convert "soon 0": not a date; left as it is',
      'warn: dates: Event:1 field createdAt: cannot convert "soon 1": not a date; left as it is',
      'warn: more not shown',
    ]);
  });

  it('says what was done: the default written, skipped, a JSON path', () => {
    expect(describeFailure(failure(1, { action: 'defaulted', written: '0', failureMode: 'default' }))).toMatch(/; wrote the default 0$/);
    expect(describeFailure(failure(1, { failureMode: 'skip' }))).toMatch(/; skipped$/);
    expect(describeFailure(failure(1, { type: 'json', field: '$.at' }))).toContain('Event:1 path $.at');
  });

  it('prints skip-mode failures at debug level, uncounted, and leaves a stop to its error', () => {
    const out = logger();
    const log = new FailureLog(out, { limit: 1 });
    log.log(failure(1, { failureMode: 'skip' }));
    log.log(failure(2, { action: 'stopped', failureMode: 'fail' }));
    log.log(failure(3));
    expect(out.lines.map((l) => l.split(':')[0])).toEqual(['debug', 'warn']);
  });
});
