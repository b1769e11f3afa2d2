import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { getTransactionDetail, searchTransactions } from '@/lib/payments/queries';
import { searchFromParams } from '@/lib/payments/search-params';
import { ENKASH_PAYMENT_MODES, ENKASH_PAYMENT_STATUSES, enkashStatusInfo } from '@/lib/payments/status';
import { seedPayments, SPAN_DAYS } from './seed';

const NOW = new Date('2025-03-31T18:30:00Z');
const PAYMENTS = 3000;

describe.each(await testDatabaseKinds())('db:seed on $kind', ({ create }) => {
  let t: TestDb;
  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(t.handle.db, query);

  beforeAll(async () => {
    t = await create();
    // Two runs, in batches that do not divide the count: ids must stay unique across runs.
    await seedPayments(t.handle.db, { payments: PAYMENTS, batch: 700, now: NOW });
    await seedPayments(t.handle.db, { payments: 500, batch: 500, now: NOW });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('adds every payment once, with one event each, ids unique', async () => {
    const [c] = await rows<{ n: number; ids: number; events: number; orders: number; orphans: number }>(sql`
      SELECT count(*)::int AS n, count(DISTINCT transaction_id)::int AS ids, count(DISTINCT order_id)::int AS orders,
             (SELECT count(*)::int FROM payment_events) AS events,
             (SELECT count(*)::int FROM transactions t WHERE NOT EXISTS
                (SELECT 1 FROM payment_events e WHERE e.provider = t.provider AND e.transaction_id = t.transaction_id)) AS orphans
        FROM transactions`);
    expect(c).toEqual({ n: PAYMENTS + 500, ids: PAYMENTS + 500, orders: PAYMENTS + 500, events: PAYMENTS + 500, orphans: 0 });
    const [shape] = await rows<{ bad: number }>(sql`SELECT count(*)::int AS bad FROM transactions WHERE transaction_id !~ '^EK[0-9]{13}[a-z][A-Z][0-9a-f]{5,}$'`);
    expect(shape.bad).toBe(0);
  });

  it('uses every status and mode, with ranks and families from status.ts and ~78% SUCCESS', async () => {
    const byStatus = await rows<{ status: string; rank: number; family: string; n: number }>(
      sql`SELECT status, status_rank AS rank, status_family AS family, count(*)::int AS n FROM transactions GROUP BY 1, 2, 3`,
    );
    expect(byStatus.map((s) => s.status).sort()).toEqual([...ENKASH_PAYMENT_STATUSES].sort());
    for (const s of byStatus) expect({ rank: s.rank, family: s.family }).toEqual({ rank: enkashStatusInfo(s.status).rank, family: enkashStatusInfo(s.status).family });
    const success = byStatus.find((s) => s.status === 'SUCCESS')!.n / (PAYMENTS + 500);
    expect(success).toBeGreaterThan(0.74);
    expect(success).toBeLessThan(0.82);
    const modes = await rows<{ mode: string }>(sql`SELECT DISTINCT payment_mode AS mode FROM transactions`);
    expect(modes.map((m) => m.mode).sort()).toEqual([...ENKASH_PAYMENT_MODES].sort());
  });

  it('gives card details to card modes only', async () => {
    const [c] = await rows<{ wrong: number; cards: number }>(sql`
      SELECT count(*) FILTER (WHERE (payment_mode LIKE '%CARD') <> (card_last4 IS NOT NULL)
                                OR (payment_mode LIKE '%CARD') <> (cardholder_name IS NOT NULL)
                                OR (payment_mode LIKE '%CARD') <> (card_scheme IS NOT NULL)
                                OR card_last4 !~ '^[0-9]{4}$')::int AS wrong,
             count(card_last4)::int AS cards
        FROM transactions`);
    expect(c.wrong).toBe(0);
    expect(c.cards).toBeGreaterThan(0);
  });

  it('adds up amounts exactly except the ~1% flagged amount_mismatch, and flags about 2%', async () => {
    const [c] = await rows<{ off: number; offUnflagged: number; flaggedMatching: number; flagged: number; surchargeWrong: number }>(sql`
      SELECT count(*) FILTER (WHERE amount + surcharge + surcharge_gst <> final_amount)::int AS off,
             count(*) FILTER (WHERE amount + surcharge + surcharge_gst <> final_amount AND NOT 'amount_mismatch' = ANY(flags))::int AS "offUnflagged",
             count(*) FILTER (WHERE amount + surcharge + surcharge_gst = final_amount AND 'amount_mismatch' = ANY(flags))::int AS "flaggedMatching",
             count(*) FILTER (WHERE cardinality(flags) > 0)::int AS flagged,
             count(*) FILTER (WHERE surcharge <> CASE WHEN payment_mode LIKE '%CARD' THEN round(amount * 0.02, 2) ELSE 0 END
                                 OR surcharge_gst <> round(surcharge * 0.18, 2))::int AS "surchargeWrong"
        FROM transactions`);
    expect(c.offUnflagged).toBe(0);
    expect(c.flaggedMatching).toBe(0);
    expect(c.surchargeWrong).toBe(0);
    expect(c.off).toBeGreaterThan(0);
    expect(c.off / (PAYMENTS + 500)).toBeLessThan(0.03);
    expect(c.flagged / (PAYMENTS + 500)).toBeGreaterThan(0.005);
    expect(c.flagged / (PAYMENTS + 500)).toBeLessThan(0.05);
  });

  it(`spreads payments over the ${SPAN_DAYS} days before now`, async () => {
    const [c] = await rows<{ first: string; last: string; days: number; fractional: number }>(sql`
      SELECT min(txn_at)::text AS first, max(txn_at)::text AS last,
             count(*) FILTER (WHERE txn_at <> date_trunc('second', txn_at))::int AS fractional,
             count(DISTINCT (txn_at AT TIME ZONE 'Asia/Kolkata')::date)::int AS days FROM transactions`);
    expect(new Date(c.first).getTime()).toBeGreaterThanOrEqual(NOW.getTime() - SPAN_DAYS * 86_400_000);
    expect(new Date(c.last).getTime()).toBeLessThanOrEqual(NOW.getTime());
    expect(c.days).toBeGreaterThanOrEqual(SPAN_DAYS);
    expect(c.fractional).toBe(0);
  });

  it('is found by the real search and opens in the detail query', async () => {
    const [sample] = await rows<{ transaction_id: string; card_last4: string }>(
      sql`SELECT transaction_id, card_last4 FROM transactions WHERE card_last4 IS NOT NULL ORDER BY id LIMIT 1`,
    );
    const parsed = searchFromParams(new URLSearchParams({ q: sample.transaction_id }));
    if (!parsed.success) throw parsed.error;
    const page = await searchTransactions(t.handle.db, parsed.data);
    expect(page.rows.map((r) => r.transactionId)).toEqual([sample.transaction_id]);
    const detail = await getTransactionDetail(t.handle.db, { transactionId: sample.transaction_id });
    expect(detail?.events).toHaveLength(1);
    expect(detail?.events[0].payload).toMatchObject({
      transactionId: sample.transaction_id,
      maskedCardNumber: expect.stringMatching(new RegExp(`${sample.card_last4}$`)),
      paymentToken: '[redacted]',
      txnDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
    });
  });
});
