import { describe, expect, it } from 'vitest';
import { safeNextPath } from './next-path';

const ORIGIN = 'https://payops.example';
/** Where a browser on PayOps goes when it follows the answer as a Location. */
const followed = (path: string) => new URL(path, `${ORIGIN}/login?next=x`);

describe('safeNextPath', () => {
  it('keeps a path on this site, with its query and fragment', () => {
    expect(safeNextPath('/payments?status=failed#x')).toBe('/payments?status=failed#x');
    expect(safeNextPath('/payments/42')).toBe('/payments/42');
    expect(safeNextPath('/')).toBe('/');
  });

  it('gives the fallback for anything that is not a string or is too long', () => {
    expect(safeNextPath(undefined)).toBe('/');
    expect(safeNextPath(null)).toBe('/');
    expect(safeNextPath(['/audit'])).toBe('/');
    expect(safeNextPath(`/${'a'.repeat(2000)}`)).toBe('/');
    expect(safeNextPath('', '/')).toBe('/');
  });

  it.each([
    ['another host, protocol-relative', '//evil.com'],
    ['a backslash, read as a slash', '/\\evil.com'],
    ['backslashes only', '\\\\evil.com'],
    ['an absolute URL', 'https://evil.com/'],
    ['a scheme without slashes', 'https:evil.com'],
    ['javascript:', 'javascript:alert(1)'],
    ['a relative path', 'payments'],
    ['a decoded tab (/%09/evil.com as the page receives it)', '/\t/evil.com'],
    ['a carriage return', '/\r/evil.com'],
    ['a line feed', '/\n/evil.com'],
    ['a NUL', '/\0/evil.com'],
    ['DEL', '/\x7f/evil.com'],
    ['a C1 control', '/\x85/evil.com'],
    ['a no-break space', '/\u00a0/evil.com'],
    ['an ideographic space', '/\u3000/evil.com'],
    ['a line separator', '/\u2028/evil.com'],
    ['a byte order mark', '/\ufeff/evil.com'],
    ['a leading space', ' /payments'],
    ['dot segments making //', '/..//evil.com'],
    ['a dot segment making //', '/.//evil.com'],
    ['encoded dot segments making //', '/%2e%2e//evil.com'],
    ['the sign-in page (a loop)', '/login?next=/payments'],
    ['the JSON API', '/api/v1/transactions'],
  ])('refuses %s', (_, value) => {
    expect(safeNextPath(value)).toBe('/');
    expect(safeNextPath(value, '/')).toBe('/');
  });

  it.each([
    ['an encoded tab', '/%09/evil.com'],
    ['encoded slashes', '/%2F%2Fevil.com'],
    ['an encoded backslash', '/%5Cevil.com'],
    ['a plain space', '/ /evil.com'],
  ])('keeps %s as a path on this site, encoded as sent', (_, value) => {
    const path = safeNextPath(value);
    expect(path).not.toBe('/');
    expect(path).not.toMatch(/^\/\/|[\s\\]/);
    expect(followed(path).origin).toBe(ORIGIN);
  });

  it('never sends a browser off the site, whatever it is given', () => {
    const tricky = ['/', '\\', '//', '/\\', '\t', '%09', '%2F', '..', '.', 'evil.com', ':', '@', '\u00a0', ' ', '\n', '#', '?'];
    for (const a of tricky) for (const b of tricky) for (const c of tricky) {
      const path = safeNextPath(`${a}${b}${c}evil.com`);
      expect(followed(path).origin, `${JSON.stringify(a + b + c)} gave ${path}`).toBe(ORIGIN);
      expect(path.startsWith('//')).toBe(false);
    }
  });
});
