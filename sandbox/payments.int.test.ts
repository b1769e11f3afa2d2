import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './server';
import { capturePayops } from './testing';

let sandbox: Sandbox;
let payops: Awaited<ReturnType<typeof capturePayops>>;
let dir: string;

beforeAll(async () => {
  payops = await capturePayops();
  sandbox = await startSandbox({ payopsUrl: payops.url });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'payops-sandbox-'));
});
beforeEach(() => {
  sandbox.control.reset();
  payops.received.length = 0;
});
afterAll(async () => {
  await sandbox.close();
  await payops.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const call = (s: Sandbox, p: string, init: { json?: unknown; headers?: Record<string, string>; method?: string } = {}) =>
  fetch(`${s.url}${p}`, {
    method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'),
    headers: { ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
const orderHeaders = (s: Sandbox, over: Record<string, string> = {}) => ({
  authorization: `Basic ${Buffer.from(`${s.credentials.JUSPAY_API_KEY}:`).toString('base64')}`,
  'x-merchantid': s.credentials.JUSPAY_MERCHANT_ID,
  version: '2023-06-30',
  ...over,
});
const orderStatus = (s: Sandbox, order: string, over: Record<string, string> = {}) => call(s, `/juspay/orders/${order}`, { headers: orderHeaders(s, over) });
const enkashStatus = async (s: Sandbox, id: string) => {
  const token = (await (
    await call(s, '/enkash/api/v0/merchant/token', { json: { accessKey: s.credentials.ENKASH_ACCESS_KEY, secretKey: s.credentials.ENKASH_SECRET_KEY } })
  ).json()) as { token: string };
  return call(s, `/enkash/api/v0/payment/${id}`, { headers: { authorization: `Bearer ${token.token}`, merchantAccessKey: s.credentials.ENKASH_ACCESS_KEY } });
};
const register = (body: Record<string, unknown>) => call(sandbox, '/__sandbox/payments', { json: body });

describe('payments the simulator knows', () => {
  it('answers the Juspay order status of a registered payment, amounts as exact JSON numbers', async () => {
    const reg = await register({ provider: 'juspay', id: 'payopsdemo-DOTP1-1', orderId: 'DOTP1', txnUuid: 'uuidDOTP1', customerId: 'cust_1', status: 'PENDING_VBV', amount: '1499.50' });
    expect(reg.status).toBe(200);
    const res = await orderStatus(sandbox, 'DOTP1');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('"amount":1499.50');
    expect(JSON.parse(text)).toMatchObject({
      order_id: 'DOTP1',
      status: 'PENDING_VBV',
      status_id: 23,
      txn_id: 'payopsdemo-DOTP1-1',
      txn_uuid: 'uuidDOTP1',
      customer_id: 'cust_1',
      refunds: [],
      payment_gateway_response: { epg_txn_id: expect.any(String) },
      udf1: '',
    });
    expect(sandbox.control.counts()['juspay.status']).toBe(1);
  });

  it('refuses an order status without the right key, merchant id or version, and says 404 for an unknown order', async () => {
    await register({ provider: 'juspay', id: 'DOTP2', status: 'NEW' });
    expect((await orderStatus(sandbox, 'DOTP2')).status).toBe(200);
    expect((await orderStatus(sandbox, 'DOTP2', { authorization: `Basic ${Buffer.from('nope:').toString('base64')}` })).status).toBe(401);
    expect((await orderStatus(sandbox, 'DOTP2', { 'x-merchantid': 'someone' })).status).toBe(401);
    expect((await orderStatus(sandbox, 'DOTP2', { version: '' })).status).toBe(400);
    const unknown = await orderStatus(sandbox, 'DOTP-unknown');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error_code: 'RESOURCE_NOT_FOUND' });
  });

  it('switches faults on the order status like any endpoint', async () => {
    await register({ provider: 'juspay', id: 'DOTP3', status: 'CHARGED' });
    await call(sandbox, '/__sandbox/faults', { json: { endpoint: 'juspay.status', mode: '5xx', times: 1 } });
    expect((await orderStatus(sandbox, 'DOTP3')).status).toBe(503);
    await call(sandbox, '/__sandbox/faults', { json: { endpoint: 'juspay.status', mode: 'garbage', times: 1 } });
    expect((await orderStatus(sandbox, 'DOTP3')).headers.get('content-type')).toBe('text/html');
    await call(sandbox, '/__sandbox/faults', { json: { endpoint: 'juspay.status', mode: 'timeout', times: 1 } });
    await expect(fetch(`${sandbox.url}/juspay/orders/DOTP3`, { headers: orderHeaders(sandbox), signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await orderStatus(sandbox, 'DOTP3')).status).toBe(200);
  });

  it('changes a status silently: the status APIs answer the new one and nothing is sent to PayOps', async () => {
    await register({ provider: 'enkash', id: 'EKSILENT1', status: 'PENDING_WITH_BANK', amount: '500.00' });
    await register({ provider: 'juspay', id: 'payopsdemo-DOTP4-1', orderId: 'DOTP4', status: 'PENDING_VBV' });
    expect((await call(sandbox, '/__sandbox/payments/status', { json: { provider: 'enkash', id: 'EKSILENT1', status: 'SUCCESS' } })).status).toBe(200);
    // A Juspay payment may be named by its order id too.
    expect((await call(sandbox, '/__sandbox/payments/status', { json: { provider: 'juspay', id: 'DOTP4', status: 'CHARGED' } })).status).toBe(200);
    expect(await (await enkashStatus(sandbox, 'EKSILENT1')).json()).toMatchObject({ payload: { transactionId: 'EKSILENT1', status: 'SUCCESS' } });
    expect(await (await orderStatus(sandbox, 'DOTP4')).json()).toMatchObject({ status: 'CHARGED', status_id: 21, txn_id: 'payopsdemo-DOTP4-1' });
    expect(payops.received).toEqual([]);
    const unknown = await call(sandbox, '/__sandbox/payments/status', { json: { provider: 'enkash', id: 'EKNOBODY', status: 'SUCCESS' } });
    expect(unknown.status).toBe(404);
  });

  it('keeps a stuck payment open whatever the OTP calls do', async () => {
    await register({ provider: 'juspay', id: 'payopsdemo-DOTP5-1', orderId: 'DOTP5', txnUuid: 'uuid5', customerId: 'cust_5', challengeId: 'ch_5', status: 'PENDING_VBV' });
    expect((await call(sandbox, '/__sandbox/payments/stuck', { json: { provider: 'juspay', id: 'uuid5' } })).status).toBe(200);
    const form = new URLSearchParams({ challenge_id: 'ch_5', 'answer.otp': '123456' }).toString();
    const processed = await fetch(`${sandbox.url}/juspay/v2/txns/uuid5/authenticate`, {
      method: 'POST',
      headers: { ...orderHeaders(sandbox), 'x-routing-id': 'cust_5', 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(processed.status).toBe(200);
    expect(await (await orderStatus(sandbox, 'DOTP5')).json()).toMatchObject({ status: 'PENDING_VBV' });
    // Let go, the same OTP charges it.
    await call(sandbox, '/__sandbox/payments/stuck', { json: { provider: 'juspay', id: 'DOTP5', stuck: false } });
    await fetch(`${sandbox.url}/juspay/v2/txns/uuid5/authenticate`, {
      method: 'POST',
      headers: { ...orderHeaders(sandbox), 'x-routing-id': 'cust_5', 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(await (await orderStatus(sandbox, 'DOTP5')).json()).toMatchObject({ status: 'CHARGED' });
  });

  it('counts OTP sends made under the txn_uuid before the payment was registered as the same payment', async () => {
    const resend = () =>
      fetch(`${sandbox.url}/juspay/v2/txns/uuid6/authenticate/ch_6/resend`, { method: 'POST', headers: { ...orderHeaders(sandbox), 'x-routing-id': 'cust_6' } });
    expect((await resend()).status).toBe(200);
    await register({ provider: 'juspay', id: 'payopsdemo-DOTP6-1', orderId: 'DOTP6', txnUuid: 'uuid6', status: 'PENDING_VBV' });
    expect((await resend()).status).toBe(200);
    expect(sandbox.control.transaction('juspay', 'uuid6')).toMatchObject({ id: 'payopsdemo-DOTP6-1', timesOtpSent: 2, sendRequests: 2, routingId: 'cust_6' });
    expect(sandbox.control.transaction('juspay', 'payopsdemo-DOTP6-1')).toBe(sandbox.control.transaction('juspay', 'uuid6'));
  });

  it('refuses a registration that is not one', async () => {
    for (const body of [{ provider: 'paypal', id: 'x' }, { provider: 'enkash' }, { provider: 'enkash', id: 'x', amount: 1499.5 }, { provider: 'enkash', id: 'x', amount: '1e3' }]) {
      expect((await register(body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('knows the documented Enkash example from the start (npm run notify), also after a reset', async () => {
    expect(await (await enkashStatus(sandbox, 'EK1738916997652yh8GL')).json()).toMatchObject({ response_code: 0, payload: { status: 'SUCCESS', amount: '500.00' } });
  });

  it('learns payments from a known-payments file, also lines written after it started (and a reset reads it again)', async () => {
    const file = path.join(dir, 'known.jsonl');
    fs.writeFileSync(file, `${JSON.stringify({ provider: 'enkash', id: 'EKFILE1', status: 'SUCCESS', amount: '10.00' })}\nnot json\n`);
    const s = await startSandbox({ knownPayments: [file, path.join(dir, 'not-there-yet.jsonl')] });
    try {
      expect(s.control.transaction('enkash', 'EKFILE1')?.status).toBe('SUCCESS');
      // Written later (PayOps seeds after the simulator is up), half a line at first.
      fs.appendFileSync(file, `${JSON.stringify({ provider: 'juspay', id: 'payopsdemo-DOTPF-1', orderId: 'DOTPF', status: 'CHARGED', amount: '5.50' })}\n{"provider":"enk`);
      expect((await orderStatus(s, 'DOTPF')).status).toBe(200);
      fs.appendFileSync(file, `ash","id":"EKFILE2","status":"FAILED"}\n`);
      expect(await (await enkashStatus(s, 'EKFILE2')).json()).toMatchObject({ payload: { status: 'FAILED' } });
      s.control.reset();
      expect((await orderStatus(s, 'DOTPF')).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('keeps a journal of what it was told and replays it after a restart', async () => {
    const journal = path.join(dir, 'sub', 'journal.jsonl');
    const first = await startSandbox({ journal });
    await call(first, '/__sandbox/payments', { json: { provider: 'juspay', id: 'payopsdemo-DOTPJ-1', orderId: 'DOTPJ', status: 'PENDING_VBV', amount: '42.00' } });
    await call(first, '/__sandbox/payments/status', { json: { provider: 'juspay', id: 'DOTPJ', status: 'CHARGED' } });
    await first.close();
    const second = await startSandbox({ journal });
    try {
      expect(await (await orderStatus(second, 'DOTPJ')).json()).toMatchObject({ status: 'CHARGED', txn_id: 'payopsdemo-DOTPJ-1' });
      expect(await (await orderStatus(second, 'DOTPJ')).text()).toContain('"amount":42.00');
    } finally {
      await second.close();
    }
  });
});
