import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { previousRange, type FinanceRange } from './range';

/** One line of totals. Money is exact numeric text from Postgres; the rate is a percentage with one decimal. */
export interface Totals {
  count: number;
  gross: string;
  successful: string;
  successCount: number;
  /** Payments with a final outcome (success, failed and cancelled families): the success rate's denominator. */
  finalCount: number;
  /** successCount / finalCount in percent, rounded to one decimal in SQL; null without final payments. */
  successRate: string | null;
  mdrGst: string;
  surcharge: string;
}

export interface FinanceTotals {
  range: FinanceRange;
  /** The same measures over the same number of days just before the range, for comparison. */
  previous: Totals & { range: FinanceRange };
  days: (Totals & { day: string })[];
  byStatus: (Totals & { status: string; statusFamily: string })[];
  byMode: (Totals & { paymentMode: string | null })[];
  total: Totals;
}

type TotalsRow = {
  count: number;
  gross: string;
  successful: string;
  success_count: number;
  final_count: number;
  success_rate: string | null;
  mdr_gst: string;
  surcharge: string;
};

// Sums over `p`, the payments in range. count(p.id) rather than count(*): an empty day of the
// left join has one row of NULLs. 0.0000 keeps the scale of numeric(18,4) for empty sums.
const SUCCESS = sql.raw(`p.status_family = 'success'`);
const FINAL = sql.raw(`p.status_family IN ('success', 'failed', 'cancelled')`);
const MEASURES = sql`
  count(p.id)::int AS count,
  coalesce(sum(p.final_amount), 0.0000)::text AS gross,
  coalesce(sum(p.final_amount) FILTER (WHERE ${SUCCESS}), 0.0000)::text AS successful,
  count(p.id) FILTER (WHERE ${SUCCESS})::int AS success_count,
  count(p.id) FILTER (WHERE ${FINAL})::int AS final_count,
  round(100 * count(p.id) FILTER (WHERE ${SUCCESS})::numeric / nullif(count(p.id) FILTER (WHERE ${FINAL}), 0), 1)::text AS success_rate,
  coalesce(sum(coalesce(p.mdr, 0.0000) + coalesce(p.mdr_gst, 0.0000)), 0.0000)::text AS mdr_gst,
  coalesce(sum(coalesce(p.surcharge, 0.0000) + coalesce(p.surcharge_gst, 0.0000)) FILTER (WHERE ${SUCCESS}), 0.0000)::text AS surcharge`;

const toTotals = (r: TotalsRow): Totals => ({
  count: r.count,
  gross: r.gross,
  successful: r.successful,
  successCount: r.success_count,
  finalCount: r.final_count,
  successRate: r.success_rate,
  mdrGst: r.mdr_gst,
  surcharge: r.surcharge,
});

/**
 * Totals per IST day (every day of the range, empty ones as zeros), per status, per payment
 * mode, overall, and overall for the period just before — all summed in SQL, read in one
 * snapshot so the parts add up to the total.
 */
export async function financeTotals(db: DbOrTx, range: FinanceRange): Promise<FinanceTotals> {
  const within = (r: FinanceRange) => sql`
    WITH p AS (
      SELECT t.*, (t.txn_at AT TIME ZONE 'Asia/Kolkata')::date AS ist_day
      FROM transactions t
      WHERE t.txn_at >= ${r.start.toISOString()}::timestamptz AND t.txn_at < ${r.end.toISOString()}::timestamptz
    )`;
  const inRange = within(range);
  const before = previousRange(range);
  return db.transaction(
    async (tx) => {
      const days = await queryRows<TotalsRow & { day: string }>(
        tx,
        sql`${inRange}, d AS (SELECT ${range.from}::date + i AS day FROM generate_series(0, ${range.days - 1}::int) AS i)
          SELECT to_char(d.day, 'YYYY-MM-DD') AS day, ${MEASURES}
          FROM d LEFT JOIN p ON p.ist_day = d.day
          GROUP BY d.day ORDER BY d.day`,
      );
      const byStatus = await queryRows<TotalsRow & { status: string; status_family: string }>(
        tx,
        sql`${inRange} SELECT p.status, p.status_family, ${MEASURES} FROM p
          GROUP BY p.status, p.status_family ORDER BY count(p.id) DESC, p.status`,
      );
      const byMode = await queryRows<TotalsRow & { payment_mode: string | null }>(
        tx,
        sql`${inRange} SELECT p.payment_mode, ${MEASURES} FROM p
          GROUP BY p.payment_mode ORDER BY sum(p.final_amount) DESC NULLS LAST, p.payment_mode NULLS LAST`,
      );
      const [total] = await queryRows<TotalsRow>(tx, sql`${inRange} SELECT ${MEASURES} FROM p`);
      const [previous] = await queryRows<TotalsRow>(tx, sql`${within(before)} SELECT ${MEASURES} FROM p`);
      return {
        range,
        previous: { ...toTotals(previous), range: before },
        days: days.map((r) => ({ day: r.day, ...toTotals(r) })),
        byStatus: byStatus.map((r) => ({ status: r.status, statusFamily: r.status_family, ...toTotals(r) })),
        byMode: byMode.map((r) => ({ paymentMode: r.payment_mode, ...toTotals(r) })),
        total: toTotals(total),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
