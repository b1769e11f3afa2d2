import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  // 2 s: a busy machine can keep the in-process simulator from answering within a shorter deadline.
  const started = await startSandboxWithProviders({ timeoutMs: 2000 });
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

  it('asks the order status with Basic auth, x-merchantid and version, and keeps the money exact', async () => {
    const order = `DOTP${Date.now()}${++n}`;
    sandbox.control.registerPayment({
      provider: 'juspay',
      id: `payopsdemo-${order}-1`,
      orderId: order,
      txnUuid: `uuid${order}`,
      status: 'CHARGED',
      // More digits than a float keeps: 99999999999999.99 would come back as …98.
      amount: '99999999999999.99',
    });
    const status = await juspay.getOrderStatus(order);
    expect(status).toMatchObject({
      provider: 'juspay',
      orderId: order,
      transactionId: `payopsdemo-${order}-1`,
      txnId: `payopsdemo-${order}-1`,
      txnUuid: `uuid${order}`,
      status: 'CHARGED',
      statusId: 21,
      amount: '99999999999999.9900',
      amountRefunded: '0.0000',
      refunded: false,
      refunds: [],
      gatewayResponse: { respCode: '00' },
    });
    expect(status.udf.udf1).toBeNull();
    // The latest attempt of the order is the one answered.
    sandbox.control.registerPayment({ provider: 'juspay', id: `payopsdemo-${order}-2`, orderId: order, status: 'PENDING_VBV', amount: '10.00' });
    expect(await juspay.getOrderStatus(order)).toMatchObject({ txnId: `payopsdemo-${order}-2`, status: 'PENDING_VBV', statusId: 23, amount: '10.0000' });
  });

  it('sends exactly the documented headers', async () => {
    const seen: Record<string, string | string[] | undefined>[] = [];
    const server = createServer((req, res) => {
      seen.push({ ...req.headers, url: req.url });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"order_id":"o1","status":"NEW","status_id":10}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base`;
      const env = { JUSPAY_BASE_URL: url, JUSPAY_API_KEY: 'key-123', JUSPAY_MERCHANT_ID: 'merchant-9', JUSPAY_API_VERSION: '2024-02-29' };
      const client = createProviders(providersConfig(parseEnv(env))).juspay;
      expect(await client.getOrderStatus('o1')).toMatchObject({ status: 'NEW', orderId: 'o1', transactionId: 'o1', txnId: null });
      expect(seen[0]).toMatchObject({
        url: '/base/orders/o1',
        authorization: `Basic ${Buffer.from('key-123:').toString('base64')}`,
        'x-merchantid': 'merchant-9',
        version: '2024-02-29',
      });
      // Without a merchant id the call is not made at all; OTP calls still are.
      const noMerchant = createProviders(providersConfig(parseEnv({ ...env, JUSPAY_MERCHANT_ID: '' }))).juspay;
      const err = await errors.caught(noMerchant.getOrderStatus('o1'));
      expect(err).toMatchObject({ code: 'provider_error', message: expect.stringMatching(/JUSPAY_MERCHANT_ID/) });
      expect(seen).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('maps an unknown order to not_found and refused credentials to unauthorized', async () => {
    expect((await errors.caught(juspay.getOrderStatus(`NOPE${Date.now()}`))).code).toBe('not_found');
    const badKey = createProviders(providersConfig(parseEnv({ ...sandbox.env, JUSPAY_API_KEY: 'wrong-api-key' }))).juspay;
    expect((await errors.caught(badKey.getOrderStatus('DOTP1'))).code).toBe('unauthorized');
    const badMerchant = createProviders(providersConfig(parseEnv({ ...sandbox.env, JUSPAY_MERCHANT_ID: 'someone-else' }))).juspay;
    expect((await errors.caught(badMerchant.getOrderStatus('DOTP1'))).code).toBe('unauthorized');
    expect((await errors.caught(juspay.getOrderStatus('../admin'))).code).toBe('invalid_input');
  });

  it('maps an order status timeout, 5xx and garbage', async () => {
    const order = `DOTP${Date.now()}${++n}`;
    sandbox.control.registerPayment({ provider: 'juspay', id: order, status: 'NEW' });
    sandbox.control.setFault('juspay.status', { mode: 'timeout', times: 1 });
    expect(await errors.caught(juspay.getOrderStatus(order))).toMatchObject({ code: 'provider_timeout', details: { provider: 'juspay' } });
    for (const mode of ['5xx', 'garbage'] as const) {
      sandbox.control.setFault('juspay.status', { mode, times: 1 });
      expect((await errors.caught(juspay.getOrderStatus(order))).code).toBe('provider_error');
    }
    expect((await juspay.getOrderStatus(order)).status).toBe('NEW');
  });

  it('never puts an OTP or the API key in an error', () => {
    const basic = Buffer.from(`${sandbox.env.JUSPAY_API_KEY}:`).toString('base64');
    expect(errors.seen.length).toBeGreaterThan(8);
    const otherBasic = Buffer.from('key-123:').toString('base64');
    expect(errors.leaked([SANDBOX_TEST_OTP, WRONG_OTP, sandbox.env.JUSPAY_API_KEY, 'wrong-api-key', basic, 'key-123', otherBasic])).toEqual([]);
  });
});
