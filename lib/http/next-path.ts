/**
 * Where to send someone after sign-in, from a `next` parameter anyone can write into a link.
 *
 * Browsers are lenient with a Location: they drop tabs and newlines anywhere, trim leading
 * control characters and spaces, read `\` as `/`, and treat `//host` as another site. So
 * `/login?next=/%09/evil.com` (decoded to `/<tab>/evil.com`) once became `//evil.com`. The raw
 * value is checked first, then resolved with the URL parser (dot segments can also make `//`:
 * `/..//evil.com`), and what is returned is the parser's own serialisation of the path, query
 * and fragment, so what was checked is exactly what is sent.
 */

// Any origin would do: an accepted value is a path, which the browser resolves against the origin
// it is on. The request's Host is not used: it is the client's to choose and would add nothing.
const BASE = 'https://payops.invalid';

// C0 controls, DEL, C1 controls, backslash, and every whitespace but the plain space (NBSP,
// U+2028, U+3000, U+FEFF…): the characters a browser may drop, trim or reinterpret.
const UNSAFE = /[\p{Cc}\\]|(?! )\s/u;

// Pages that make no sense to return to: the sign-in page itself (a loop) and the JSON API.
const NOT_A_DESTINATION = /^\/(?:login|api)(?:\/|$)/;

// The fallback is `/`, which sends each role to its own home page (lib/queues/home.ts homeFor).
export function safeNextPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || next.length > 2000) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || UNSAFE.test(next)) return fallback;
  const url = new URL(next, BASE);
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (url.origin !== BASE || path.startsWith('//') || NOT_A_DESTINATION.test(url.pathname)) return fallback;
  return path;
}
