import { migrationIdFor, timestampPrefix, validateMigrationName } from './migration-name';

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
