import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, queryRows, type DbHandle } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { approveRefund, rejectRefund, settleUnknownRefund, type Approver } from './decide';
import type { RefundActor } from './machine';
import { refundableOf, requestRefund } from './request';
import { trackRefunds } from './jobs';
import { financeTotals } from '@/lib/finance/totals';
import { financeRangeFromParams, todayIst } from '@/lib/finance/range';
import { compareMoney } from '@/lib/money';
import { verifyFinanceRollup } from '@/lib/finance/verify';

// Issue 12: maker-checker and the over-refund guard, on PGlite and on Postgres. The guard is the
// database's: twenty approvals at once, from two app instances (two pools) on Postgres, of requests
// that together ask for more than the payment captured — only those that fit are approved.
describe.each(await testDatabaseKinds())('refunds on $kind', ({ kind, create }) => {
  let t: TestDb;
  const db = () => t.handle.db;
  let maker: RefundActor;
  let maker2: RefundActor;
  let checker: Approver;
  let checker2: Approver;
  let n = 0;

  const user = async (email: string, role: string) => {
    const [r] = await queryRows<{ id: string }>(db(), sql`INSERT INTO users (email, name, role, password_hash) VALUES (${email}, ${email.split('@')[0]}, ${role}, 'x') RETURNING id`);
    return Number(r.id);
  };
  const payment = async (p: { amount?: string; status?: string; family?: string; provider?: string; orderId?: string | null; flags?: string[] } = {}) => {
    const [r] = await queryRows<{ id: string }>(
      db(),
      sql`INSERT INTO transactions (provider, transaction_id, order_id, status, status_rank, status_family, txn_at, final_amount, amount, currency, flags)
          VALUES (${p.provider ?? 'enkash'}, ${`EKRF${++n}`}, ${p.orderId ?? null}, ${p.status ?? 'SUCCESS'}, 50, ${p.family ?? 'success'}, now(),
                  ${p.amount ?? '1499.50'}, ${p.amount ?? '1499.50'}, 'INR', ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(p.flags ?? [])}::jsonb)))
          RETURNING id`,
    );
    return Number(r.id);
  };
  const ask = (paymentId: number, amount: string | null, who = maker, extra: { idempotencyKey?: string } = {}) =>
    requestRefund(db(), who, { paymentId, amount, reason: 'Customer returned the goods', source: 'console', ...extra });
  const totals = async (id: number) =>
    (await queryRows<{ held: string; done: string; refunded: string | null }>(db(), sql`SELECT refund_reserved::text AS held, refund_succeeded::text AS done, refunded_amount::text AS refunded FROM transactions WHERE id = ${id}`))[0];

  beforeAll(async () => {
    t = await create();
    maker = { id: await user('maker@payops.test', 'finance'), label: 'user:maker', role: 'finance' };
    maker2 = { id: await user('maker2@payops.test', 'finance'), label: 'user:maker2', role: 'finance' };
    const a1 = await user('checker@payops.test', 'admin');
    const a2 = await user('checker2@payops.test', 'admin');
    checker = { id: a1, label: `user:${a1}`, role: 'admin', steppedUp: true };
    checker2 = { id: a2, label: `user:${a2}`, role: 'admin', steppedUp: true };
  });
  afterAll(async () => t?.cleanup());

  it('shows what is refundable now, exactly, and refuses more', async () => {
    const id = await payment();
    expect((await refundableOf(db(), id))!.refundable).toBe('1499.5000');
    const r = await ask(id, '200');
    expect(r.ok && r.refund.amount).toBe('200.0000');
    // A request holds nothing; approval does.
    expect((await refundableOf(db(), id))!.refundable).toBe('1499.5000');
    const a = await approveRefund(db(), checker, { refundId: r.ok ? r.refund.id : 0 });
    expect(a.ok).toBe(true);
    expect((await refundableOf(db(), id))!.refundable).toBe('1299.5000');
    const tooMuch = await ask(id, '1300');
    expect(tooMuch).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(!tooMuch.ok && tooMuch.message).toContain('₹1,299.50');
    for (const bad of ['0', '-5', '1.234', '1e3', '١٢', 'abc', '']) expect((await ask(id, bad)).ok).toBe(false);
  });

  it('is never approved by its requester, needs a fresh code check, and a repeat changes nothing', async () => {
    const id = await payment();
    const r = await ask(id, '100');
    const refundId = r.ok ? r.refund.id : 0;
    expect(await approveRefund(db(), { ...checker, id: maker.id!, role: 'admin' }, { refundId })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await approveRefund(db(), { ...checker, steppedUp: false }, { refundId })).toMatchObject({ ok: false, code: 'step_up_required' });
    expect(await approveRefund(db(), { ...checker, role: 'finance' }, { refundId })).toMatchObject({ ok: false, code: 'forbidden' });
    const first = await approveRefund(db(), checker, { refundId });
    const again = await approveRefund(db(), checker, { refundId });
    expect(first.ok).toBe(true);
    expect(again).toMatchObject({ ok: true, repeated: true });
    expect(await approveRefund(db(), checker2, { refundId })).toMatchObject({ ok: false, code: 'conflict' });
    expect((await totals(id)).held).toBe('100.0000');
    const steps = await queryRows<{ action: string; outcome: string }>(db(), sql`SELECT action, outcome FROM audit_log WHERE target = ${`refund:${refundId}`} ORDER BY seq`);
    expect(steps.map((s) => `${s.action}:${s.outcome}`)).toEqual(['refunds.requested:ok', 'refunds.approve_refused:forbidden', 'refunds.approve_refused:forbidden', 'refunds.approved:ok']);
  });

  it('a large amount or an open case needs a note and a minute; past a daily limit only an admin approves', async () => {
    const id = await payment({ amount: '50000.00', flags: ['provider_mismatch'] });
    const r = await ask(id, '20000');
    expect(r.ok && r.refund.holds.sort()).toEqual(['above_threshold', 'open_case']);
    const refundId = r.ok ? r.refund.id : 0;
    expect(await approveRefund(db(), checker, { refundId })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await approveRefund(db(), checker, { refundId, note: 'Checked with Enkash' })).toMatchObject({ ok: false, code: 'too_soon' });
    const later = new Date(Date.now() + 61_000);
    expect(await approveRefund(db(), checker, { refundId, note: 'Checked with Enkash' }, later)).toMatchObject({ ok: true });
  });

  it('rejects with a reason; the requester may withdraw their own', async () => {
    const id = await payment();
    const a = await ask(id, '10');
    const b = await ask(id, '10');
    expect(await rejectRefund(db(), checker, { refundId: a.ok ? a.refund.id : 0 })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await rejectRefund(db(), checker, { refundId: a.ok ? a.refund.id : 0, note: 'Duplicate of the other' })).toMatchObject({ ok: true });
    expect(await rejectRefund(db(), { ...maker, id: maker.id!, role: 'finance', steppedUp: false }, { refundId: b.ok ? b.refund.id : 0 })).toMatchObject({ ok: true });
    expect((await totals(id)).held).toBe('0.0000');
  });

  it('expires requests nobody decided', async () => {
    const id = await payment();
    const r = await ask(id, '10');
    const out = await trackRefunds(db(), new Date(Date.now() + 73 * 3_600_000));
    expect(out.expired).toBeGreaterThanOrEqual(1);
    expect(await approveRefund(db(), checker, { refundId: r.ok ? r.refund.id : 0 })).toMatchObject({ ok: false, code: 'conflict' });
  });

  it('gives the first answer back for a repeated idempotency key', async () => {
    const id = await payment();
    const a = await ask(id, '10', maker, { idempotencyKey: `k-${id}` });
    const b = await ask(id, '10', maker, { idempotencyKey: `k-${id}` });
    expect(b).toMatchObject({ ok: true, repeated: true });
    expect(a.ok && b.ok && a.refund.id === b.refund.id).toBe(true);
  });

  it('refuses a payment that cannot be refunded', async () => {
    expect(await ask(await payment({ status: 'FAILED', family: 'failed' }), '1')).toMatchObject({ ok: false });
    expect(await ask(await payment({ provider: 'juspay', orderId: null }), '1')).toMatchObject({ ok: false });
    expect(await ask(await payment({ provider: 'enkash_wallet' }), '1')).toMatchObject({ ok: false });
    expect(await ask(await payment({ status: 'REFUNDED' }), '1')).toMatchObject({ ok: false });
  });

  it('holds at most what was captured: 20 approvals at once of requests that together exceed it', async () => {
    const id = await payment({ amount: '1000.00' });
    const requests = [];
    // 20 × ₹150 = ₹3,000 asked of ₹1,000: six fit (₹900), the seventh would not.
    for (let i = 0; i < 20; i++) {
      const r = await ask(id, '150', i % 2 ? maker : maker2);
      if (!r.ok) throw new Error(r.message);
      requests.push(r.refund.id);
    }
    let second: DbHandle | null = null;
    if (kind === 'postgres') second = await openDb({ databaseUrl: t.url!, poolMax: 10 });
    try {
      const results = await Promise.all(
        requests.map((refundId, i) => approveRefund((i % 2 && second ? second.db : db()), i % 3 ? checker : checker2, { refundId })),
      );
      const approved = results.filter((r) => r.ok).length;
      expect(approved).toBe(6);
      expect(results.filter((r) => !r.ok && r.code === 'over_refund').length).toBe(14);
      expect((await totals(id)).held).toBe('900.0000');
      // And straight SQL cannot take more either: the trigger is the guard.
      const rest = requests.filter((_, i) => !results[i].ok)[0];
      await expect(db().execute(sql`UPDATE refunds SET state = 'approved' WHERE id = ${rest}`)).rejects.toThrow();
      expect((await totals(id)).held).toBe('900.0000');
    } finally {
      await second?.close();
    }
  });

  it('an approver settles a refund whose outcome is unknown: landed is followed, not landed frees its amount', async () => {
    const id = await payment({ amount: '500.00' });
    const a = await ask(id, '100');
    const b = await ask(id, '50');
    for (const r of [a, b]) {
      await approveRefund(db(), checker, { refundId: r.ok ? r.refund.id : 0 });
      await db().execute(sql`UPDATE refunds SET state = 'sending' WHERE id = ${r.ok ? r.refund.id : 0}`);
      await db().execute(sql`UPDATE refunds SET state = 'unknown' WHERE id = ${r.ok ? r.refund.id : 0}`);
    }
    const aId = a.ok ? a.refund.id : 0;
    const bId = b.ok ? b.refund.id : 0;
    expect(await settleUnknownRefund(db(), checker, { refundId: aId, landed: true })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await settleUnknownRefund(db(), { ...checker, steppedUp: false }, { refundId: aId, landed: true, note: 'x' })).toMatchObject({ ok: false, code: 'step_up_required' });
    expect(await settleUnknownRefund(db(), { ...checker, role: 'finance' }, { refundId: aId, landed: true, note: 'x' })).toMatchObject({ ok: false, code: 'forbidden' });
    const landed = await settleUnknownRefund(db(), checker, { refundId: aId, landed: true, providerRefundId: 'RFND0000000042', note: 'In the Enkash dashboard' });
    expect(landed).toMatchObject({ ok: true, refund: { state: 'pending', providerRefundId: 'RFND0000000042' } });
    expect(await settleUnknownRefund(db(), checker2, { refundId: bId, landed: false, note: 'Not in the Enkash dashboard' })).toMatchObject({ ok: true, refund: { state: 'failed' } });
    expect(await settleUnknownRefund(db(), checker2, { refundId: bId, landed: true, note: 'again' })).toMatchObject({ ok: false, code: 'conflict' });
    expect((await totals(id)).held).toBe('100.0000');
    const [step] = await queryRows<{ actor: string; details: Record<string, unknown> }>(db(), sql`SELECT actor, details FROM audit_log WHERE target = ${`refund:${bId}`} AND action = 'refunds.settled_by_person'`);
    expect(step).toMatchObject({ actor: checker2.label, details: { landed: false, from: 'unknown', to: 'failed' } });
  });

  it('releases a failed refund’s hold and records a succeeded one as refunded', async () => {
    const id = await payment({ amount: '500.00' });
    const a = await ask(id, '100');
    const b = await ask(id, '50');
    await approveRefund(db(), checker, { refundId: a.ok ? a.refund.id : 0 });
    await approveRefund(db(), checker, { refundId: b.ok ? b.refund.id : 0 });
    expect((await totals(id)).held).toBe('150.0000');
    await db().execute(sql`UPDATE refunds SET state = 'sending' WHERE transaction_row_id = ${id}`);
    await db().execute(sql`UPDATE refunds SET state = 'pending' WHERE transaction_row_id = ${id}`);
    await db().execute(sql`UPDATE refunds SET state = 'succeeded' WHERE id = ${a.ok ? a.refund.id : 0}`);
    await db().execute(sql`UPDATE refunds SET state = 'failed' WHERE id = ${b.ok ? b.refund.id : 0}`);
    expect(await totals(id)).toEqual({ held: '100.0000', done: '100.0000', refunded: '100.0000' });
    expect((await refundableOf(db(), id))!.refundable).toBe('400.0000');
    // /finance counts the succeeded refund apart from sales, through its rollup.
    const day = todayIst();
    const inr = (await financeTotals(db(), financeRangeFromParams({ from: day, to: day }).range)).currencies.find((c) => c.currency === 'INR')!;
    const row = inr.days.find((d) => d.day === day)!;
    expect(compareMoney(row.refunds, '100')).toBeGreaterThanOrEqual(0);
    // And the rollup the triggers kept equals the one recomputed from the payments.
    expect((await verifyFinanceRollup(db())).differences).toEqual([]);
  });
});
