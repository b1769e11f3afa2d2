import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import type { Providers } from '@/lib/providers';
import type { Sandbox } from '@/sandbox/server';
import { startSandboxWithProviders } from '@/sandbox/testing';
import { resolveException } from './exceptions';
import { addRate } from './fees';
import { syncSettlements } from './sync';
import { enkashPayment, istTime, TEST_ACTOR, TEST_SETTINGS } from './testing';


const payoutDay = (daysAgo: number) => istTime(daysAgo).slice(0, 10);

describe.each(await testDatabaseKinds())('settlements on $kind', ({ kind, create }) => {
  // A simulator per database kind: its payouts are made from every payment it knows.
  let sandbox: Sandbox;
  let providers: Providers;
  let t: TestDb;
  const db = () => t.handle.db;
  const rows = <T = Record<string, any>>(q: ReturnType<typeof sql>) => queryRows<T>(db(), q);
  const id = (n: string) => `EK${kind.toUpperCase()}${n}`;
  const sync = () => syncSettlements(db(), providers, { since: new Date(Date.now() - 10 * 86_400_000), actor: 'test:sync', settings: TEST_SETTINGS });
  const exceptions = () =>
    rows<{ id: number; kind: string; state: string; subject_key: string; difference: string | null; resolution: string | null; settlement_transaction_id: string }>(
      sql`SELECT id, kind, state, subject_key, difference::text, resolution, settlement_transaction_id FROM settlement_exceptions
          ORDER BY id`,
    );

  beforeAll(async () => {
    const started = await startSandboxWithProviders({ timeoutMs: 5000, settlements: { chances: {}, featured: {} } });
    sandbox = started.sandbox;
    providers = started.providers();
    t = await create();
    // The contract says what the simulator charges: UPI free, credit cards 1.8 %, GST 18 % on top.
    await addRate(db(), { paymentMode: 'UPI', percent: '0', effectiveFrom: '2020-01-01' }, TEST_ACTOR);
    await addRate(db(), { paymentMode: 'CREDIT_CARD', percent: '1.8', effectiveFrom: '2020-01-01' }, TEST_ACTOR);
    // Five days ago: three UPI payments (settled T+1, four days ago) and two cards (T+2, three days ago).
    for (const [n, amount, mode, status] of [
      ['A1', '1000.00', 'UPI', 'SUCCESS'],
      ['A2', '2500.50', 'UPI', 'SUCCESS'],
      ['A3', '799.00', 'UPI', 'SUCCESS'],
      ['C1', '4999.99', 'CREDIT_CARD', 'SUCCESS'],
      ['C2', '1200.00', 'CREDIT_CARD', 'PARTIALLY_REFUNDED'],
      ['F1', '300.00', 'UPI', 'FAILED'],
    ] as const) {
      await enkashPayment(db(), sandbox.control, { id: id(n), amount, mode, status, txnDate: istTime(5) });
    }
    sandbox.control.settlements.setPlan({
      chances: {},
      featured: {
        [payoutDay(4)]: ['short_line', 'unsettled', 'unknown_line'],
        [payoutDay(3)]: ['excess_fee', 'settled_twice'],
      },
    });
  });
  afterAll(async () => {
    await sandbox?.close();
    await t?.cleanup();
  });

  it('stores the payouts with their lines and opens an exception for each fault', async () => {
    const result = await sync();
    expect(result.created).toBeGreaterThanOrEqual(2);
    const payouts = await rows(sql`SELECT payout_id, utr, total_gst::text, line_count FROM settlement_payouts WHERE payout_day >= ${payoutDay(4)}::date ORDER BY payout_day`);
    expect(payouts.map((p) => p.payout_id)).toEqual([`SP${payoutDay(4).replaceAll('-', '')}`, `SP${payoutDay(3).replaceAll('-', '')}`]);
    expect(payouts[0].utr).toMatch(/^UTR\d{12}$/);

    const found = await exceptions();
    const kinds = found.map((e) => e.kind).sort();
    // Payout of 4 days ago: one UPI line short, one UPI payment left out, a line for a payment PayOps never saw.
    // Payout of 3 days ago: a card line overcharged, a UPI payment of the day before settled again.
    expect(kinds).toEqual(['amount_differs', 'excess_fee', 'not_settled', 'settled_twice', 'unknown_payment']);
    expect(found.every((e) => e.state === 'open')).toBe(true);
    const short = found.find((e) => e.kind === 'amount_differs')!;
    expect(short.difference).toMatch(/^-0\.0[1-8]00$/);
    const unsettled = found.find((e) => e.kind === 'not_settled')!;
    const [summary] = await rows(sql`SELECT summary FROM settlement_exceptions WHERE id = ${unsettled.id}`);
    expect(summary.summary).toMatch(/^Left out of payout SP\d{8}/);

    // The partly refunded card: the payout netted its refund, so the payment now says how much.
    const [c2] = await rows(sql`SELECT refunded_amount::text FROM transactions WHERE transaction_id = ${id('C2')}`);
    expect(c2.refunded_amount).toBe('600.0000');
    // Every line was judged; the matched ones point at their payment.
    const [unchecked] = await rows(sql`SELECT count(*)::int AS n FROM settlement_lines WHERE outcome = 'unchecked'`);
    expect(unchecked.n).toBe(0);
  });

  it('changes nothing when synced again', async () => {
    const before = await rows(sql`SELECT (SELECT count(*) FROM audit_log)::int AS audit, (SELECT max(changed_at) FROM settlement_payouts) AS changed,
                                         (SELECT count(*) FROM settlement_lines)::int AS lines`);
    const snapshot = JSON.stringify(await exceptions());
    const again = await sync();
    expect(again).toMatchObject({ created: 0, changed: 0, reconcile: { opened: 0, reopened: 0, refreshed: 0, cleared: 0 } });
    const after = await rows(sql`SELECT (SELECT count(*) FROM audit_log)::int AS audit, (SELECT max(changed_at) FROM settlement_payouts) AS changed,
                                        (SELECT count(*) FROM settlement_lines)::int AS lines`);
    expect(after).toEqual(before);
    expect(JSON.stringify(await exceptions())).toBe(snapshot);
  });

  it('resolves with a scrubbed note, reopens when contradicted, clears what is no longer found', async () => {
    const short = (await exceptions()).find((e) => e.kind === 'amount_differs')!;
    const resolved = await resolveException(db(), {
      id: short.id,
      resolution: 'written_off',
      note: 'Paise lost in rounding; customer card 4111 1111 1111 1111 mentioned on the call',
      actor: TEST_ACTOR,
    });
    expect(resolved.state).toBe('resolved');
    expect(resolved.note).not.toMatch(/4111 1111 1111 1111/);
    await expect(resolveException(db(), { id: short.id, resolution: 'written_off', note: 'again', actor: TEST_ACTOR })).rejects.toMatchObject({ code: 'conflict' });
    const [audit] = await rows(sql`SELECT action, outcome, details::text FROM audit_log WHERE target = ${`settlement_exception:${short.id}`} ORDER BY id LIMIT 1`);
    expect(audit).toMatchObject({ action: 'settlements.exception_resolved', outcome: 'ok' });
    expect(audit.details).not.toMatch(/4111 1111 1111 1111/);

    // Resolved as written off at −0.0x; the provider re-issues the payout and the line is now ₹5 short.
    const payment = sandbox.control.transaction('enkash', short.settlement_transaction_id)!;
    const bigger = (Number(payment.payload!.finalAmount) + 5).toFixed(2);
    sandbox.control.registerPayment({ provider: 'enkash', id: payment.id, payload: { ...payment.payload, finalAmount: bigger } });
    // And the payment left out is in the payout after all.
    sandbox.control.settlements.setPlan({ featured: { [payoutDay(4)]: ['unknown_line'], [payoutDay(3)]: ['excess_fee', 'settled_twice'] } });
    const result = await sync();
    expect(result.changed).toBeGreaterThanOrEqual(1);
    const after = await exceptions();
    const reopened = after.find((e) => e.id === short.id)!;
    expect(reopened).toMatchObject({ state: 'open', resolution: null });
    const unsettled = after.find((e) => e.kind === 'not_settled')!;
    expect(unsettled).toMatchObject({ state: 'resolved', resolution: 'cleared' });
    const [run] = await rows(sql`SELECT details FROM audit_log WHERE action = 'settlements.reconciled' ORDER BY id DESC LIMIT 1`);
    expect(run.details).toMatchObject({ reopened: 1, cleared: 1 });
  });
});
