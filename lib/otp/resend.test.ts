import { describe, expect, it, vi } from 'vitest';
import { AppError } from '@/lib/errors';
import { ProviderError, type Providers } from '@/lib/providers/types';
import { callProvider } from './provider-call';
import { planOtpCall } from './resend';
import { takeOtp } from './validate';

const fakeProviders = () =>
  ({
    enkash: { resendOtp: vi.fn(), validateOtp: vi.fn(), getTransactionStatus: vi.fn(), searchSettlementPayouts: vi.fn(), getSettlementPayout: vi.fn(), refund: vi.fn(), getRefundStatus: vi.fn() },
    enkashWallet: { generateTransactionOtp: vi.fn() },
    juspay: { resendOtp: vi.fn(), processOtp: vi.fn(), getOrderStatus: vi.fn(), refund: vi.fn() },
  }) satisfies Providers;

describe('which provider call', () => {
  it('calls Juspay resend with the transaction, challenge and customer ids, or says which are missing', async () => {
    const p = fakeProviders();
    const plan = planOtpCall({ provider: 'juspay', transactionId: 'txn_1' }, 'resend', { challengeId: 'ch_1', customerId: 'cust_1' });
    expect(plan).toMatchObject({ provider: 'juspay', missing: null });
    await plan.call(p);
    expect(p.juspay.resendOtp).toHaveBeenCalledWith({ txnId: 'txn_1', challengeId: 'ch_1', customerId: 'cust_1' });
    expect(planOtpCall({ provider: 'juspay', transactionId: 'txn_1' }, 'resend', {}).missing).toBe('Missing the Juspay challenge id and the Juspay customer id.');
  });

  it('sends a wallet OTP to Enkash Wallet whatever the payment provider; an Enkash PG resend needs only its id', async () => {
    const p = fakeProviders();
    const wallet = planOtpCall({ provider: 'enkash', transactionId: 'EK1' }, 'wallet_otp', { cardAccountId: 'CAC7975', enKashCardId: 'EKCBEFFEC1' });
    expect(wallet.provider).toBe('enkash_wallet');
    await wallet.call(p);
    expect(p.enkashWallet.generateTransactionOtp).toHaveBeenCalledWith({ cardAccountId: 'CAC7975', enKashCardId: 'EKCBEFFEC1' });
    await planOtpCall({ provider: 'enkash', transactionId: 'EK1' }, 'resend', {}).call(p);
    expect(p.enkash.resendOtp).toHaveBeenCalledWith('EK1');
    await planOtpCall({ provider: 'enkash', transactionId: 'EK1' }, 'validate', {}, '123456').call(p);
    expect(p.enkash.validateOtp).toHaveBeenCalledWith({ ekPayId: 'EK1', otp: '123456' });
    expect(() => planOtpCall({ provider: 'razorpay', transactionId: 'x' }, 'resend', {})).toThrow(AppError);
  });
});

describe('provider answers as outcomes', () => {
  const err = (code: ConstructorParameters<typeof ProviderError>[0]) => new ProviderError(code, 'boom', { provider: 'juspay', providerRequestId: 'req_1' });

  it('maps each provider error to its outcome, keeping the request id', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await callProvider(() => Promise.reject(err('rate_limited')))).toEqual({ outcome: 'rate_limited_by_provider', providerRequestId: 'req_1' });
    expect(await callProvider(() => Promise.reject(err('provider_timeout')))).toMatchObject({ outcome: 'provider_timeout_unknown' });
    expect(await callProvider(() => Promise.reject(err('invalid_input')))).toMatchObject({ outcome: 'provider_refused' });
    expect(await callProvider(() => Promise.reject(err('unauthorized')))).toMatchObject({ outcome: 'provider_error' });
    expect(await callProvider(() => Promise.reject(new TypeError('fetch failed')))).toEqual({ outcome: 'provider_error' });
    quiet.mockRestore();
  });

  it("recognises another bundle's copy of ProviderError (the clients are shared through globalThis)", async () => {
    class ProviderError extends Error {
      name = 'ProviderError';
      constructor(readonly code: string, readonly details: object) {
        super('elsewhere');
      }
    }
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await callProvider(() => Promise.reject(new ProviderError('provider_timeout', { provider: 'juspay' })))).toMatchObject({ outcome: 'provider_timeout_unknown' });
    quiet.mockRestore();
  });

  it('keeps the budget and masked mobile of a send', async () => {
    const sent = await callProvider(async () => ({ provider: 'juspay', providerRequestId: 'r', budget: { sent: 2, limit: 3 }, maskedMobile: null, message: 'ok' }));
    expect(sent).toMatchObject({ outcome: 'sent', providerBudget: { sent: 2, limit: 3 }, providerRequestId: 'r' });
  });

  it('never logs the OTP, even when an unexpected error quotes it', async () => {
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a) => void logged.push(a.join(' ')));
    await callProvider(() => Promise.reject(new Error('bad form answer.otp=987123')), { secret: '987123' });
    await callProvider(() => Promise.reject(new ProviderError('provider_error', 'echo 987123', { provider: 'enkash' })), { secret: '987123' });
    spy.mockRestore();
    expect(logged.join('\n')).toContain('[otp]');
    expect(logged.join('\n')).not.toContain('987123');
  });
});

describe('the OTP of a validate body', () => {
  it('is taken out before the rest is looked at; a bad one is refused without echoing it', () => {
    expect(takeOtp({ otp: '987123', provider: 'enkash' })).toEqual({ otp: '987123', rest: { provider: 'enkash' } });
    for (const otp of ['987', '9871234567', 12345, '12a456', undefined]) {
      const error = (() => {
        try {
          takeOtp({ otp });
        } catch (e) {
          return e as AppError;
        }
      })();
      expect(error?.code).toBe('invalid_input');
      if (typeof otp === 'string') expect(error?.message).not.toContain(otp);
    }
    expect(() => takeOtp([])).toThrow(AppError);
  });
});
