/**
 * Replaces the password (and a lone username used as a password) of a Redis URL with `***`,
 * so the URL can be shown in logs and error messages.
 */
export function redactRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL we can parse: hide anything between "//" and "@", which is where secrets live.
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
  if (parsed.password) parsed.password = '***';
  else if (parsed.username && url.includes('@')) parsed.username = '***';
  return parsed.toString();
}

/** The database index named by a Redis URL's path (`redis://host:6379/2` → 2), default 0. */
export function databaseIndexOf(url: string): number {
  try {
    const path = new URL(url).pathname.replace(/^\//, '');
    return path === '' ? 0 : Number(path);
  } catch {
    return 0;
  }
}
