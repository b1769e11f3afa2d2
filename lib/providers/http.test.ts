import { describe, expect, it } from 'vitest';
import { codeForStatus, joinUrl, pathId, safeProviderText, statusError } from './http';

const ctx = { provider: 'enkash' as const, operation: 'resend OTP', timeoutMs: 1000 };

describe('provider http helpers', () => {
  it('maps HTTP statuses to PayOps codes', () => {
    expect([400, 401, 403, 404, 409, 422, 429, 302].map(codeForStatus)).toEqual([
      'invalid_input',
      'unauthorized',
      'unauthorized',
      'not_found',
      'invalid_input',
      'invalid_input',
      'rate_limited',
      'provider_error',
    ]);
  });

  it('makes provider words safe to show: one line, OTP-shaped numbers and card numbers masked, capped', () => {
    expect(safeProviderText('Invalid OTP 482913,\n try again')).toBe('Invalid OTP ••••, try again');
    expect(safeProviderText('card 4111 1111 1111 1111 declined')).toBe('card XXXX1111 declined');
    expect(safeProviderText('Transaction EK1738916997652yh8GL, attempt 2 of 3')).toBe('Transaction EK1738916997652yh8GL, attempt 2 of 3');
    expect(safeProviderText('x'.repeat(500))).toHaveLength(200);
  });

  it('quotes the provider only through safeProviderText', () => {
    const err = statusError(ctx, { status: 400, contentType: 'text/plain', text: '' }, 'OTP 123456 is wrong');
    expect(err).toMatchObject({ code: 'invalid_input', details: { provider: 'enkash', httpStatus: 400 } });
    expect(err.message).toBe('Enkash resend OTP: refused (HTTP 400: OTP •••• is wrong).');
  });

  it('accepts only ids that cannot change a URL path', () => {
    expect(pathId(ctx, 'id', 'EK1738916997652yh8GL')).toBe('EK1738916997652yh8GL');
    expect(pathId(ctx, 'id', 'testhdfc1-DOTP1234-1')).toBe('testhdfc1-DOTP1234-1');
    for (const bad of ['', '.', '..', 'a/b', 'a?b', 'a#b', 'a b', '%2e%2e', 'x'.repeat(129)]) {
      expect(() => pathId(ctx, 'id', bad), bad).toThrow(/not a valid id/);
    }
  });

  it('keeps a base URL path', () => {
    expect(joinUrl('https://pay-en-uat.enkash.in/', '/pay/otp/validate')).toBe('https://pay-en-uat.enkash.in/pay/otp/validate');
    expect(joinUrl('http://127.0.0.1:4010/enkash', '/pay/otp/validate')).toBe('http://127.0.0.1:4010/enkash/pay/otp/validate');
  });
});
