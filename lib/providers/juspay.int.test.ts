import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { startSandboxWithProviders } from '@/sandbox/testing';
import { SANDBOX_TEST_OTP } from '@/sandbox/state';
import type { Sandbox } from '@/sandbox/server';
import { createProviders, providersConfig, type Providers } from '.';
import { errorCollector } from './testing';

const WRONG_OTP = '654321';
let sandbox: Sandbox;
let juspay: Providers['juspay'];
const errors = errorCollector();
let n = 0;
const target = () => ({ txnId: `txn_${Date.now()}_${++n}`, challengeId: 'ch_xyz', customerId: 'customer_1122' });

beforeAll(async () => {
  const started = await startSandboxWithProviders({ timeoutMs: 400 });
  sandbox = started.sandbox;
  juspay = started.providers().juspay;
});
afterEach(() => sandbox.control.clearFaults());
afterAll(async () => {
  await sandbox.close();
});

const counts = () => sandbox.control.counts();

describe('Juspay client against the simulator', () => {
  it('resends an OTP and reports the budget Juspay tells', async () => {
    const t = target();
    const result = await juspay.resendOtp(t);
    expect(result).toEqual({
      provider: 'juspay',
      providerRequestId: t.txnId,
      budget: { sent: 1, limit: 3 },
      maskedMobile: null,
      message: 'OTP sent (1 of 3).',
      challengeId: 'ch_xyz',
    });
  });

  it('answers rate_limited past max_otp_send_limit, and exactly the budget was sent', async () => {
    const t = target();
    sandbox.control.setTransaction('juspay', t.txnId, { maxOtpSendLimit: 2 });
    await juspay.resendOtp(t);
    expect((await juspay.resendOtp(t)).budget).toEqual({ sent: 2, limit: 2 });
    const err = await errors.caught(juspay.resendOtp(t));
    expect(err.code).toBe('rate_limited');
    expect(err.message).toMatch(/Max OTP send limit exceeded/);
    expect(sandbox.control.transaction('juspay', t.txnId)).toMatchObject({ timesOtpSent: 2, sendRequests: 3 });
  });

  it('processes the right OTP: the transaction is charged', async () => {
    const t = target();
    const result = await juspay.processOtp({ ...t, otp: SANDBOX_TEST_OTP });
    expect(result).toEqual({ provider: 'juspay', status: 'CHARGED', message: 'Transaction CHARGED.', providerRequestId: t.txnId });
  });

  it('refuses a wrong OTP, and after the last attempt reports AUTHENTICATION_FAILED', async () => {
    const t = target();
    for (let i = 0; i < 2; i++) {
      const err = await errors.caught(juspay.processOtp({ ...t, otp: WRONG_OTP }));
      expect(err.code).toBe('invalid_input');
    }
    expect(await juspay.processOtp({ ...t, otp: WRONG_OTP })).toMatchObject({ status: 'AUTHENTICATION_FAILED' });
    expect((await errors.caught(juspay.resendOtp(t))).code).toBe('invalid_input');
  });

  it('sends the same x-routing-id: another customer id for the transaction is refused', async () => {
    const t = target();
    await juspay.resendOtp(t);
    const err = await errors.caught(juspay.resendOtp({ ...t, customerId: 'someone_else' }));
    expect(err.code).toBe('invalid_input');
  });

  it('fails with unauthorized on a wrong API key', async () => {
    const bad = createProviders(providersConfig(parseEnv({ ...sandbox.env, JUSPAY_API_KEY: 'wrong-api-key' }))).juspay;
    expect((await errors.caught(bad.resendOtp(target()))).code).toBe('unauthorized');
    expect((await errors.caught(bad.processOtp({ ...target(), otp: SANDBOX_TEST_OTP }))).code).toBe('unauthorized');
  });

  it('on a timeout reports the resend as unknown and does not retry it', async () => {
    const t = target();
    sandbox.control.setFault('juspay.resend', { mode: 'timeout' });
    const before = counts();
    const err = await errors.caught(juspay.resendOtp(t));
    expect(err).toMatchObject({ code: 'provider_timeout', details: { provider: 'juspay', outcomeUnknown: true } });
    expect(counts()['juspay.resend'] - before['juspay.resend']).toBe(1);
    expect(sandbox.control.transaction('juspay', t.txnId)?.sendRequests).toBe(1);

    sandbox.control.setFault('juspay.authenticate', { mode: 'timeout' });
    const process = await errors.caught(juspay.processOtp({ ...t, otp: SANDBOX_TEST_OTP }));
    expect(process.code).toBe('provider_timeout');
    expect(process.details.outcomeUnknown).toBeUndefined();
  });

  it('maps 5xx and garbage to provider_error', async () => {
    for (const mode of ['5xx', 'garbage'] as const) {
      sandbox.control.setFault('juspay.resend', { mode, times: 1 });
      sandbox.control.setFault('juspay.authenticate', { mode, times: 1 });
      expect((await errors.caught(juspay.resendOtp(target()))).code).toBe('provider_error');
      expect((await errors.caught(juspay.processOtp({ ...target(), otp: SANDBOX_TEST_OTP }))).code).toBe('provider_error');
    }
  });

  it('never puts an OTP or the API key in an error', () => {
    const basic = Buffer.from(`${sandbox.env.JUSPAY_API_KEY}:`).toString('base64');
    expect(errors.seen.length).toBeGreaterThan(8);
    expect(errors.leaked([SANDBOX_TEST_OTP, WRONG_OTP, sandbox.env.JUSPAY_API_KEY, 'wrong-api-key', basic])).toEqual([]);
  });
});
