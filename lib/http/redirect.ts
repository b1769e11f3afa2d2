/** A same-site path to return to after sign-in; anything else (other hosts, `//x`, `/\x`) → fallback. */
export function safeNextPath(value: unknown, fallback = '/payments'): string {
  if (typeof value !== 'string' || value.length > 2000) return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (value.startsWith('/login') || value.startsWith('/api/')) return fallback;
  return value;
}
