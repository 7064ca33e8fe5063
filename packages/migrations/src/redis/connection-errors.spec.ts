import { isConnectionError } from './connection-errors';

describe('isConnectionError', () => {
  it('tells a lost connection from a server reply', () => {
    expect(isConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('Command aborted due to connection close'), { name: 'AbortError' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionError(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isConnectionError(new Error('NOPERM this user has no permissions'))).toBe(false);
  });
});
