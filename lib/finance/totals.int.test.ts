import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { transactions } from '@/db/schema';
import { enkashStatusInfo } from '@/lib/payments/status';
import { parseProviderTime } from '@/lib/time';
import { financeRangeFromParams } from './range';
import { sql } from 'drizzle-orm';
import { financeTotals, ZERO as zero, type FinanceTotals } from './totals';
import { verifyFinanceRollup } from './verify';

type Row = Partial<typeof transactions.$inferInsert> & { transactionId: string; status: string; at: string };

const row = ({ at, status, ...rest }: Row): typeof transactions.$inferInsert => {
  const info = enkashStatusInfo(status);
  return { provider: 'enkash', status, statusRank: info.rank, statusFamily: info.family, txnAt: parseProviderTime(at)!, ...rest };
};

const range = (from: string, to: string) => financeRangeFromParams({ from, to }).range;
// These payments carry no currency: their block is '' ("not reported").
const only = (t: FinanceTotals) => {
  expect(t.currencies.map((c) => c.currency)).toEqual(['']);
  return t.currencies[0];
};

describe.each(await testDatabaseKinds())('finance totals on $kind', ({ create }) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await create();
    await t.handle.db.insert(transactions).values(
      [
        // Just outside 2025-02-06..09 on either side, in IST.
        { transactionId: 'BEFORE', status: 'SUCCESS', at: '2025-02-05 23:59:59', finalAmount: '7.0000' },
        { transactionId: 'AFTER', status: 'SUCCESS', at: '2025-02-10 00:00:00', finalAmount: '7.0000' },
        // 2025-02-06: nothing.
        { transactionId: 'A', status: 'SUCCESS', at: '2025-02-07 00:00:00', finalAmount: '0.1000', surcharge: '0.0100', paymentMode: 'UPI' },
        { transactionId: 'B', status: 'SUCCESS', at: '2025-02-07 23:59:00', finalAmount: '0.2000', surchargeGst: '0.0200', paymentMode: 'UPI' },
        { transactionId: 'C', status: 'FAILED', at: '2025-02-08 00:00:00', finalAmount: '100.0000', surcharge: '5.0000', mdr: '1.0000', mdrGst: '0.1800', paymentMode: 'CREDIT_CARD' },
        { transactionId: 'D', status: 'PENDING_WITH_BANK', at: '2025-02-08 12:00:00', finalAmount: '50.0000', paymentMode: 'CREDIT_CARD' },
        { transactionId: 'E', status: 'REFUNDED', at: '2025-02-09 18:30:00', finalAmount: '1000.0000', surcharge: '10.0000', surchargeGst: '1.8000', mdr: '2.5000', mdrGst: '0.4500', paymentMode: 'NET_BANKING' },
        { transactionId: 'F', status: 'CANCELLED', at: '2025-02-09 23:59:59', finalAmount: null },
        // 2025-03-01: two of three final payments succeeded; 2025-03-02: sums past 14 integer digits.
        { transactionId: 'R1', status: 'SUCCESS', at: '2025-03-01 10:00:00', finalAmount: '1.0000' },
        { transactionId: 'R2', status: 'PARTIALLY_REFUNDED', at: '2025-03-01 11:00:00', finalAmount: '1.0000' },
        { transactionId: 'R3', status: 'FAILED', at: '2025-03-01 12:00:00', finalAmount: '1.0000' },
        { transactionId: 'BIG1', status: 'SUCCESS', at: '2025-03-02 10:00:00', finalAmount: '99999999999999.9999' },
        { transactionId: 'BIG2', status: 'SUCCESS', at: '2025-03-02 11:00:00', finalAmount: '99999999999999.9999' },
        { transactionId: 'TINY', status: 'SUCCESS', at: '2025-03-02 12:00:00', finalAmount: '0.0001' },
        // 2025-04-01: two currencies, a partial refund of known amount, one the provider contradicted.
        { transactionId: 'I1', status: 'SUCCESS', at: '2025-04-01 10:00:00', finalAmount: '100.0000', currency: 'INR' },
        { transactionId: 'I2', status: 'PARTIALLY_REFUNDED', at: '2025-04-01 10:00:00', finalAmount: '100.0000', refundedAmount: '40.0000', currency: 'INR' },
        { transactionId: 'I3', status: 'PARTIALLY_REFUNDED', at: '2025-04-01 10:00:00', finalAmount: '100.0000', currency: 'INR' },
        { transactionId: 'I4', status: 'SUCCESS', at: '2025-04-01 10:00:00', finalAmount: '100.0000', currency: 'INR', verification: 'mismatch' },
        { transactionId: 'U1', status: 'SUCCESS', at: '2025-04-01 10:00:00', finalAmount: '9.9900', currency: 'USD' },
      ].map((r) => row(r as Row)),
    );
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('groups by IST day, exactly, with empty days as zeros', async () => {
    const totals = only(await financeTotals(t.handle.db, range('2025-02-06', '2025-02-09')));
    const line = (o: Partial<typeof zero>) => ({ ...zero, ...o });
    expect(totals.days).toEqual([
      { day: '2025-02-06', ...zero },
      // 0.10 + 0.20 is exactly 0.30; 00:00 and 23:59 IST are both on the 7th.
      { day: '2025-02-07', ...line({ count: 2, attempted: '0.3000', gross: '0.3000', net: '0.3000', successCount: 2, finalCount: 2, successRate: '100.0', surcharge: '0.0300' }) },
      // Failed payments count for MDR but not for surcharge collected; open ones not for the rate.
      { day: '2025-02-08', ...line({ count: 2, attempted: '150.0000', successCount: 0, finalCount: 1, successRate: '0.0', fees: '1.1800' }) },
      // A refunded payment of unknown refunded amount gave back all of it: net 0.
      { day: '2025-02-09', ...line({ count: 2, attempted: '1000.0000', gross: '1000.0000', refunds: '1000.0000', net: '0.0000', successCount: 1, finalCount: 2, successRate: '50.0', fees: '2.9500', surcharge: '11.8000' }) },
    ]);
    expect(totals.total).toEqual(line({
      count: 6, attempted: '1150.3000', gross: '1000.3000', refunds: '1000.0000', net: '0.3000',
      successCount: 3, finalCount: 5, successRate: '60.0', fees: '4.1300', surcharge: '11.8300',
    }));
  });

  it('puts 23:59 IST on its day and 00:00 IST on the next, for one-day ranges too', async () => {
    expect(only(await financeTotals(t.handle.db, range('2025-02-07', '2025-02-07'))).total.count).toBe(2);
    const eighth = only(await financeTotals(t.handle.db, range('2025-02-08', '2025-02-08')));
    expect(eighth.days.map((d) => [d.day, d.count])).toEqual([['2025-02-08', 2]]);
    expect(only(await financeTotals(t.handle.db, range('2025-02-05', '2025-02-05'))).total.gross).toBe('7.0000');
    expect(only(await financeTotals(t.handle.db, range('2025-02-10', '2025-02-10'))).total.gross).toBe('7.0000');
  });

  it('totals by status and by payment mode add up to the grand total', async () => {
    const totals = only(await financeTotals(t.handle.db, range('2025-02-06', '2025-02-09')));
    expect(totals.byStatus.map((s) => [s.status, s.statusFamily, s.count, s.attempted])).toEqual([
      ['SUCCESS', 'success', 2, '0.3000'],
      ['CANCELLED', 'cancelled', 1, '0.0000'],
      ['FAILED', 'failed', 1, '100.0000'],
      ['PENDING_WITH_BANK', 'open', 1, '50.0000'],
      ['REFUNDED', 'success', 1, '1000.0000'],
    ]);
    expect(totals.byStatus.find((s) => s.status === 'PENDING_WITH_BANK')?.successRate).toBeNull();
    expect(totals.byMode.map((m) => [m.paymentMode, m.count, m.attempted, m.gross, m.successRate])).toEqual([
      ['NET_BANKING', 1, '1000.0000', '1000.0000', '100.0'],
      ['CREDIT_CARD', 2, '150.0000', '0.0000', '0.0'],
      ['UPI', 2, '0.3000', '0.3000', '100.0'],
      [null, 1, '0.0000', '0.0000', '0.0'],
    ]);
    for (const part of [totals.days, totals.byStatus, totals.byMode]) {
      expect(part.reduce((n, p) => n + p.count, 0)).toBe(totals.total.count);
    }
  });

  it('rounds the success rate from an exact ratio and sums past 14 integer digits', async () => {
    const march = only(await financeTotals(t.handle.db, range('2025-03-01', '2025-03-02')));
    expect(march.days[0]).toMatchObject({ successCount: 2, finalCount: 3, successRate: '66.7' });
    expect(march.days[1].gross).toBe('199999999999999.9999');
    expect(march.total.gross).toBe('200000000000001.9999');
  });

  it('totals the same number of days just before, for the comparison', async () => {
    // 2025-02-08..09 compared with 2025-02-06..07: the 6th is empty, the 7th holds A and B.
    const all = await financeTotals(t.handle.db, range('2025-02-08', '2025-02-09'));
    expect(all.previousRange).toMatchObject({ from: '2025-02-06', to: '2025-02-07', days: 2 });
    expect(only(all).previous).toMatchObject({ count: 2, gross: '0.3000', successRate: '100.0' });
    // The day before a one-day range: BEFORE sits at 23:59:59 IST on the 5th.
    expect(only(await financeTotals(t.handle.db, range('2025-02-06', '2025-02-06'))).previous).toMatchObject({ count: 1, gross: '7.0000' });
  });

  it('gives an empty range all zeros, one row per day', async () => {
    const empty = await financeTotals(t.handle.db, range('2024-12-01', '2024-12-31'));
    expect(empty.currencies).toEqual([]);
  });

  it('keeps currencies apart, counts the refunded part of a partial refund, and sets contradicted payments apart', async () => {
    const april = await financeTotals(t.handle.db, range('2025-04-01', '2025-04-01'));
    expect(april.currencies.map((c) => c.currency)).toEqual(['INR', 'USD']);
    const [inr, usd] = april.currencies;
    // I4 (mismatch) is not in the figures; I3's refunded amount is not known yet (counted, flagged).
    expect(inr.total).toMatchObject({ count: 3, gross: '300.0000', refunds: '40.0000', net: '260.0000', refundUnknown: 1 });
    expect(inr.unconfirmed).toEqual({ count: 1, amount: '100.0000' });
    expect(usd.total).toMatchObject({ count: 1, gross: '9.9900', net: '9.9900' });

    // Every writer keeps the rollup: the provider now agrees about I4, and a settlement says how much of I3 went back.
    await t.handle.db.execute(sql`UPDATE transactions SET verification = 'confirmed' WHERE transaction_id = 'I4'`);
    await t.handle.db.execute(sql`UPDATE transactions SET refunded_amount = 25 WHERE transaction_id = 'I3'`);
    const after = (await financeTotals(t.handle.db, range('2025-04-01', '2025-04-01'))).currencies[0];
    expect(after.total).toMatchObject({ count: 4, gross: '400.0000', refunds: '65.0000', net: '335.0000', refundUnknown: 0 });
    expect(after.unconfirmed).toEqual({ count: 0, amount: '0.0000' });
    expect(await verifyFinanceRollup(t.handle.db)).toEqual({ rows: expect.any(Number), differences: [] });
  });
});
