import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { capturePayops, startSandboxWithProviders } from '@/sandbox/testing';
import type { Sandbox } from '@/sandbox/server';
import { createProviders, providersConfig, type Providers } from '.';
import { errorCollector } from './testing';

// Refunds against the in-process simulator: a short pending spell (refundDelayMs) keeps it quick.
const DELAY_MS = 150;
let sandbox: Sandbox;
let providers: Providers;
let payops: Awaited<ReturnType<typeof capturePayops>>;
const errors = errorCollector();
let n = 0;
const uniq = () => `${Date.now().toString(36)}${++n}`;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  payops = await capturePayops({ juspayPassword: 'hook-pass' });
  const started = await startSandboxWithProviders({
    timeoutMs: 2000,
    refundDelayMs: DELAY_MS,
    payopsUrl: payops.url,
    webhookAuth: { juspayUsername: 'juspay', juspayPassword: 'hook-pass' },
  });
  sandbox = started.sandbox;
  providers = started.providers();
});
afterEach(() => sandbox.control.clearFaults());
afterAll(async () => {
  await sandbox.close();
  await payops.close();
});

/** A short deadline for the timeout cases (the simulator holds the call open). */
const hasty = () => createProviders(providersConfig(parseEnv({ ...sandbox.env, PROVIDER_TIMEOUT_MS: '300' })));

function enkashPayment(amount = '1499.50', status = 'SUCCESS') {
  const id = `EKRF${uniq()}`;
  sandbox.control.registerPayment({ provider: 'enkash', id, status, amount, payload: { transactionId: id, status, amount, paymentMode: 'UPI', currency: 'INR' } });
  return id;
}

function juspayOrder(amount = '1499.50', status = 'CHARGED') {
  const order = `ORF${uniq()}`;
  sandbox.control.registerPayment({ provider: 'juspay', id: `payopsdemo-${order}-1`, orderId: order, status, amount });
  return order;
}

describe('Enkash refunds', () => {
  it('refunds part of a payment exactly, then the rest; pending until the delay, then succeeded with an ARN', async () => {
    const id = enkashPayment('1499.50');
    const first = await providers.enkash.refund({ transactionId: id, amount: '200.00', remarks: 'Damaged item', requestId: `rq${uniq()}` });
    expect(first).toMatchObject({ provider: 'enkash', state: 'pending', providerStatus: 'CREATED', amount: '200.0000', arn: null });
    expect(first.providerRefundId).toMatch(/^RFND\d+$/);
    const at = sandbox.control.refunds.of('enkash', id)!;
    expect(at.refunds).toMatchObject([{ amount: '200.0000', remarks: 'Damaged item', status: 'CREATED' }]);

    await wait(DELAY_MS + 50);
    const done = await providers.enkash.getRefundStatus({ refundTransactionId: first.providerRefundId!, requestId: first.requestId });
    expect(done).toMatchObject({ state: 'succeeded', providerStatus: 'SUCCESS', amount: '200.0000', providerRefundId: first.providerRefundId, requestId: first.requestId });
    expect(done.arn).toMatch(/^\d{12,}$/);
    expect((await providers.enkash.getTransactionStatus(id)).status).toBe('PARTIALLY_REFUNDED');

    // 1299.50 is left: a paisa more is refused, exactly that much is taken.
    const over = await errors.caught(providers.enkash.refund({ transactionId: id, amount: '1299.51', remarks: null, requestId: `rq${uniq()}` }));
    expect(over.code).toBe('invalid_input');
    expect(over.message).toMatch(/more than the refundable amount/);
    const rest = await providers.enkash.refund({ transactionId: id, amount: '1299.50', remarks: null, requestId: `rq${uniq()}` });
    expect(rest.amount).toBe('1299.5000');
    await wait(DELAY_MS + 50);
    expect((await providers.enkash.getRefundStatus({ refundTransactionId: rest.providerRefundId!, requestId: rest.requestId })).state).toBe('succeeded');
    expect((await providers.enkash.getTransactionStatus(id)).status).toBe('REFUNDED');
  });

  it('answers the same requestId with the same refund, never a second one', async () => {
    const id = enkashPayment('500.00');
    const input = { transactionId: id, amount: '500.00', remarks: null, requestId: `rq${uniq()}` };
    const a = await providers.enkash.refund(input);
    const b = await providers.enkash.refund(input);
    expect(b.providerRefundId).toBe(a.providerRefundId);
    expect(sandbox.control.refunds.of('enkash', id)).toMatchObject({ calls: 2, refunds: [{ id: a.providerRefundId }] });
  });

  it('refuses a payment that is not successful, an unknown one, no balance, and a bad amount before any call', async () => {
    const pending = enkashPayment('100.00', 'PENDING_WITH_BANK');
    expect((await errors.caught(providers.enkash.refund({ transactionId: pending, amount: '10.00', remarks: null, requestId: `rq${uniq()}` }))).code).toBe('invalid_input');
    expect((await errors.caught(providers.enkash.refund({ transactionId: `EKNOPE${uniq()}`, amount: '10.00', remarks: null, requestId: `rq${uniq()}` }))).code).toBe('not_found');

    const id = enkashPayment('100.00');
    sandbox.control.setFault('enkash.refund', { mode: 'refund_insufficient_balance', times: 1 });
    const poor = await errors.caught(providers.enkash.refund({ transactionId: id, amount: '10.00', remarks: null, requestId: `rq${uniq()}` }));
    expect(poor).toMatchObject({ code: 'invalid_input', details: { httpStatus: 400 } });
    expect(poor.message).toMatch(/Insufficient balance/);

    const before = sandbox.control.counts()['enkash.refund'];
    for (const amount of ['0', '-5.00', '10.005', '1e3', 'ten']) {
      expect((await errors.caught(providers.enkash.refund({ transactionId: id, amount, remarks: null, requestId: `rq${uniq()}` }))).code).toBe('invalid_input');
    }
    expect(sandbox.control.counts()['enkash.refund']).toBe(before);
    expect((await errors.caught(providers.enkash.getRefundStatus({ refundTransactionId: 'RFND_NOPE', requestId: 'x' }))).code).toBe('not_found');
  });

  it('on a timeout reports the outcome as unknown, sends once, and the refund exists at Enkash', async () => {
    const id = enkashPayment('300.00');
    sandbox.control.setFault('enkash.refund', { mode: 'refund_timeout', times: 1 });
    const requestId = `rq${uniq()}`;
    const before = sandbox.control.counts()['enkash.refund'];
    const err = await errors.caught(hasty().enkash.refund({ transactionId: id, amount: '300.00', remarks: null, requestId }));
    expect(err).toMatchObject({ code: 'provider_timeout', details: { provider: 'enkash', outcomeUnknown: true } });
    expect(err.message).toMatch(/refund may or may not have been created/);
    expect(sandbox.control.counts()['enkash.refund'] - before).toBe(1);
    expect(sandbox.control.refunds.of('enkash', id)?.refunds).toMatchObject([{ requestId, amount: '300.0000' }]);
    // Asking again with the same requestId finds it.
    const again = await providers.enkash.refund({ transactionId: id, amount: '300.00', remarks: null, requestId });
    expect(again.providerRefundId).toBe(sandbox.control.refunds.of('enkash', id)!.refunds[0].id);
  });

  it('fails a refund, or keeps it pending for ever, by fault', async () => {
    const id = enkashPayment('100.00');
    sandbox.control.setFault('enkash.refund', { mode: 'refund_fail', times: 1 });
    const failing = await providers.enkash.refund({ transactionId: id, amount: '40.00', remarks: null, requestId: `rq${uniq()}` });
    sandbox.control.setFault('enkash.refund', { mode: 'refund_stuck', times: 1 });
    const stuck = await providers.enkash.refund({ transactionId: id, amount: '60.00', remarks: null, requestId: `rq${uniq()}` });
    await wait(DELAY_MS + 50);
    expect(await providers.enkash.getRefundStatus({ refundTransactionId: failing.providerRefundId!, requestId: failing.requestId })).toMatchObject({ state: 'failed', providerStatus: 'FAILED', arn: null });
    expect(await providers.enkash.getRefundStatus({ refundTransactionId: stuck.providerRefundId!, requestId: stuck.requestId })).toMatchObject({ state: 'pending', providerStatus: 'CREATED' });
    // A failed refund gives its amount back: 40.00 is left to refund again.
    expect((await providers.enkash.refund({ transactionId: id, amount: '40.00', remarks: null, requestId: `rq${uniq()}` })).state).toBe('pending');
    expect((await providers.enkash.getTransactionStatus(id)).status).toBe('SUCCESS');
  });
});

describe('Juspay refunds', () => {
  it('refunds part of an order exactly; the order stays CHARGED and tells by amount_refunded; webhooks go to PayOps', async () => {
    const order = juspayOrder('1499.50');
    const requestId = `jr${uniq()}`;
    const first = await providers.juspay.refund({ orderId: order, requestId, amount: '200.00' });
    expect(first).toMatchObject({ provider: 'juspay', requestId, state: 'pending', providerStatus: 'PENDING', amount: '200.0000', arn: null, message: null });
    expect(first.providerRefundId).toBeTruthy();
    const pending = await providers.juspay.getOrderStatus(order);
    expect(pending.refunds).toMatchObject([{ uniqueRequestId: requestId, status: 'PENDING', sentToGateway: false, arn: null, ref: null }]);

    await wait(DELAY_MS + 50);
    const done = await providers.juspay.getOrderStatus(order);
    expect(done).toMatchObject({ status: 'CHARGED', amount: '1499.5000', amountRefunded: '200.0000', refunded: true });
    expect(done.refunds[0]).toMatchObject({ id: first.providerRefundId, status: 'SUCCESS', sentToGateway: true, amount: '200.0000' });
    expect(done.refunds[0].arn).toMatch(/^\d{12,}$/);
    expect(done.refunds[0].ref).toBeTruthy();

    // The rest: amount left out is all that is left (the simulator), here given exactly.
    const rest = await providers.juspay.refund({ orderId: order, requestId: `jr${uniq()}`, amount: '1299.50' });
    expect(rest.amount).toBe('1299.5000');
    await wait(DELAY_MS + 50);
    expect(await providers.juspay.getOrderStatus(order)).toMatchObject({ status: 'CHARGED', amountRefunded: '1499.5000' });

    await expect.poll(() => payops.received.filter((d) => d.body.includes(order)).length).toBe(2);
    const hooks = payops.received.filter((d) => d.body.includes(order)).map((d) => ({ ...d, event: JSON.parse(d.body) }));
    expect(hooks.map((h) => [h.url, h.status, h.event.event_name])).toEqual([
      ['/api/webhooks/juspay', 200, 'ORDER_REFUNDED'],
      ['/api/webhooks/juspay', 200, 'ORDER_REFUNDED'],
    ]);
    expect(hooks[0].headers.authorization).toBe(`Basic ${Buffer.from('juspay:hook-pass').toString('base64')}`);
    expect(hooks[0].event.id).toMatch(/^evt_V2_/);
    expect(hooks[0].event.content.order).toMatchObject({ order_id: order, status: 'CHARGED', refunds: [{ unique_request_id: requestId, status: 'SUCCESS' }] });
    // Money as exact JSON numbers: 1499.50, never 1499.5.
    expect(hooks[1].body).toContain('"amount_refunded":1499.50');
  });

  it('answers a reused request id, and the same amount again within 5 s, with duplicate_request', async () => {
    const order = juspayOrder('1000.00');
    const requestId = `jr${uniq()}`;
    await providers.juspay.refund({ orderId: order, requestId, amount: '100.00' });
    const dup = await errors.caught(providers.juspay.refund({ orderId: order, requestId, amount: '100.00' }));
    expect(dup).toMatchObject({ code: 'duplicate_request', details: { provider: 'juspay', httpStatus: 400 } });
    const quick = await errors.caught(providers.juspay.refund({ orderId: order, requestId: `jr${uniq()}`, amount: '100.00' }));
    expect(quick.code).toBe('duplicate_request');
    expect(sandbox.control.refunds.of('juspay', order)).toMatchObject({ calls: 3, refunds: [{ requestId }] });
    // Another amount is another refund.
    expect((await providers.juspay.refund({ orderId: order, requestId: `jr${uniq()}`, amount: '100.01' })).amount).toBe('100.0100');
  });

  it('refuses more than is left, an order not charged, an unknown order; a long request id is refused without a call', async () => {
    const order = juspayOrder('50.00');
    const over = await errors.caught(providers.juspay.refund({ orderId: order, requestId: `jr${uniq()}`, amount: '50.01' }));
    expect(over).toMatchObject({ code: 'invalid_input', details: { httpStatus: 400 } });
    expect(over.message).toMatch(/more than the amount left/);
    expect((await errors.caught(providers.juspay.refund({ orderId: juspayOrder('50.00', 'PENDING_VBV'), requestId: `jr${uniq()}`, amount: '1.00' }))).code).toBe('invalid_input');
    expect((await errors.caught(providers.juspay.refund({ orderId: `NOPE${uniq()}`, requestId: `jr${uniq()}`, amount: '1.00' }))).code).toBe('not_found');

    const before = sandbox.control.counts()['juspay.refund'];
    for (const requestId of ['r'.repeat(21), 'has space', '', 'ünïcode']) {
      expect((await errors.caught(providers.juspay.refund({ orderId: order, requestId, amount: '1.00' }))).code).toBe('invalid_input');
    }
    expect((await providers.juspay.refund({ orderId: order, requestId: 'r'.repeat(20), amount: '1.00' })).requestId).toBe('r'.repeat(20));
    expect(sandbox.control.counts()['juspay.refund'] - before).toBe(1);
  });

  it('on a timeout reports the outcome as unknown; the refund exists, and a second send is a duplicate', async () => {
    const order = juspayOrder('80.00');
    const requestId = `jr${uniq()}`;
    sandbox.control.setFault('juspay.refund', { mode: 'refund_timeout', times: 1 });
    const err = await errors.caught(hasty().juspay.refund({ orderId: order, requestId, amount: '80.00' }));
    expect(err).toMatchObject({ code: 'provider_timeout', details: { provider: 'juspay', outcomeUnknown: true } });
    expect(sandbox.control.refunds.of('juspay', order)).toMatchObject({ calls: 1, refunds: [{ requestId, amount: '80.0000' }] });
    expect((await providers.juspay.getOrderStatus(order)).refunds).toMatchObject([{ uniqueRequestId: requestId }]);
    expect((await errors.caught(providers.juspay.refund({ orderId: order, requestId, amount: '80.00' }))).code).toBe('duplicate_request');
  });

  it('fails a refund or sends it to manual review by fault, with the matching webhooks', async () => {
    const order = juspayOrder('90.00');
    sandbox.control.setFault('juspay.refund', { mode: 'refund_fail', times: 1 });
    const failing = await providers.juspay.refund({ orderId: order, requestId: `jr${uniq()}`, amount: '30.00' });
    sandbox.control.setFault('juspay.refund', { mode: 'refund_manual_review', times: 1 });
    const review = await providers.juspay.refund({ orderId: order, requestId: `jr${uniq()}`, amount: '31.00' });
    await wait(DELAY_MS + 50);
    const s = await providers.juspay.getOrderStatus(order);
    expect(s).toMatchObject({ status: 'CHARGED', amountRefunded: '0.0000', refunded: false });
    expect(s.refunds).toMatchObject([
      { id: failing.providerRefundId, status: 'FAILURE', errorMessage: 'Refund declined by the bank', arn: null },
      { id: review.providerRefundId, status: 'MANUAL_REVIEW', sentToGateway: false },
    ]);
    await expect.poll(() => sandbox.control.refunds.webhooks().filter((w) => w.orderId === order && w.status === 200).map((w) => w.eventName).sort()).toEqual([
      'ORDER_REFUND_FAILED',
      'REFUND_MANUAL_REVIEW_NEEDED',
    ]);
  });

  it('keeps a stuck refund pending for ever, until resolved by hand', async () => {
    const order = juspayOrder('20.00');
    sandbox.control.setFault('juspay.refund', { mode: 'refund_stuck', times: 1 });
    const r = await providers.juspay.refund({ orderId: order, requestId: `jr${uniq()}`, amount: '20.00' });
    await wait(DELAY_MS + 50);
    expect((await providers.juspay.getOrderStatus(order)).refunds[0].status).toBe('PENDING');
    sandbox.control.refunds.resolve('juspay', r.providerRefundId!, 'success');
    expect(await providers.juspay.getOrderStatus(order)).toMatchObject({ amountRefunded: '20.0000', refunds: [{ status: 'SUCCESS' }] });
  });

  it('never puts the API key in an error', () => {
    expect(errors.seen.length).toBeGreaterThan(10);
    expect(errors.leaked([sandbox.env.JUSPAY_API_KEY, sandbox.env.ENKASH_SECRET_KEY, Buffer.from(`${sandbox.env.JUSPAY_API_KEY}:`).toString('base64')])).toEqual([]);
  });
});
