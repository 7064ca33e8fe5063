import { parseLikeIoredis } from '../redact';

/** The database index named by a Redis URL's path (`redis://host:6379/2` → 2), default 0. */
export function databaseIndexOf(url: string): number {
  try {
    const parsed = parseLikeIoredis(url);
    if (parsed === null) {
      const db = /[?&]db=([^&#]*)/.exec(url)?.[1];
      return db === undefined ? 0 : Number(db);
    }
    const path = parsed.pathname.replace(/^\//, '');
    const fromQuery = parsed.searchParams.get('db');
    if (path === '' && fromQuery !== null) return Number(fromQuery);
    return path === '' ? 0 : Number(path);
  } catch {
    return 0;
  }
}
