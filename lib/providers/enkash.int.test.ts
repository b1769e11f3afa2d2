import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxWithProviders } from '@/sandbox/testing';
import { SANDBOX_TEST_OTP } from '@/sandbox/state';
import type { Sandbox } from '@/sandbox/server';
import { createProviders, providersConfig, type Providers } from '.';
import { parseEnv } from '@/lib/env';
import { errorCollector } from './testing';

const WRONG_OTP = '654321';
let sandbox: Sandbox;
let fresh: () => Providers;
let enkash: Providers['enkash'];
const errors = errorCollector();
const tokensSeen = new Set<string>();
let n = 0;
const txnId = () => `EKTEST${Date.now()}${++n}`;

beforeAll(async () => {
  // 2 s: a busy machine can keep the in-process simulator from answering within a shorter deadline.
  ({ sandbox, providers: fresh } = await startSandboxWithProviders({ timeoutMs: 2000 }));
  enkash = fresh().enkash;
});
afterEach(() => {
  sandbox.control.issuedTokens().forEach((t) => tokensSeen.add(t));
  sandbox.control.clearFaults();
});
afterAll(async () => {
  await sandbox.close();
});

const counts = () => sandbox.control.counts();

describe('Enkash PG client against the simulator', () => {
  it('resends an OTP', async () => {
    const id = txnId();
    const result = await enkash.resendOtp(id);
    expect(result).toEqual({ provider: 'enkash', providerRequestId: null, budget: null, maskedMobile: null, message: 'OTP sent successfully', challengeId: null });
    expect(sandbox.control.transaction('enkash', id)?.timesOtpSent).toBe(1);
  });

  it('validates the right OTP and refuses a wrong one', async () => {
    const id = txnId();
    const wrong = await errors.caught(enkash.validateOtp({ ekPayId: id, otp: WRONG_OTP }));
    expect(wrong.code).toBe('invalid_input');
    expect(wrong.message).toMatch(/Invalid OTP/);
    const ok = await enkash.validateOtp({ ekPayId: id, otp: SANDBOX_TEST_OTP, checkSum: 'abc' });
    expect(ok).toMatchObject({ provider: 'enkash', status: 'SUCCESS', message: 'Transaction successful.' });
    expect(ok.providerRequestId).toMatch(/^OTPREF/);
    // The transaction is final now: another validate is refused.
    expect((await errors.caught(enkash.validateOtp({ ekPayId: id, otp: SANDBOX_TEST_OTP }))).code).toBe('invalid_input');
  });

  it('reads a transaction status, without the payment token or a card number', async () => {
    const id = txnId();
    sandbox.control.setTransaction('enkash', id, {
      status: 'SUCCESS',
      payload: { transactionId: id, status: 'SUCCESS', amount: '500.00', paymentToken: '9ceac38e65db443d5f48', cardHolderName: '4111 1111 1111 1111' },
    });
    const status = await enkash.getTransactionStatus(id);
    expect(status).toMatchObject({ provider: 'enkash', transactionId: id, status: 'SUCCESS' });
    expect(status.raw.amount).toBe('500.00');
    expect(JSON.stringify(status.raw)).not.toMatch(/9ceac38e65db443d5f48|4111 1111 1111 1111/);
    expect((await errors.caught(enkash.getTransactionStatus(txnId()))).code).toBe('not_found');
  });

  it('keeps one token for many calls, and renews it after a 401 exactly once', async () => {
    const client = fresh().enkash;
    const before = counts();
    for (let i = 0; i < 5; i++) await client.resendOtp(txnId());
    expect(counts()['enkash.token'] - before['enkash.token']).toBe(1);

    sandbox.control.revokeTokens();
    const mid = counts();
    await client.resendOtp(txnId());
    expect(counts()['enkash.token'] - mid['enkash.token']).toBe(1);
    expect(counts()['enkash.resend'] - mid['enkash.resend']).toBe(2);
  });

  it('asks for one token however many calls start at once, also after a revocation', async () => {
    const client = fresh().enkash;
    const before = counts();
    await Promise.all(Array.from({ length: 10 }, () => client.resendOtp(txnId())));
    expect(counts()['enkash.token'] - before['enkash.token']).toBe(1);

    sandbox.control.revokeTokens();
    const mid = counts();
    await Promise.all(Array.from({ length: 10 }, () => client.resendOtp(txnId())));
    expect(counts()['enkash.token'] - mid['enkash.token']).toBe(1);
  });

  it('fails with unauthorized when the renewed token is refused too', async () => {
    sandbox.control.setFault('enkash.status', { mode: '401' });
    const before = counts();
    const err = await errors.caught(enkash.getTransactionStatus(txnId()));
    expect(err.code).toBe('unauthorized');
    expect(counts()['enkash.status'] - before['enkash.status']).toBe(2);
  });

  it('fails with unauthorized on wrong credentials, asking for a token once', async () => {
    const bad = createProviders(providersConfig(parseEnv({ ...sandbox.env, ENKASH_SECRET_KEY: 'not-the-secret' }))).enkash;
    const before = counts();
    const err = await errors.caught(bad.resendOtp(txnId()));
    expect(err.code).toBe('unauthorized');
    expect(counts()['enkash.token'] - before['enkash.token']).toBe(1);
    expect(counts()['enkash.resend'] - before['enkash.resend']).toBe(0);
  });

  it('on a timeout reports a send as unknown and does not retry it', async () => {
    await enkash.resendOtp(txnId()); // token in hand, so only the send is counted below
    const id = txnId();
    sandbox.control.setFault('enkash.resend', { mode: 'timeout' });
    const before = counts();
    const err = await errors.caught(enkash.resendOtp(id));
    expect(err.code).toBe('provider_timeout');
    expect(err.details.outcomeUnknown).toBe(true);
    expect(err.message).toMatch(/may or may not have been sent/);
    expect(counts()['enkash.resend'] - before['enkash.resend']).toBe(1);
    expect(sandbox.control.transaction('enkash', id)?.sendRequests).toBe(1);

    sandbox.control.setFault('enkash.status', { mode: 'timeout' });
    const read = await errors.caught(enkash.getTransactionStatus(id));
    expect(read.code).toBe('provider_timeout');
    expect(read.details.outcomeUnknown).toBeUndefined();
  });

  it('a slow reply past the deadline is a timeout; within it, an answer', async () => {
    sandbox.control.setFault('enkash.resend', { delayMs: 2600, times: 1 });
    expect((await errors.caught(enkash.resendOtp(txnId()))).code).toBe('provider_timeout');
    sandbox.control.setFault('enkash.resend', { delayMs: 50, times: 1 });
    await expect(enkash.resendOtp(txnId())).resolves.toMatchObject({ provider: 'enkash' });
  });

  it('maps 5xx and garbage to provider_error', async () => {
    for (const mode of ['5xx', 'garbage'] as const) {
      for (const endpoint of ['enkash.resend', 'enkash.validate', 'enkash.status'] as const) sandbox.control.setFault(endpoint, { mode, times: 1 });
      const id = txnId();
      const calls = [() => enkash.resendOtp(id), () => enkash.validateOtp({ ekPayId: id, otp: SANDBOX_TEST_OTP }), () => enkash.getTransactionStatus(id)];
      for (const call of calls) {
        const err = await errors.caught(call());
        expect(err.code, mode).toBe('provider_error');
        expect(err.details.outcomeUnknown).toBeUndefined();
      }
    }
  });

  it('answers rate_limited past the transaction budget', async () => {
    const id = txnId();
    for (let i = 0; i < 3; i++) await enkash.resendOtp(id);
    const err = await errors.caught(enkash.resendOtp(id));
    expect(err.code).toBe('rate_limited');
    expect(sandbox.control.transaction('enkash', id)).toMatchObject({ timesOtpSent: 3, sendRequests: 4 });
  });

  it('refuses an id that could change the URL path, without calling Enkash', async () => {
    const before = counts();
    for (const id of ['..', '../api/v0/payment/x', 'a/b', '']) {
      expect((await errors.caught(enkash.resendOtp(id))).code).toBe('invalid_input');
    }
    expect(counts()).toEqual(before);
  });

  it('says which variables are missing when Enkash is not configured', async () => {
    const none = createProviders(providersConfig(parseEnv({ ENKASH_BASE_URL: sandbox.baseUrls.enkash })));
    const err = await errors.caught(none.enkash.resendOtp('EK1'));
    expect(err.code).toBe('provider_error');
    expect(err.message).toBe('Enkash is not configured: set ENKASH_ACCESS_KEY, ENKASH_SECRET_KEY.');
  });

  it('never puts an OTP, token or secret in an error', () => {
    sandbox.control.issuedTokens().forEach((t) => tokensSeen.add(t));
    expect(errors.seen.length).toBeGreaterThan(15);
    expect(tokensSeen.size).toBeGreaterThan(3);
    const secrets = [SANDBOX_TEST_OTP, WRONG_OTP, sandbox.env.ENKASH_ACCESS_KEY, sandbox.env.ENKASH_SECRET_KEY, 'not-the-secret', ...tokensSeen];
    expect(errors.leaked(secrets)).toEqual([]);
  });
});

describe('Enkash PG token expiry', () => {
  it('renews the token when it expires', async () => {
    const short = await startSandboxWithProviders({ tokenTtlMs: 1000 });
    try {
      const client = short.providers().enkash;
      await client.resendOtp('EKEXP1');
      await client.resendOtp('EKEXP2');
      expect(short.sandbox.control.counts()['enkash.token']).toBe(1);
      await new Promise((r) => setTimeout(r, 1100));
      await client.resendOtp('EKEXP3');
      expect(short.sandbox.control.counts()['enkash.token']).toBe(2);
      expect(short.sandbox.control.counts()['enkash.resend']).toBe(3);
    } finally {
      await short.sandbox.close();
    }
  });
});
