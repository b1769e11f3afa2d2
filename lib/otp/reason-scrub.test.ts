// The OTP reason is kept in otp_attempts and, for good, in the insert-only audit log.
import { describe, expect, it } from 'vitest';
import { apiIdempotencyKey, otpApiSchema } from './api';
import { resendFormSchema } from './console';

describe('OTP reasons, notes, ids and keys as stored', () => {
  it('scrubs the proxy reason', () => {
    const body = otpApiSchema.parse({ provider: 'enkash', transactionId: 'EK1738916997652yh8GL', reason: 'customer said 4111\u00a01111\u00a01111\u00a01111\u0000' });
    expect(body.reason).toBe('customer said XXXX1111\uFFFD');
  });

  it("scrubs the console's note", () => {
    const form = resendFormSchema.parse({ transactionId: '7', reasonCode: 'other', reasonNote: 'card 4111-1111-1111-1111', attemptKey: 'k1' });
    expect(form.reason).toMatch(/: card XXXX1111$/);
  });

  it('refuses an id that is a card number, keeps ids that are not', () => {
    expect(otpApiSchema.safeParse({ provider: 'juspay', transactionId: '4111111111111111' }).success).toBe(false);
    expect(otpApiSchema.safeParse({ provider: 'juspay', transactionId: 'x', challengeId: '4111-1111-1111-1111' }).success).toBe(false);
    expect(otpApiSchema.safeParse({ provider: 'juspay', transactionId: 'payopsdemo-DOTP1738916997-1' }).success).toBe(true);
    expect(otpApiSchema.safeParse({ provider: 'enkash', transactionId: 'EK4111111111111111yh8GL' }).success).toBe(true);
  });

  it('scrubs an Idempotency-Key', () => {
    const req = new Request('http://payops.test/', { headers: { 'idempotency-key': 'k-4111111111111111' } });
    expect(apiIdempotencyKey(req)).toBe('api:k-XXXX1111');
  });
});
