import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '@/db/client';
import { mdrRates, type MdrRate } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { AppError } from '@/lib/errors';
import { compareMoney, parseMoney } from '@/lib/money';
import { z } from 'zod';
import type { Actor } from './exceptions';

/**
 * The merchant's contracted MDR: percent and/or a fixed fee per payment mode, card scheme and
 * amount band, GST 18 % on top, each rate from an IST day on. Reconciliation
 * (lib/settlements/reconcile.ts) checks every sale line's charges against the rate in force on
 * the payment's day — the most specific one (a scheme beats "any scheme"), the latest.
 * A rate is never rewritten: a new one closes the one it replaces (effective_to), both audited.
 */

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day, YYYY-MM-DD');
const amount = z.string().trim().refine((v) => v === '' || (parseMoney(v).ok && !v.startsWith('-')), 'an amount in rupees, e.g. 2000 or 0.50');
export const rateInputSchema = z.object({
  paymentMode: z.string().trim().regex(/^[A-Z_]{2,40}$/, 'a payment mode such as UPI or CREDIT_CARD'),
  cardScheme: z.string().trim().toUpperCase().regex(/^[A-Z_]{0,20}$/, 'a card scheme such as VISA, or empty for any').default(''),
  minAmount: amount.default(''),
  maxAmount: amount.default(''),
  percent: z.string().trim().regex(/^\d{1,2}(\.\d{1,4})?$/, 'a percent such as 1.8'),
  fixedFee: amount.default(''),
  effectiveFrom: day,
});
export type RateInput = z.input<typeof rateInputSchema>;

const orZero = (v: string) => (v === '' ? '0' : v);

/** Rates in force now or later, and the closed ones after, by mode. */
export async function listRates(db: DbOrTx): Promise<MdrRate[]> {
  return db.select().from(mdrRates).orderBy(sql`${mdrRates.effectiveTo} IS NOT NULL`, asc(mdrRates.paymentMode), asc(mdrRates.cardScheme), asc(mdrRates.minAmount), sql`${mdrRates.effectiveFrom} DESC`);
}

/**
 * Adds a rate from `effectiveFrom`; an open rate for the same mode, scheme and band starting
 * earlier is closed on that day, one starting the same day or later is refused (say it once).
 */
export async function addRate(db: Db, input: RateInput, actor: Actor): Promise<MdrRate> {
  const r = rateInputSchema.parse(input);
  const band = { min: parseMoney(orZero(r.minAmount)).ok ? orZero(r.minAmount) : '0', max: r.maxAmount === '' ? null : r.maxAmount };
  if (band.max !== null && compareMoney(band.max, band.min) <= 0) throw new AppError('invalid_input', 'The band’s upper amount must be above its lower amount.');
  return db.transaction(async (tx) => {
    const same = and(
      eq(mdrRates.paymentMode, r.paymentMode),
      eq(mdrRates.cardScheme, r.cardScheme),
      sql`${mdrRates.minAmount} = ${band.min}::numeric`,
      band.max === null ? isNull(mdrRates.maxAmount) : sql`${mdrRates.maxAmount} = ${band.max}::numeric`,
      isNull(mdrRates.effectiveTo),
    );
    const open = await tx.select().from(mdrRates).where(same).for('update');
    if (open.some((o) => o.effectiveFrom >= r.effectiveFrom)) {
      throw new AppError('conflict', 'A rate for this mode, scheme and band already starts on or after that day.');
    }
    for (const o of open) {
      await tx.update(mdrRates).set({ effectiveTo: r.effectiveFrom }).where(eq(mdrRates.id, o.id));
      await recordAudit(tx, {
        actor: `user:${actor.userId}`, actorRole: actor.role, sourceIp: actor.sourceIp,
        action: 'fees.rate_closed', target: `mdr_rate:${o.id}`, outcome: 'ok', details: { effectiveTo: r.effectiveFrom },
      });
    }
    const [row] = await tx
      .insert(mdrRates)
      .values({
        paymentMode: r.paymentMode, cardScheme: r.cardScheme, minAmount: band.min, maxAmount: band.max,
        percent: r.percent, fixedFee: orZero(r.fixedFee), effectiveFrom: r.effectiveFrom, createdBy: `user:${actor.userId}`,
      })
      .returning();
    await recordAudit(tx, {
      actor: `user:${actor.userId}`, actorRole: actor.role, sourceIp: actor.sourceIp,
      action: 'fees.rate_added', target: `mdr_rate:${row.id}`, outcome: 'ok',
      details: { paymentMode: r.paymentMode, cardScheme: r.cardScheme, minAmount: band.min, maxAmount: band.max, percent: r.percent, fixedFee: orZero(r.fixedFee), effectiveFrom: r.effectiveFrom },
    });
    return row;
  });
}

/** Ends a rate on a day (from then on no rate, unless another applies), audited. */
export async function endRate(db: Db, params: { id: number; effectiveTo: string }, actor: Actor): Promise<void> {
  const to = day.parse(params.effectiveTo);
  await db.transaction(async (tx) => {
    const rows = await tx
      .update(mdrRates)
      .set({ effectiveTo: to })
      .where(and(eq(mdrRates.id, params.id), isNull(mdrRates.effectiveTo), sql`${mdrRates.effectiveFrom} < ${to}::date`))
      .returning({ id: mdrRates.id });
    await recordAudit(tx, {
      actor: `user:${actor.userId}`, actorRole: actor.role, sourceIp: actor.sourceIp,
      action: 'fees.rate_closed', target: `mdr_rate:${params.id}`, outcome: rows.length ? 'ok' : 'refused', details: { effectiveTo: to },
    });
    if (!rows.length) throw new AppError('conflict', 'That rate is already closed, or starts on or after that day.');
  });
}

export interface MonthFees {
  month: string;
  lines: number;
  charged: string;
  gst: string;
  contracted: string | null;
  contractedGst: string | null;
  /** charged + GST − contracted + GST over lines with a contracted rate. */
  excess: string;
  uncontracted: number;
}

/** Fees charged vs contracted per IST month of payout (sale lines), newest first. */
export async function monthlyFees(db: DbOrTx, params: { months: number }): Promise<MonthFees[]> {
  return queryRows<MonthFees>(db, sql`
    SELECT to_char(date_trunc('month', p.payout_day), 'YYYY-MM') AS month, count(*)::int AS lines,
           coalesce(sum(l.charges), 0)::text AS charged, coalesce(sum(l.tax_amount), 0)::text AS gst,
           sum(l.expected_charges)::text AS contracted, sum(l.expected_tax)::text AS "contractedGst",
           coalesce(sum(coalesce(l.charges, 0) + coalesce(l.tax_amount, 0) - l.expected_charges - l.expected_tax)
                    FILTER (WHERE l.expected_charges IS NOT NULL), 0)::text AS excess,
           count(*) FILTER (WHERE l.expected_charges IS NULL AND l.transaction_row_id IS NOT NULL)::int AS uncontracted
    FROM settlement_lines l JOIN settlement_payouts p ON p.id = l.payout_row_id
    WHERE l.transaction_type = 'SALE' AND p.payout_day >= (date_trunc('month', now() AT TIME ZONE 'Asia/Kolkata') - make_interval(months => ${params.months - 1}))::date
    GROUP BY 1 ORDER BY 1 DESC`);
}
