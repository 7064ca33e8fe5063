import { databaseIndexOf } from './redis-url';

describe('databaseIndexOf', () => {
  it('reads the path as the database index', () => {
    expect(databaseIndexOf('redis://h:1/3')).toBe(3);
    expect(databaseIndexOf('redis://h:1')).toBe(0);
    expect(databaseIndexOf('redis://h:1/x')).toBeNaN();
    expect(databaseIndexOf('redis://h:1?db=4')).toBe(4);
    expect(databaseIndexOf('h:1/5')).toBe(5);
  });
});
