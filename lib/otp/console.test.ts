import { describe, expect, it } from 'vitest';
import { consoleIdempotencyKey, resendFormSchema, walletOtpFormSchema } from './console';

describe('the console form', () => {
  const base = { transactionId: '42', attemptKey: 'n3', reasonCode: 'expired', reasonNote: '' };

  it('records the chosen reason, with the note when there is one', () => {
    expect(resendFormSchema.parse(base)).toEqual({ transactionId: 42, attemptKey: 'n3', reason: 'OTP expired before the customer entered it' });
    expect(resendFormSchema.parse({ ...base, reasonCode: 'other', reasonNote: '  called twice \u0000 ' }).reason).toBe('Other: called twice \uFFFD');
  });

  it('refuses a missing reason, "Other" without a note, a long note, a bad key; the wallet form needs both card ids', () => {
    for (const bad of [{ reasonCode: '' }, { reasonCode: 'other' }, { reasonNote: 'x'.repeat(201) }, { attemptKey: 'n 3' }, { transactionId: '-1' }]) {
      expect(resendFormSchema.safeParse({ ...base, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
    expect(walletOtpFormSchema.safeParse({ ...base, cardAccountId: 'CAC7975' }).success).toBe(false);
    expect(walletOtpFormSchema.parse({ ...base, cardAccountId: 'CAC7975', enKashCardId: 'EKCBEFFEC1' })).toMatchObject({ cardAccountId: 'CAC7975', enKashCardId: 'EKCBEFFEC1' });
  });

  it('keys a click by agent, payment, action and the state the page rendered', () => {
    expect(consoleIdempotencyKey(7, 42, 'resend', 'n3')).toBe('console:u7:t42:resend:n3');
    expect(consoleIdempotencyKey(8, 42, 'resend', 'n3')).not.toBe(consoleIdempotencyKey(7, 42, 'resend', 'n3'));
  });
});
