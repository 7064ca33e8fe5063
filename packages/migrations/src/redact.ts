/**
 * Redis URLs carry credentials in more places than the userinfo: ioredis turns every query
 * parameter into a connection option (`?password=`, `?sentinelPassword=`, TLS `?passphrase=` ...)
 * and accepts URLs without a scheme and unix socket paths with a query. Everything shown to a
 * user goes through these functions, so none of those forms ever reaches the output.
 */

/** Query parameters whose value is a secret (matched case-insensitively, as a substring). */
const SECRET_PARAMETER = /pass|pwd|secret|token|auth|key|pfx|credential/i;

const MASK = '***';

/** The URL as ioredis reads it: a scheme is assumed when missing; `null` for a socket path. */
export function parseLikeIoredis(url: string): URL | null {
  if (url.startsWith('/') && !url.startsWith('//')) return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return new URL(url);
  return new URL(url.startsWith('//') ? `redis:${url}` : `redis://${url}`);
}

function redactQuery(query: string): string {
  return query.replace(/([?&])([^=&#]*)=([^&#]*)/g, (all, sep: string, name: string, value: string) =>
    SECRET_PARAMETER.test(decodeSafely(name)) && value !== '' ? `${sep}${name}=${MASK}` : all,
  );
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * Replaces every credential of a Redis URL with `***`: the password, a lone username (which
 * Redis takes as a password), and secret query parameters, in every form ioredis accepts.
 *
 * @example redactRedisUrl('redis://bob:s3cret@host:6379/2?password=x') // 'redis://bob:***@host:6379/2?password=***'
 */
export function redactRedisUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const [head, query] = queryAt === -1 ? [url, ''] : [url.slice(0, queryAt), url.slice(queryAt)];
  const shownQuery = redactQuery(query);
  let parsed: URL | null;
  try {
    parsed = parseLikeIoredis(head);
  } catch {
    // Not a URL we can parse: hide anything between the start or "//" and the last "@".
    return `${head.replace(/^(.*\/\/)?[^/]*@/, (_all, scheme: string | undefined) => `${scheme ?? ''}${MASK}@`)}${shownQuery}`;
  }
  if (parsed === null || !head.includes('@')) return `${head}${shownQuery}`;
  // Rewrite the userinfo in the text the user typed, so the rest of it reads the same.
  const at = head.lastIndexOf('@');
  const start = head.indexOf('//') === -1 ? 0 : head.indexOf('//') + 2;
  const userinfo = head.slice(start, at);
  const colon = userinfo.indexOf(':');
  const shownUser = colon === -1 ? MASK : `${userinfo.slice(0, colon)}:${MASK}`;
  return `${head.slice(0, start)}${shownUser}${head.slice(at)}${shownQuery}`;
}

/**
 * The literal secrets a Redis URL holds, raw and decoded (longest first), so that text that
 * quotes one of them outside the URL (a server's error, a stack trace) can be scrubbed too.
 */
export function secretsOfRedisUrl(url: string): string[] {
  const secrets = new Set<string>();
  const add = (value: string): void => {
    if (value === '') return;
    secrets.add(value);
    secrets.add(decodeSafely(value));
  };
  const queryAt = url.indexOf('?');
  const head = queryAt === -1 ? url : url.slice(0, queryAt);
  if (queryAt !== -1) {
    for (const [, name, value] of url.slice(queryAt).matchAll(/[?&]([^=&#]*)=([^&#]*)/g)) {
      if (SECRET_PARAMETER.test(decodeSafely(name ?? ''))) add(value ?? '');
    }
  }
  const at = head.lastIndexOf('@');
  if (at !== -1) {
    const start = head.indexOf('//') === -1 ? 0 : head.indexOf('//') + 2;
    const userinfo = head.slice(start, at);
    const colon = userinfo.indexOf(':');
    add(colon === -1 ? userinfo : userinfo.slice(colon + 1));
  }
  return [...secrets].filter((secret) => secret.length > 0).sort((a, b) => b.length - a.length);
}

/** Any `redis://` / `rediss://` URL inside free text. */
const URL_IN_TEXT = /\brediss?:\/\/[^\s'"`<>]*/gi;

/**
 * Scrubs free text (a message, a log line, a JSON event) before it is shown: every Redis URL in it
 * is redacted, and every literal secret of the given URLs is replaced by `***` wherever it
 * appears.
 */
export function redactSecrets(text: string, urls: readonly (string | undefined)[] = []): string {
  let shown = text.replace(URL_IN_TEXT, (match) => {
    // Punctuation that ends the sentence around a URL is not part of it.
    const url = match.replace(/[.,:;!?)\]}]+$/, '');
    return `${redactRedisUrl(url)}${match.slice(url.length)}`;
  });
  for (const url of urls) {
    if (!url) continue;
    for (const secret of secretsOfRedisUrl(url)) {
      // Short secrets would mask ordinary words; a secret that short is masked in its URL only.
      if (secret.length < 4 || secret === MASK) continue;
      shown = shown.split(secret).join(MASK);
    }
  }
  return shown;
}
