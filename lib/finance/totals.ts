import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { compareMoney } from '@/lib/money';
import { addDays, previousRange, type FinanceRange } from './range';

/**
 * One line of totals. Money is exact numeric text from Postgres; the rate a percentage with one
 * decimal. Payments the provider contradicted (its check disagreed, or it sent two final
 * statuses) are not in these figures: they are counted apart (`CurrencyTotals.unconfirmed`).
 */
export interface Totals {
  count: number;
  /** Final amount of every payment, whatever its status (attempted volume). */
  attempted: string;
  /** Final amount of successful payments (success, partially refunded, refunded): money taken. */
  gross: string;
  /** Money given back: a refunded payment's refunded part (the whole of a REFUNDED one whose amount is not known). */
  refunds: string;
  /** gross − refunds. */
  net: string;
  /** Partly refunded payments whose refunded amount is not known yet (counted as 0 in refunds). */
  refundUnknown: number;
  successCount: number;
  /** Payments with a final outcome (success, failed and cancelled families): the success rate's denominator. */
  finalCount: number;
  /** successCount / finalCount in percent, rounded to one decimal in SQL; null without final payments. */
  successRate: string | null;
  /** MDR + GST the provider reported on the payments (every status). */
  fees: string;
  /** Surcharge + its GST collected on successful payments. */
  surcharge: string;
}

export interface CurrencyTotals {
  /** ISO code as the provider sent it; '' when it sent none. */
  currency: string;
  total: Totals;
  previous: Totals;
  /** Payments the provider contradicted, in the range: shown apart, never in the figures above. */
  unconfirmed: { count: number; amount: string };
  days: (Totals & { day: string })[];
  byStatus: (Totals & { status: string; statusFamily: string })[];
  byMode: (Totals & { paymentMode: string | null })[];
}

export interface FinanceTotals {
  range: FinanceRange;
  /** The same number of days just before the range, for comparison. */
  previousRange: FinanceRange;
  /** One block per currency (amounts are never added across currencies), the most payments first. */
  currencies: CurrencyTotals[];
}

type Row = {
  g_day: number;
  g_status: number;
  g_mode: number;
  period: 'cur' | 'prev';
  currency: string;
  ist_day: string | null;
  status: string | null;
  status_family: string | null;
  payment_mode: string | null;
  count: number;
  attempted: string;
  gross: string;
  refunds: string;
  net: string;
  refund_unknown: number;
  success_count: number;
  final_count: number;
  success_rate: string | null;
  fees: string;
  surcharge: string;
  unconfirmed_count: number;
  unconfirmed_amount: string;
};

const OK = sql.raw('NOT f.contradicted');
const SUCCESS = sql.raw(`NOT f.contradicted AND f.status_family = 'success'`);
const FINAL = sql.raw(`NOT f.contradicted AND f.status_family IN ('success', 'failed', 'cancelled')`);
const MEASURES = sql`
  coalesce(sum(f.payments) FILTER (WHERE ${OK}), 0)::int AS count,
  round(coalesce(sum(f.gross) FILTER (WHERE ${OK}), 0), 4)::text AS attempted,
  round(coalesce(sum(f.gross) FILTER (WHERE ${SUCCESS}), 0), 4)::text AS gross,
  round(coalesce(sum(f.refunds) FILTER (WHERE ${SUCCESS}), 0), 4)::text AS refunds,
  round(coalesce(sum(f.gross) FILTER (WHERE ${SUCCESS}), 0) - coalesce(sum(f.refunds) FILTER (WHERE ${SUCCESS}), 0), 4)::text AS net,
  coalesce(sum(f.refund_unknown) FILTER (WHERE ${SUCCESS}), 0)::int AS refund_unknown,
  coalesce(sum(f.payments) FILTER (WHERE ${SUCCESS}), 0)::int AS success_count,
  coalesce(sum(f.payments) FILTER (WHERE ${FINAL}), 0)::int AS final_count,
  round(100 * coalesce(sum(f.payments) FILTER (WHERE ${SUCCESS}), 0) / nullif(sum(f.payments) FILTER (WHERE ${FINAL}), 0), 1)::text AS success_rate,
  round(coalesce(sum(f.fees) FILTER (WHERE ${OK}), 0), 4)::text AS fees,
  round(coalesce(sum(f.surcharge) FILTER (WHERE ${SUCCESS}), 0), 4)::text AS surcharge,
  coalesce(sum(f.payments) FILTER (WHERE f.contradicted), 0)::int AS unconfirmed_count,
  round(coalesce(sum(f.gross) FILTER (WHERE f.contradicted), 0), 4)::text AS unconfirmed_amount`;

const toTotals = (r: Row): Totals => ({
  count: r.count,
  attempted: r.attempted,
  gross: r.gross,
  refunds: r.refunds,
  net: r.net,
  refundUnknown: r.refund_unknown,
  successCount: r.success_count,
  finalCount: r.final_count,
  successRate: r.success_rate,
  fees: r.fees,
  surcharge: r.surcharge,
});

export const ZERO: Totals = {
  count: 0, attempted: '0.0000', gross: '0.0000', refunds: '0.0000', net: '0.0000', refundUnknown: 0,
  successCount: 0, finalCount: 0, successRate: null, fees: '0.0000', surcharge: '0.0000',
};

/**
 * Totals per currency: overall, the period before, per IST day (every day of the range, empty
 * ones as zeros), per status and per payment mode — one query over the rollup `finance_daily`
 * (kept exact by triggers on transactions, migration finance_rollup), with GROUPING SETS. Its size
 * is days × statuses × modes, not payments: a year reads the same few thousand rows at ten million
 * payments as at ten thousand.
 */
export async function financeTotals(db: DbOrTx, range: FinanceRange): Promise<FinanceTotals> {
  const before = previousRange(range);
  const rows = await queryRows<Row>(
    db,
    sql`SELECT grouping(f.ist_day)::int AS g_day, grouping(f.status)::int AS g_status, grouping(f.payment_mode)::int AS g_mode,
               CASE WHEN f.cur THEN 'cur' ELSE 'prev' END AS period, f.currency,
               to_char(f.ist_day, 'YYYY-MM-DD') AS ist_day, f.status, f.status_family, f.payment_mode, ${MEASURES}
        FROM (
          -- The four slots of a key summed first (a cheap hash aggregate), so the grouping sets
          -- below work on a quarter of the rows.
          SELECT r.ist_day, r.provider, r.status, r.status_family, r.payment_mode, r.currency, r.contradicted,
                 r.ist_day >= ${range.from}::date AS cur, sum(r.payments) AS payments, sum(r.gross) AS gross, sum(r.refunds) AS refunds,
                 sum(r.refund_unknown) AS refund_unknown, sum(r.fees) AS fees, sum(r.surcharge) AS surcharge
          FROM finance_daily r
          WHERE r.ist_day BETWEEN ${before.from}::date AND ${range.to}::date
          GROUP BY r.ist_day, r.provider, r.status, r.status_family, r.payment_mode, r.currency, r.contradicted) f
        GROUP BY GROUPING SETS ((f.currency, f.cur), (f.currency, f.ist_day), (f.currency, f.cur, f.status, f.status_family), (f.currency, f.cur, f.payment_mode))`,
  );
  const currencies = new Map<string, CurrencyTotals>();
  const block = (currency: string) => {
    let c = currencies.get(currency);
    if (!c) {
      c = { currency, total: ZERO, previous: ZERO, unconfirmed: { count: 0, amount: '0.0000' }, days: [], byStatus: [], byMode: [] };
      currencies.set(currency, c);
    }
    return c;
  };
  const dayRows = new Map<string, Map<string, Totals>>();
  for (const r of rows) {
    const c = block(r.currency);
    const isDay = r.g_day === 0;
    if (isDay) {
      if (r.ist_day! >= range.from) (dayRows.get(r.currency) ?? dayRows.set(r.currency, new Map()).get(r.currency)!).set(r.ist_day!, toTotals(r));
    } else if (r.period === 'prev') {
      if (r.g_status === 1 && r.g_mode === 1) c.previous = toTotals(r);
    } else if (r.g_status === 0) {
      c.byStatus.push({ status: r.status!, statusFamily: r.status_family!, ...toTotals(r) });
    } else if (r.g_mode === 0) {
      c.byMode.push({ paymentMode: r.payment_mode || null, ...toTotals(r) });
    } else {
      c.total = toTotals(r);
      c.unconfirmed = { count: r.unconfirmed_count, amount: r.unconfirmed_amount };
    }
  }
  for (const c of currencies.values()) {
    const days = dayRows.get(c.currency) ?? new Map();
    c.days = Array.from({ length: range.days }, (_, i) => {
      const day = addDays(range.from, i);
      return { day, ...(days.get(day) ?? ZERO) };
    });
    c.byStatus = c.byStatus.filter((s) => s.count > 0).sort((a, b) => b.count - a.count || a.status.localeCompare(b.status));
    c.byMode = c.byMode
      .filter((m) => m.count > 0)
      .sort((a, b) => compareMoney(b.attempted, a.attempted) || String(a.paymentMode).localeCompare(String(b.paymentMode)));
  }
  const list = [...currencies.values()].filter((c) => c.total.count + c.previous.count + c.unconfirmed.count > 0);
  list.sort((a, b) => b.total.count - a.total.count || a.currency.localeCompare(b.currency));
  return { range, previousRange: before, currencies: list };
}
