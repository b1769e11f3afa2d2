import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';

export interface RollupDifference {
  key: { istDay: string; provider: string; status: string; statusFamily: string; paymentMode: string; currency: string; contradicted: boolean };
  /** Each measure as the rollup holds it and as the payments say, exact text; only those that differ. */
  measures: Record<string, { rollup: string; payments: string }>;
}

const MEASURES = ['payments', 'gross', 'refunds', 'refund_unknown', 'fees', 'surcharge'] as const;

/**
 * Recomputes every rollup key from the payments (the view finance_daily_expected, migration
 * finance_rollup) and lists every difference, exactly: a key only one side has, or a measure that
 * differs (a key's slots summed). Keys of zeros left by payments that moved away count as absent.
 * Read in one snapshot.
 */
export async function verifyFinanceRollup(db: DbOrTx): Promise<{ rows: number; differences: RollupDifference[] }> {
  const run = async (tx: DbOrTx) => {
    const [{ n }] = await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM finance_daily`);
    const rows = await queryRows<Record<string, string | boolean | null>>(
      tx,
      sql`SELECT to_char(coalesce(r.ist_day, e.ist_day), 'YYYY-MM-DD') AS ist_day, coalesce(r.provider, e.provider) AS provider,
                 coalesce(r.status, e.status) AS status, coalesce(r.status_family, e.status_family) AS status_family,
                 coalesce(r.payment_mode, e.payment_mode) AS payment_mode, coalesce(r.currency, e.currency) AS currency,
                 coalesce(r.contradicted, e.contradicted) AS contradicted,
                 ${sql.raw(MEASURES.map((m) => `coalesce(r.${m}, 0)::text AS r_${m}, coalesce(e.${m}, 0)::text AS e_${m}`).join(', '))}
          -- A key's slots summed: where a difference was added is not part of the figures.
          FROM (SELECT r.ist_day, r.provider, r.status, r.status_family, r.payment_mode, r.currency, r.contradicted,
                       ${sql.raw(MEASURES.map((m) => `sum(r.${m}) AS ${m}`).join(', '))}
                FROM finance_daily r GROUP BY 1, 2, 3, 4, 5, 6, 7) r
          FULL JOIN finance_daily_expected e
            ON (r.ist_day, r.provider, r.status, r.status_family, r.payment_mode, r.currency, r.contradicted)
             = (e.ist_day, e.provider, e.status, e.status_family, e.payment_mode, e.currency, e.contradicted)
          WHERE ${sql.raw(MEASURES.map((m) => `coalesce(r.${m}, 0) <> coalesce(e.${m}, 0)`).join(' OR '))}
          ORDER BY 1, 2, 3, 5, 6, 7`,
    );
    const differences = rows.map((r): RollupDifference => ({
      key: {
        istDay: String(r.ist_day), provider: String(r.provider), status: String(r.status), statusFamily: String(r.status_family),
        paymentMode: String(r.payment_mode), currency: String(r.currency), contradicted: r.contradicted === true,
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
