import { describe, expect, it } from 'vitest';
import { clientIp } from './request';

const withForwarded = (value: string) => new Request('http://payops.test/', { headers: { 'x-forwarded-for': value } });

describe('clientIp', () => {
  it('takes the right-most X-Forwarded-For entry', () => {
    expect(clientIp(withForwarded('198.51.100.1, 203.0.113.7'))).toBe('203.0.113.7');
    expect(clientIp(withForwarded('2001:db8::1'))).toBe('2001:db8::1');
    expect(clientIp(new Request('http://payops.test/'))).toBeNull();
  });

  it('keeps what a client claims, scrubbed: no card number, no NUL', () => {
    expect(clientIp(withForwarded('203.0.113.7, 4111 1111 1111 1111'))).toBe('XXXX1111');
    expect(clientIp(withForwarded('4111-1111-1111-1111'))).toBe('XXXX1111');
    expect(clientIp(withForwarded(`${'x'.repeat(60)} 4111111111111111`))).toBe(`${'x'.repeat(60)} XXX`);
  });
});
