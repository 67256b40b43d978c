/** What stands in for a secret in anything shown or recorded. */
export const MASK = '***';

/**
 * A value safe to print: the password (and a user's token-like credentials) of a URL replaced by `***`, the
 * rest kept so the value still says which server it names. Anything that is not a URL with credentials is
 * masked whole when `whole` is true (a secret that is not a URL), and returned as given otherwise.
 */
export function maskCredentials(value: unknown, whole = false): unknown {
  if (typeof value !== 'string' || value === '') return value;
  const url = parseUrl(value);
  if (url === undefined) return whole ? MASK : value;
  if (url.password === '' && !url.search.includes('password')) return value;
  if (url.password !== '') url.password = MASK;
  for (const key of [...url.searchParams.keys()]) if (/pass|secret|token/i.test(key)) url.searchParams.set(key, MASK);
  // URL escapes the mask inside the userinfo; keep it readable.
  return url.toString().replaceAll(encodeURIComponent(MASK), MASK);
}

/** Replaces every occurrence of each secret in `text` by `***` (driver messages may echo what they were given). */
export function maskSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let masked = text;
  for (const secret of secrets) if (secret !== undefined && secret.length > 0) masked = masked.split(secret).join(MASK);
  return masked;
}

function parseUrl(value: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
