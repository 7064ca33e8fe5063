import { classifyMigrationFileName, migrationIdFor, timestampPrefix, validateMigrationName } from './migration-name';

describe('migration names', () => {
  it('builds the id from the UTC time and the name', () => {
    expect(migrationIdFor('normalize_emails', new Date('2023-12-01T14:30:22.999Z'))).toBe('20231201_143022_normalize_emails');
  });

  it('uses UTC whatever the local time zone', () => {
    expect(timestampPrefix(new Date('2024-02-29T23:59:59+05:00'))).toBe('20240229_185959');
  });

  it.each([
    ['', 'A migration name is required.'],
    ['   ', 'A migration name is required.'],
    ['../evil', 'must not contain path separators or ".."'],
    ['a/b', 'must not contain path separators'],
    ['a\\b', 'must not contain path separators'],
    ['a..b', 'must not contain path separators or ".."'],
    ['has space', 'use only letters, digits and underscores'],
    ['dash-name', 'use only letters, digits and underscores'],
  ])('refuses %j', (name, message) => {
    expect(() => validateMigrationName(name)).toThrow(message);
  });
});

describe('classifyMigrationFileName', () => {
  it.each([
    ['20240101_120000_normalize.ts', 'migration'],
    ['20240101_120000_normalize.js', 'migration'],
    ['20240101_120000_a.cts', 'migration'],
    ['20240229_235959_leap_day.ts', 'migration'],
    ['20261399_999999_x.ts', 'invalid'],
    ['20230229_000000_not_leap.ts', 'invalid'],
    ['20260101_240000_x.ts', 'invalid'],
    ['20260101_000001_Bad-Name.ts', 'invalid'],
    ['20260101_000001_.ts', 'invalid'],
    ['20260101_000001_x.mjs', 'invalid'],
    ['20260101_000001_x.py', 'invalid'],
    ['2026011_000001_x.ts', 'invalid'],
    ['helpers.ts', 'ignored'],
    ['README.md', 'ignored'],
    ['20260101_000001_x.d.ts', 'passed-over'],
    ['20260101_000001_x.js.map', 'passed-over'],
    ['20260101_000001_x.spec.ts', 'passed-over'],
    ['.gitkeep', 'passed-over'],
  ])('%s is %s', (name, kind) => {
    expect(classifyMigrationFileName(name).kind).toBe(kind);
  });

  it('says why a name is refused', () => {
    expect(classifyMigrationFileName('20261399_999999_x.ts')).toEqual({ kind: 'invalid', reason: '20261399_999999 is not a real date and time' });
    expect(classifyMigrationFileName('20260101_000001_Bad-Name.ts')).toEqual({
      kind: 'invalid',
      reason: '"Bad-Name" may hold only letters, digits and underscores',
    });
  });
});
