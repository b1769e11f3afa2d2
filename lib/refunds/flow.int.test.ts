import type PgBoss from 'pg-boss';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { refunds, type RefundRow } from '@/db/schema';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { useBoss } from '@/lib/jobs/boss';
import { parseEnv } from '@/lib/env';
import { createProviders, providersConfig, type Providers } from '@/lib/providers';
import { capturePayops, startSandboxWithProviders } from '@/sandbox/testing';
import type { Sandbox } from '@/sandbox/server';
import { refundPolicy } from './config';
import { approveRefund, type Approver } from './decide';
import { refundsAfterAccepted, trackRefunds } from './jobs';
import type { RefundActor } from './machine';
import { applyProviderAnswer } from './provider';
import { refundableOf, requestRefund } from './request';
import { checkRefund, sendRefund } from './send';

// Issue 12: the refund flow end to end against the in-process simulator — request, approve, send,
// check, track — with the simulator's refund faults, on PGlite and on Postgres. The simulator
// settles a refund DELAY_MS after it was created; the timeout cases use a client with a short
// deadline (the simulator holds those calls open).
const DELAY_MS = 150;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
let sandbox: Sandbox;
let providers: Providers;
let hasty: Providers;
let payops: Awaited<ReturnType<typeof capturePayops>>;
let n = 0;
const uniq = () => `${Date.now().toString(36)}${++n}`;

// Jobs the code under test queues (queueRefundCheck / queueRefundSend): recorded, never run.
const queued: { name: string; data: { refundId: number } }[] = [];
const fakeBoss = { send: async (name: string, data: { refundId: number }) => (queued.push({ name, data }), `job-${queued.length}`) };

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
  hasty = createProviders(providersConfig(parseEnv({ ...sandbox.env, PROVIDER_TIMEOUT_MS: '300' })));
  useBoss(Promise.resolve(fakeBoss as unknown as PgBoss));
});
afterEach(() => sandbox.control.clearFaults());
afterAll(async () => {
  useBoss(undefined);
  await sandbox?.close();
  await payops?.close();
});

type Provider = 'enkash' | 'juspay';

describe.each(await testDatabaseKinds())('the refund flow against the simulator on $kind', ({ create }) => {
  let t: TestDb;
  const db = () => t.handle.db;
  let maker: RefundActor;
  let checker: Approver;

  const user = async (email: string, role: string) => {
    const [r] = await queryRows<{ id: string }>(db(), sql`INSERT INTO users (email, name, role, password_hash) VALUES (${email}, ${email.split('@')[0]}, ${role}, 'x') RETURNING id`);
    return Number(r.id);
  };

  /** A successful payment known to both PayOps and the simulator. `key` is what the simulator files its refunds under. */
  const payment = async (provider: Provider, amount = '1499.50') => {
    const tag = uniq();
    const order = provider === 'juspay' ? `ORF${tag}` : null;
    const txnId = provider === 'juspay' ? `payopsdemo-${order}-1` : `EKFL${tag}`;
    const status = provider === 'juspay' ? 'CHARGED' : 'SUCCESS';
    if (provider === 'juspay') sandbox.control.registerPayment({ provider, id: txnId, orderId: order, status, amount });
    else sandbox.control.registerPayment({ provider, id: txnId, status, amount, payload: { transactionId: txnId, status, amount, paymentMode: 'UPI', currency: 'INR' } });
    const [r] = await queryRows<{ id: string }>(
      db(),
      sql`INSERT INTO transactions (provider, transaction_id, order_id, status, status_rank, status_family, txn_at, final_amount, amount, currency)
          VALUES (${provider}, ${txnId}, ${order}, ${status}, 50, 'success', now(), ${amount}, ${amount}, 'INR') RETURNING id`,
    );
    return { id: Number(r.id), provider, key: order ?? txnId };
  };
  type Payment = Awaited<ReturnType<typeof payment>>;

  const approved = async (p: Payment, amount: string | null): Promise<RefundRow> => {
    const asked = await requestRefund(db(), maker, { paymentId: p.id, amount, reason: 'Customer returned the goods', source: 'console' });
    if (!asked.ok) throw new Error(asked.message);
    const decided = await approveRefund(db(), checker, { refundId: asked.refund.id, note: 'Checked' }, new Date(Date.now() + 61_000));
    if (!decided.ok) throw new Error(decided.message);
    return decided.refund;
  };
  const row = async (id: number) => (await db().select().from(refunds).where(eq(refunds.id, id)))[0];
  const totals = async (id: number) =>
    (await queryRows<{ held: string; done: string; refunded: string | null; flags: string[] }>(
      db(),
      sql`SELECT refund_reserved::text AS held, refund_succeeded::text AS done, refunded_amount::text AS refunded, flags FROM transactions WHERE id = ${id}`,
    ))[0];
  const atSimulator = (p: Payment) => sandbox.control.refunds.of(p.provider, p.key)!;
  const cases = (paymentId: number) =>
    queryRows<{ kind: string; state: string }>(db(), sql`SELECT kind, state FROM cases WHERE subject_type = 'payment' AND subject_id = ${paymentId} ORDER BY id`);
  /** Every audit row of the refund names its provider request id; returns the actions in order. */
  const audited = async (refund: RefundRow) => {
    const rows = await queryRows<{ action: string; details: Record<string, unknown> }>(
      db(),
      sql`SELECT action, details FROM audit_log WHERE target = ${`refund:${refund.id}`} ORDER BY id`,
    );
    for (const r of rows) expect(r.details.providerRequestId, r.action).toBe(refund.requestId);
    return rows.map((r) => r.action);
  };

  beforeAll(async () => {
    t = await create();
    maker = { id: await user('flow-maker@payops.test', 'finance'), label: 'user:flow-maker', role: 'finance' };
    const a = await user('flow-checker@payops.test', 'admin');
    checker = { id: a, label: `user:${a}`, role: 'admin', steppedUp: true };
  });
  afterAll(async () => t?.cleanup());

  describe.each(['enkash', 'juspay'] as const)('%s', (provider) => {
    it('refunds ₹200 of ₹1,499.50: sending → pending → succeeded with an ARN; ₹1,299.50 left, ₹1,300 refused', async () => {
      const p = await payment(provider);
      const refund = await approved(p, '200');
      expect(refund.amount).toBe('200.0000');
      expect(await sendRefund(db(), providers, refund.id)).toEqual({ refundId: refund.id, result: 'sent', state: 'pending' });
      const pending = await row(refund.id);
      expect(pending).toMatchObject({ state: 'pending', sendAttempts: 1, arn: null, providerStatus: provider === 'enkash' ? 'CREATED' : 'PENDING' });
      expect(pending.providerRefundId).toBe(atSimulator(p).refunds[0].id);
      expect(pending.sentAt).toBeInstanceOf(Date);
      expect(await totals(p.id)).toMatchObject({ held: '200.0000', done: '0.0000', refunded: null });

      await wait(DELAY_MS + 50);
      expect(await checkRefund(db(), providers, refund.id)).toMatchObject({ state: 'succeeded', changed: true });
      const done = await row(refund.id);
      expect(done).toMatchObject({ state: 'succeeded', providerStatus: 'SUCCESS' });
      expect(done.arn).toMatch(/^\d{12}$/);
      expect(done.arn).toBe(atSimulator(p).refunds[0].arn);
      expect(done.finalAt).toBeInstanceOf(Date);
      expect(await totals(p.id)).toMatchObject({ held: '200.0000', done: '200.0000', refunded: '200.0000' });
      expect((await refundableOf(db(), p.id))!.refundable).toBe('1299.5000');
      const more = await requestRefund(db(), maker, { paymentId: p.id, amount: '1300', reason: 'Customer returned the rest', source: 'console' });
      expect(more).toMatchObject({ ok: false, code: 'invalid_input' });
      // A second check changes nothing and writes no step.
      const before = (await audited(done)).length;
      expect(await checkRefund(db(), providers, refund.id)).toMatchObject({ state: 'succeeded', changed: false });
      expect(await audited(done)).toHaveLength(before);
      expect(atSimulator(p)).toMatchObject({ calls: 1, refunds: [{ requestId: refund.requestId, amount: '200.0000', status: 'SUCCESS' }] });
      expect(await audited(done)).toEqual(['refunds.requested', 'refunds.approved', 'refunds.sending', 'refunds.provider_pending', 'refunds.provider_succeeded']);
    });

    it('refunds a payment in full', async () => {
      const p = await payment(provider);
      const refund = await approved(p, null);
      expect(refund.amount).toBe('1499.5000');
      expect((await sendRefund(db(), providers, refund.id)).result).toBe('sent');
      await wait(DELAY_MS + 50);
      expect(await checkRefund(db(), providers, refund.id)).toMatchObject({ state: 'succeeded' });
      expect(await totals(p.id)).toMatchObject({ held: '1499.5000', done: '1499.5000', refunded: '1499.5000' });
      expect(await refundableOf(db(), p.id)).toMatchObject({ refundable: '0.0000', blocked: expect.stringMatching(/Nothing is left/) });
      expect(atSimulator(p).refunds).toMatchObject([{ amount: '1499.5000', status: 'SUCCESS' }]);
      if (provider === 'enkash') expect((await providers.enkash.getTransactionStatus(p.key)).status).toBe('REFUNDED');
    });

    it('sends once when two sends of one approved refund run at once', async () => {
      const p = await payment(provider);
      const refund = await approved(p, '300');
      const outs = await Promise.all([sendRefund(db(), providers, refund.id), sendRefund(db(), providers, refund.id)]);
      expect(outs.map((o) => o.result).sort()).toEqual(['nothing_to_do', 'sent']);
      expect(atSimulator(p).calls).toBe(1);
      expect(atSimulator(p).refunds).toHaveLength(1);
      expect((await row(refund.id)).sendAttempts).toBe(1);
    });

    it('fails a refund the bank declined (refund_fail) and releases its hold', async () => {
      const p = await payment(provider);
      const refund = await approved(p, '200');
      sandbox.control.setFault(`${provider}.refund`, { mode: 'refund_fail', times: 1 });
      expect(await sendRefund(db(), providers, refund.id)).toMatchObject({ result: 'sent', state: 'pending' });
      expect((await totals(p.id)).held).toBe('200.0000');
      await wait(DELAY_MS + 50);
      expect(await checkRefund(db(), providers, refund.id)).toMatchObject({ state: 'failed', changed: true });
      expect(await row(refund.id)).toMatchObject({ state: 'failed', providerStatus: provider === 'enkash' ? 'FAILED' : 'FAILURE', providerMessage: expect.stringMatching(/declined/) });
      expect(await totals(p.id)).toMatchObject({ held: '0.0000', done: '0.0000' });
      expect((await refundableOf(db(), p.id))!.refundable).toBe('1499.5000');
      expect(await audited(refund)).toEqual(['refunds.requested', 'refunds.approved', 'refunds.sending', 'refunds.provider_pending', 'refunds.provider_failed']);
    });

    it('raises refund_stuck and opens a case for a refund pending past REFUND_STUCK_DAYS', async () => {
      const p = await payment(provider);
      const refund = await approved(p, '100');
      sandbox.control.setFault(`${provider}.refund`, { mode: 'refund_stuck', times: 1 });
      expect((await sendRefund(db(), providers, refund.id)).result).toBe('sent');
      await wait(DELAY_MS + 50);
      expect(await checkRefund(db(), providers, refund.id)).toMatchObject({ state: 'pending', changed: false });
      queued.length = 0;
      const later = new Date(Date.now() + (refundPolicy().stuckDays + 1) * 86_400_000);
      const out = await trackRefunds(db(), later);
      expect(out.stuck).toBeGreaterThanOrEqual(1);
      expect((await totals(p.id)).flags).toContain('refund_stuck');
      expect(await cases(p.id)).toEqual([{ kind: 'refund_stuck', state: 'open' }]);
      // It is asked about again (a check job), never sent again.
      expect(queued).toContainEqual({ name: 'refunds-check', data: { refundId: refund.id } });
      expect(queued.filter((q) => q.name === 'refunds-send' && q.data.refundId === refund.id)).toEqual([]);
      // Once a day later is the same: the flag, and its case, are raised once.
      await trackRefunds(db(), new Date(later.getTime() + 86_400_000));
      expect((await totals(p.id)).flags.filter((f) => f === 'refund_stuck')).toHaveLength(1);
      expect(await cases(p.id)).toHaveLength(1);
      expect(atSimulator(p).calls).toBe(1);
    });
  });

  it('Juspay: a timeout with the refund created (refund_timeout) is unknown; the check finds it in the order and adopts it, no second send', async () => {
    const p = await payment('juspay');
    const refund = await approved(p, '200');
    sandbox.control.setFault('juspay.refund', { mode: 'refund_timeout', times: 1 });
    expect(await sendRefund(db(), hasty, refund.id)).toMatchObject({ result: 'unknown', why: 'provider_timeout' });
    expect(await row(refund.id)).toMatchObject({ state: 'unknown', providerRefundId: null });
    // Juspay can be asked by request id: no flag, no case.
    expect((await totals(p.id)).flags).toEqual([]);
    expect((await totals(p.id)).held).toBe('200.0000');
    // The client gave up after 300 ms; the simulator settled it meanwhile (or will have, after the delay).
    await wait(DELAY_MS + 50);
    expect(await checkRefund(db(), providers, refund.id)).toMatchObject({ state: 'succeeded', changed: true });
    expect((await row(refund.id)).arn).toMatch(/^\d{12}$/);
    expect(atSimulator(p)).toMatchObject({ calls: 1, refunds: [{ requestId: refund.requestId }] });
    expect(atSimulator(p).refunds).toHaveLength(1);
    expect(await cases(p.id)).toEqual([]);
    expect(await audited(refund)).toEqual(['refunds.requested', 'refunds.approved', 'refunds.sending', 'refunds.outcome_unknown', 'refunds.provider_succeeded']);
  });

  it('Enkash: a timeout with the refund created is unknown, flags the payment refund_unknown and opens a case; the amount stays held', async () => {
    const p = await payment('enkash');
    const refund = await approved(p, '200');
    sandbox.control.setFault('enkash.refund', { mode: 'refund_timeout', times: 1 });
    expect(await sendRefund(db(), hasty, refund.id)).toMatchObject({ result: 'unknown', why: 'provider_timeout' });
    expect(await row(refund.id)).toMatchObject({ state: 'unknown', providerRefundId: null });
    const after = await totals(p.id);
    expect(after.flags).toContain('refund_unknown');
    expect(after.held).toBe('200.0000');
    expect(await cases(p.id)).toEqual([{ kind: 'refund_unknown', state: 'open' }]);
    // Enkash cannot be asked by PayOps' request id: the check says so and changes nothing.
    expect(await checkRefund(db(), providers, refund.id)).toMatchObject({ state: 'unknown', changed: false, note: expect.stringMatching(/cannot be asked/) });
    expect((await totals(p.id)).held).toBe('200.0000');
    expect(atSimulator(p)).toMatchObject({ calls: 1, refunds: [{ requestId: refund.requestId, amount: '200.0000' }] });
    expect(await audited(refund)).toEqual(['refunds.requested', 'refunds.approved', 'refunds.sending', 'refunds.outcome_unknown']);
  });

  it('Juspay: a refund that never landed (plain timeout) is unknown, the check sends it back to approved, and the second send makes exactly one refund', async () => {
    const p = await payment('juspay');
    const refund = await approved(p, '200');
    // A plain timeout never reaches the refund route: only the endpoint's count sees it.
    const requests = () => sandbox.control.counts()['juspay.refund'];
    const before = requests();
    sandbox.control.setFault('juspay.refund', { mode: 'timeout', times: 1 });
    expect(await sendRefund(db(), hasty, refund.id)).toMatchObject({ result: 'unknown', why: 'provider_timeout' });
    expect(atSimulator(p).refunds).toEqual([]);
    expect(await checkRefund(db(), providers, refund.id)).toMatchObject({ state: 'approved', changed: true, note: expect.stringMatching(/never landed/) });
    expect((await totals(p.id)).held).toBe('200.0000');
    expect(await sendRefund(db(), providers, refund.id)).toMatchObject({ result: 'sent', state: 'pending' });
    expect(await row(refund.id)).toMatchObject({ state: 'pending', sendAttempts: 2 });
    expect(requests() - before).toBe(2);
    expect(atSimulator(p)).toMatchObject({ calls: 1, refunds: [{ requestId: refund.requestId }] });
    expect(atSimulator(p).refunds).toHaveLength(1);
    expect(await audited(refund)).toEqual([
      'refunds.requested',
      'refunds.approved',
      'refunds.sending',
      'refunds.outcome_unknown',
      'refunds.not_landed',
      'refunds.sending',
      'refunds.provider_pending',
    ]);
  });

  it('Juspay: a send of a request id the provider has already (duplicate.call) is unknown; the check adopts the first, still one refund', async () => {
    const p = await payment('juspay');
    const refund = await approved(p, '200');
    expect((await sendRefund(db(), providers, refund.id)).result).toBe('sent');
    // As if the first send's answer had been lost after the call landed and the row were sent again.
    await db().execute(sql`UPDATE refunds SET state = 'approved' WHERE id = ${refund.id}`);
    expect(await sendRefund(db(), providers, refund.id)).toMatchObject({ result: 'unknown', why: 'duplicate' });
    expect((await row(refund.id)).state).toBe('unknown');
    await wait(DELAY_MS + 50);
    expect(await checkRefund(db(), providers, refund.id)).toMatchObject({ state: 'succeeded', changed: true });
    expect(atSimulator(p)).toMatchObject({ calls: 2 });
    expect(atSimulator(p).refunds).toHaveLength(1);
    expect(await totals(p.id)).toMatchObject({ held: '200.0000', done: '200.0000' });
  });

  it('Enkash: the same requestId sent again is answered with the same refund, never a second one', async () => {
    const p = await payment('enkash');
    const refund = await approved(p, '200');
    expect((await sendRefund(db(), providers, refund.id)).result).toBe('sent');
    const first = (await row(refund.id)).providerRefundId;
    await db().execute(sql`UPDATE refunds SET state = 'approved' WHERE id = ${refund.id}`);
    expect(await sendRefund(db(), providers, refund.id)).toMatchObject({ result: 'sent', state: 'pending' });
    expect((await row(refund.id)).providerRefundId).toBe(first);
    expect(atSimulator(p)).toMatchObject({ calls: 2, refunds: [{ id: first }] });
    expect(atSimulator(p).refunds).toHaveLength(1);
  });

  it('Enkash: no balance (refund_insufficient_balance) fails at the send with the provider’s words, hold released', async () => {
    const p = await payment('enkash');
    const refund = await approved(p, '200');
    sandbox.control.setFault('enkash.refund', { mode: 'refund_insufficient_balance', times: 1 });
    expect(await sendRefund(db(), providers, refund.id)).toMatchObject({ result: 'refused', why: expect.stringMatching(/Insufficient balance/) });
    expect(await row(refund.id)).toMatchObject({ state: 'failed', providerMessage: expect.stringMatching(/Insufficient balance/) });
    expect((await row(refund.id)).finalAt).toBeInstanceOf(Date);
    expect(await totals(p.id)).toMatchObject({ held: '0.0000', done: '0.0000' });
    expect(atSimulator(p).refunds).toEqual([]);
    expect(await audited(refund)).toEqual(['refunds.requested', 'refunds.approved', 'refunds.sending', 'refunds.provider_refused']);
  });

  it('Juspay: manual review (refund_manual_review), resolved as a success at the provider, is succeeded at the next check', async () => {
    const p = await payment('juspay');
    const refund = await approved(p, '200');
    sandbox.control.setFault('juspay.refund', { mode: 'refund_manual_review', times: 1 });
    expect(await sendRefund(db(), providers, refund.id)).toMatchObject({ result: 'sent', state: 'pending' });
    await wait(DELAY_MS + 50);
    expect(await checkRefund(db(), providers, refund.id)).toMatchObject({ state: 'manual_review', changed: true });
    expect(await row(refund.id)).toMatchObject({ state: 'manual_review', providerStatus: 'MANUAL_REVIEW' });
    expect((await totals(p.id)).held).toBe('200.0000');
    const { providerRefundId } = await row(refund.id);
    expect(sandbox.control.refunds.resolve('juspay', providerRefundId!, 'success')).toMatchObject({ status: 'SUCCESS' });
    expect(await checkRefund(db(), providers, refund.id)).toMatchObject({ state: 'succeeded', changed: true });
    expect((await row(refund.id)).arn).toMatch(/^\d{12}$/);
    expect(await totals(p.id)).toMatchObject({ held: '200.0000', done: '200.0000', refunded: '200.0000' });
    expect(await audited(refund)).toEqual(['refunds.requested', 'refunds.approved', 'refunds.sending', 'refunds.provider_pending', 'refunds.provider_manual_review', 'refunds.provider_succeeded']);
  });

  it('Juspay: ORDER_REFUNDED is a claim — the webhook path queues a check, and the check makes it succeeded', async () => {
    const p = await payment('juspay');
    const refund = await approved(p, '200');
    expect((await sendRefund(db(), providers, refund.id)).result).toBe('sent');
    // The simulator tells PayOps when the refund ends.
    let hook: { event_name: string; content: { order: { order_id: string } } } | undefined;
    for (let i = 0; i < 50 && !hook; i++) {
      await wait(20);
      hook = payops.received.map((d) => JSON.parse(d.body)).find((b) => b.content?.order?.order_id === p.key);
    }
    expect(hook?.event_name).toBe('ORDER_REFUNDED');
    expect((await row(refund.id)).state).toBe('pending');
    // The route's afterAccepted part: a check per refund in flight on that payment.
    queued.length = 0;
    await refundsAfterAccepted(db(), p.id);
    expect(queued).toEqual([{ name: 'refunds-check', data: { refundId: refund.id } }]);
    expect(await checkRefund(db(), providers, queued[0].data.refundId)).toMatchObject({ state: 'succeeded', changed: true });
    expect((await row(refund.id)).arn).toBe(atSimulator(p).refunds[0].arn);
  });

  it('a late pending answer never moves a succeeded refund back', async () => {
    const p = await payment('juspay');
    const refund = await approved(p, '50');
    await sendRefund(db(), providers, refund.id);
    await wait(DELAY_MS + 50);
    await checkRefund(db(), providers, refund.id);
    const done = await row(refund.id);
    expect(done.state).toBe('succeeded');
    await applyProviderAnswer(db(), refund.id, { provider: 'juspay', requestId: refund.requestId, providerRefundId: done.providerRefundId, state: 'pending', providerStatus: 'PENDING', amount: '50.0000', arn: null, message: null }, 'webhook');
    expect(await row(refund.id)).toMatchObject({ state: 'succeeded', arn: done.arn, providerStatus: 'SUCCESS' });
    expect(await totals(p.id)).toMatchObject({ held: '50.0000', done: '50.0000' });
  });

  it('Juspay: a send cut off by a stopped worker (sending for over a minute) is asked about: landed → adopted, not landed → approved again', async () => {
    const landed = await payment('juspay');
    const a = await approved(landed, '200');
    sandbox.control.setFault('juspay.refund', { mode: 'refund_timeout', times: 1 });
    await sendRefund(db(), hasty, a.id);
    const lost = await payment('juspay');
    const b = await approved(lost, '200');
    // The worker stopped after claiming them: `sending`, a while ago (b's call never left).
    await db().execute(sql`UPDATE refunds SET state = 'sending', updated_at = now() - interval '2 minutes' WHERE id IN (${a.id}, ${b.id})`);
    await wait(DELAY_MS + 50);
    expect(await checkRefund(db(), providers, a.id)).toMatchObject({ state: 'succeeded', changed: true });
    expect(await checkRefund(db(), providers, b.id)).toMatchObject({ state: 'approved', changed: true });
    expect(await sendRefund(db(), providers, b.id)).toMatchObject({ result: 'sent', state: 'pending' });
    expect(atSimulator(landed).refunds).toHaveLength(1);
    expect(atSimulator(lost)).toMatchObject({ calls: 1 });
    expect(atSimulator(lost).refunds).toHaveLength(1);
  });
});
