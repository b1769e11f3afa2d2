import { describe, expect, it } from 'vitest';
import { authenticateSharedSecret, basicPassword, safeEqual } from './secret';

const req = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('webhook shared secret', () => {
  it('compares exactly, whatever the lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'abc')).toBe(false);
  });

  it('takes the key query parameter or the Basic password with any user name', () => {
    expect(authenticateSharedSecret(req('http://h/x?key=s3'), 's3')).toBe('ok');
    expect(authenticateSharedSecret(req('http://h/x', { authorization: basic('anyone', 's3') }), 's3')).toBe('ok');
    expect(authenticateSharedSecret(req('http://h/x', { authorization: basic('', 'a:b') }), 'a:b')).toBe('ok');
    expect(authenticateSharedSecret(req('http://h/x?key=nope'), 's3')).toBe('invalid');
    expect(authenticateSharedSecret(req('http://h/x'), 's3')).toBe('missing');
    expect(authenticateSharedSecret(req('http://h/x', { authorization: 'Bearer s3' }), 's3')).toBe('missing');
    expect(authenticateSharedSecret(req('http://h/x'), undefined)).toBe('unauthenticated');
  });

  it('reads only well-formed Basic headers', () => {
    expect(basicPassword(req('http://h/', { authorization: 'Basic !!!' }))).toBeNull();
    expect(basicPassword(req('http://h/', { authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` }))).toBeNull();
  });
});
