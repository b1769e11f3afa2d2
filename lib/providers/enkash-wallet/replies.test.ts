import { describe, expect, it } from 'vitest';
import type { ProviderReply } from '../http';
import { generateOtpResult, maskMobile, tokenFromReply } from './replies';

const ctx = { provider: 'enkash_wallet' as const, operation: 'test', timeoutMs: 1000 };
const reply = (status: number, body: unknown): ProviderReply => ({ status, contentType: 'application/json', text: JSON.stringify(body) });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
};

describe('Enkash Wallet reply mapping', () => {
  it('reads the OAuth token; expires_in is seconds', () => {
    expect(tokenFromReply(ctx, reply(200, { access_token: 'j8o6', token_type: 'bearer', expires_in: 3599 }), 1000)).toEqual({
      value: 'j8o6',
      obtainedAt: 1000,
      expiresAt: 1000 + 3_599_000,
    });
    expect(codeOf(() => tokenFromReply(ctx, reply(200, { token: 'x' }), 0))).toBe('provider_error');
  });

  it('reads the documented Generate Transaction OTP reply', () => {
    const documented = { code: 0, message: 'Success', payload: { otpRequestId: 'EK7E5CKFQX', mobileNumber: '60XXXXXX11' } };
    expect(generateOtpResult(ctx, reply(200, documented))).toEqual({
      provider: 'enkash_wallet',
      providerRequestId: 'EK7E5CKFQX',
      budget: null,
      maskedMobile: '60XXXXXX11',
      message: 'Success',
      challengeId: null,
    });
  });

  it('treats a non-zero code as a refusal and a limit as rate_limited', () => {
    expect(codeOf(() => generateOtpResult(ctx, reply(200, { code: 1, message: 'Card blocked', payload: null })))).toBe('invalid_input');
    expect(codeOf(() => generateOtpResult(ctx, reply(200, { code: 7, message: 'OTP limit exceeded' })))).toBe('rate_limited');
    expect(codeOf(() => generateOtpResult(ctx, reply(429, { code: 429, message: 'OTP request limit reached' })))).toBe('rate_limited');
    expect(codeOf(() => generateOtpResult(ctx, reply(403, { code: 403, message: 'Invalid partnerId' })))).toBe('unauthorized');
    expect(codeOf(() => generateOtpResult(ctx, reply(200, { ok: true })))).toBe('provider_error');
  });

  it('never keeps more of a mobile number than the masked form', () => {
    expect(maskMobile('60XXXXXX11')).toBe('60XXXXXX11');
    expect(maskMobile('9876543211')).toBe('98XXXXXX11');
    expect(maskMobile('+91 98765 43211')).toBe('91XXXXXXXX11');
    expect(maskMobile(null)).toBeNull();
  });
});
