import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './server';

// The simulator's refund endpoints and their control API, spoken to over HTTP as a browser test or a person would.
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ refundDelayMs: 60_000 });
});
beforeEach(() => sandbox.control.reset());
afterAll(async () => {
  await sandbox.close();
});

const call = async (path: string, init: { json?: unknown; headers?: Record<string, string>; body?: string; method?: string } = {}) => {
  const res = await fetch(`${sandbox.url}${path}`, {
    method: init.method ?? (init.json !== undefined || init.body ? 'POST' : 'GET'),
    headers: { ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
const juspayHeaders = () => ({
  authorization: `Basic ${Buffer.from(`${sandbox.credentials.JUSPAY_API_KEY}:`).toString('base64')}`,
  'x-merchantid': sandbox.credentials.JUSPAY_MERCHANT_ID,
  version: '2023-06-30',
});

describe('simulator refunds', () => {
  it('takes a Juspay refund as JSON without an amount (all that is left), settles it on the delay set through the control API', async () => {
    sandbox.control.registerPayment({ provider: 'juspay', id: 'payopsdemo-O9-1', orderId: 'O9', status: 'CHARGED', amount: '1499.50' });
    const created = await call('/juspay/orders/O9/refunds', { json: { unique_request_id: 'all-of-it' }, headers: juspayHeaders() });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ order_id: 'O9', status: 'CHARGED', amount_refunded: 0, refunds: [{ unique_request_id: 'all-of-it', amount: 1499.5, status: 'PENDING', sent_to_gateway: false, refund_arn: null, initiated_by: 'API', refund_type: 'STANDARD' }] });
    // A minute to go: nothing changes; a 0 ms delay set now applies to new refunds only.
    expect((await call('/__sandbox/refunds/settings', { json: { delayMs: 0 } })).body).toEqual({ delayMs: 0 });
    const listed = await call('/__sandbox/refunds/juspay/payopsdemo-O9-1');
    expect(listed.body).toMatchObject({ provider: 'juspay', paymentId: 'O9', calls: 1, refunds: [{ requestId: 'all-of-it', amount: '1499.5000', status: 'PENDING' }] });
    expect((await call('/juspay/orders/O9/refunds', { body: 'unique_request_id=more&amount=0.01', headers: { ...juspayHeaders(), 'content-type': 'application/x-www-form-urlencoded' } })).body).toMatchObject({ error_code: 'invalid_request' });
    // Resolved by hand.
    const resolved = await call('/__sandbox/refunds/resolve', { json: { provider: 'juspay', id: listed.body.refunds[0].id, outcome: 'success' } });
    expect(resolved.body).toMatchObject({ status: 'SUCCESS', sentToGateway: true });
    expect((await call('/juspay/orders/O9', { headers: juspayHeaders() })).body).toMatchObject({ status: 'CHARGED', amount_refunded: 1499.5, refunded: true });
    expect((await call('/__sandbox/refunds')).body).toMatchObject({ delayMs: 0, calls: { enkash: 0, juspay: 2 } });
  });

  it('refuses a refund fault on the wrong endpoint, and an unknown payment', async () => {
    expect((await call('/__sandbox/faults', { json: { endpoint: 'juspay.status', mode: 'refund_fail' } })).status).toBe(400);
    expect((await call('/__sandbox/faults', { json: { endpoint: 'enkash.refund', mode: 'refund_manual_review' } })).status).toBe(400);
    expect((await call('/__sandbox/faults', { json: { endpoint: 'juspay.refund', mode: 'refund_manual_review', times: 1 } })).body).toEqual({ mode: 'refund_manual_review', delayMs: 0, times: 1 });
    expect((await call('/__sandbox/refunds/enkash/EKNOPE')).status).toBe(404);
  });
});
