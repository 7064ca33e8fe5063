import type Redis from 'ioredis';

/**
 * True for what ioredis raises when the server cannot be reached, as opposed to what a server
 * answers: a command aborted because the connection closed mid-pipeline, a closed connection,
 * a refused or reset socket. A reply such as WRONGTYPE is none of these.
 */
export function isConnectionError(error: unknown): boolean {
  const { name, message, code } = (error ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
  return (
    name === 'MaxRetriesPerRequestError' ||
    (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTCONN)$/.test(code)) ||
    (typeof message === 'string' && /Connection is closed|aborted due to connection close|Stream isn't writeable/i.test(message))
  );
}

/**
 * A connection error the client is still retrying through (it reconnects and resends), as
 * opposed to one after it gave up (status `end`: every command fails from then on).
 */
export function isPassingConnectionError(error: unknown, client: Redis): boolean {
  return isConnectionError(error) && client.status !== 'end' && (error as { name?: unknown }).name !== 'MaxRetriesPerRequestError';
}
