import { describe, expect, it } from 'vitest';
import { consoleIdempotencyKey, resendFormSchema, walletOtpFormSchema } from './console';

describe('the console form', () => {
  const base = { transactionId: '42', attemptKey: 'n3', reasonCode: 'expired', reasonNote: '' };

  it('records the chosen reason, with the note when there is one', () => {
    expect(resendFormSchema.parse(base)).toEqual({ transactionId: 42, attemptKey: 'n3', reason: 'OTP expired before the customer entered it', refs: {} });
    expect(resendFormSchema.parse({ ...base, reasonCode: 'other', reasonNote: '  called twice \u0000 ' }).reason).toBe('Other: called twice \uFFFD');
  });

  it('refuses a missing reason, "Other" without a note, a long note, a bad key', () => {
    for (const bad of [{ reasonCode: '' }, { reasonCode: 'other' }, { reasonNote: 'x'.repeat(201) }, { attemptKey: 'n 3' }, { transactionId: '-1' }]) {
      expect(resendFormSchema.safeParse({ ...base, ...bad }).success, JSON.stringify(bad)).toBe(false);
      expect(walletOtpFormSchema.safeParse({ ...base, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('asks no card ids of the wallet form, and hands on any a request names, to be compared with the stored card', () => {
    expect(walletOtpFormSchema.parse(base).refs).toEqual({ cardAccountId: undefined, enKashCardId: undefined });
    expect(walletOtpFormSchema.parse({ ...base, cardAccountId: ' ', enKashCardId: '' }).refs).toEqual({ cardAccountId: undefined, enKashCardId: undefined });
    expect(walletOtpFormSchema.parse({ ...base, cardAccountId: 'CAC7975' }).refs).toEqual({ cardAccountId: 'CAC7975', enKashCardId: undefined });
    // Not refused as a field: any id named is recorded with its refusal (cut to 128 characters).
    expect(walletOtpFormSchema.parse({ ...base, enKashCardId: `EKC ${'x'.repeat(300)}` }).refs.enKashCardId).toHaveLength(128);
    // A resend never takes card ids.
    expect(resendFormSchema.parse({ ...base, cardAccountId: 'CAC7975', enKashCardId: 'EKC1' }).refs).toEqual({});
  });

  it('keys a click by agent, payment, action and the state the page rendered', () => {
    expect(consoleIdempotencyKey(7, 42, 'resend', 'n3')).toBe('console:u7:t42:resend:n3');
    expect(consoleIdempotencyKey(8, 42, 'resend', 'n3')).not.toBe(consoleIdempotencyKey(7, 42, 'resend', 'n3'));
  });
});
