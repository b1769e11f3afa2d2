import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';

export interface RollupDifference {
  key: { istDay: string; provider: string; status: string; statusFamily: string; paymentMode: string; currency: string; contradicted: boolean; slot: number };
  /** Each measure as the rollup holds it and as the payments say, exact text; only those that differ. */
  measures: Record<string, { rollup: string; payments: string }>;
}

const MEASURES = ['payments', 'gross', 'refunds', 'refund_unknown', 'fees', 'surcharge'] as const;

/**
 * Recomputes every rollup row from the payments (the view finance_daily_expected, migration
 * finance_rollup) and lists every difference, exactly: a row only one side has, or a measure that
 * differs. Rows of zeros left by payments that moved away count as absent. Read in one snapshot.
 */
export async function verifyFinanceRollup(db: DbOrTx): Promise<{ rows: number; differences: RollupDifference[] }> {
  const nonzero = (t: string) => sql.raw(`(${t}.payments <> 0 OR ${t}.gross <> 0 OR ${t}.refunds <> 0 OR ${t}.refund_unknown <> 0 OR ${t}.fees <> 0 OR ${t}.surcharge <> 0)`);
  const run = async (tx: DbOrTx) => {
    const [{ n }] = await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM finance_daily`);
    const rows = await queryRows<Record<string, string | boolean | null>>(
      tx,
      sql`SELECT to_char(coalesce(r.ist_day, e.ist_day), 'YYYY-MM-DD') AS ist_day, coalesce(r.provider, e.provider) AS provider,
                 coalesce(r.status, e.status) AS status, coalesce(r.status_family, e.status_family) AS status_family,
                 coalesce(r.payment_mode, e.payment_mode) AS payment_mode, coalesce(r.currency, e.currency) AS currency,
                 coalesce(r.contradicted, e.contradicted) AS contradicted, coalesce(r.slot, e.slot)::int AS slot,
                 ${sql.raw(MEASURES.map((m) => `coalesce(r.${m}, 0)::text AS r_${m}, coalesce(e.${m}, 0)::text AS e_${m}`).join(', '))}
          FROM (SELECT * FROM finance_daily r WHERE ${nonzero('r')}) r
          FULL JOIN finance_daily_expected e
            ON (r.ist_day, r.provider, r.status, r.status_family, r.payment_mode, r.currency, r.contradicted, r.slot)
             = (e.ist_day, e.provider, e.status, e.status_family, e.payment_mode, e.currency, e.contradicted, e.slot)
          WHERE ${sql.raw(MEASURES.map((m) => `coalesce(r.${m}, 0) <> coalesce(e.${m}, 0)`).join(' OR '))}
          ORDER BY 1, 2, 3, 5, 6, 7, 8`,
    );
    const differences = rows.map((r): RollupDifference => ({
      key: {
        istDay: String(r.ist_day), provider: String(r.provider), status: String(r.status), statusFamily: String(r.status_family),
        paymentMode: String(r.payment_mode), currency: String(r.currency), contradicted: r.contradicted === true, slot: Number(r.slot),
      },
      measures: Object.fromEntries(
        MEASURES.filter((m) => !sameNumber(String(r[`r_${m}`]), String(r[`e_${m}`])))
          .map((m) => [m, { rollup: String(r[`r_${m}`]), payments: String(r[`e_${m}`]) }]),
      ),
    }));
    return { rows: n, differences };
  };
  return db.transaction((tx) => run(tx), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

/** Two decimal texts naming the same number (0.1000 and 0.1): compared without floats. */
function sameNumber(a: string, b: string): boolean {
  const norm = (v: string) => {
    const [w, f = ''] = v.split('.');
    return `${w}.${f.replace(/0+$/, '')}`;
  };
  return norm(a) === norm(b);
}
