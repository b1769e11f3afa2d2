import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { STUCK_AT_BANK } from '@/db/schema';
import { MONEY_BACK_RESOLUTIONS } from '@/lib/cases/kinds';
import { QUEUE_PAYMENT_COLUMNS, queuePayment, type QueuePayment } from './payment-row';
import { pastDeadlineBefore, TAT_RULES, tatFor, type TatRule, type TatView } from './tat';

/**
 * Money stuck at the bank: the customer may have been debited and the payment is not final
 * (STUCK_AT_BANK, db/schema/transactions.ts, with its partial index), unless a person has resolved
 * one of its cases saying the money is back (refunded, reversed by the bank). Oldest first — the
 * ones past the RBI deadline lead — in keyset pages of (txn_at, id).
 */
export const STUCK_PAGE = 50;

const moneyBackList = sql.raw(MONEY_BACK_RESOLUTIONS.map((r) => `'${r}'`).join(', '));
export const notMoneyBack = sql`NOT EXISTS (SELECT 1 FROM cases c WHERE c.subject_type = 'payment' AND c.subject_id = t.id
                                             AND c.state = 'resolved' AND c.resolution IN (${moneyBackList}))`;

/** Past its deadline now, per the rule table: one cutoff per rule, the default row last. */
export function pastDeadlineSql(now: Date, rules: readonly TatRule[] = TAT_RULES): SQL {
  const cutoff = (r: TatRule) => sql`t.txn_at < ${pastDeadlineBefore(now, r).toISOString()}::timestamptz`;
  const specific = rules.filter((r) => r.modes !== null);
  const fallback = rules.find((r) => r.modes === null) ?? rules[rules.length - 1];
  if (specific.length === 0) return cutoff(fallback);
  const whens = specific.map((r) => sql`WHEN t.payment_mode IN (${sql.join(r.modes!.map((m) => sql`${m}`), sql`, `)}) THEN ${cutoff(r)}`);
  return sql`(CASE ${sql.join(whens, sql` `)} ELSE ${cutoff(fallback)} END)`;
}

export interface StuckRow extends QueuePayment {
  statusFamily: string;
  paymentMode: string | null;
  tat: TatView;
}

export interface StuckPage {
  rows: StuckRow[];
  next: { txnAt: string; id: number } | null;
}

export async function stuckAtBankQueue(db: DbOrTx, params: { now: Date; after?: { txnAt: string; id: number } | null; limit?: number }): Promise<StuckPage> {
  const limit = params.limit ?? STUCK_PAGE;
  const after = params.after ? sql`AND (t.txn_at, t.id) > (${params.after.txnAt}::timestamptz, ${params.after.id}::bigint)` : sql``;
  const rows = await queryRows<Record<string, any>>(
    db,
    sql`SELECT ${QUEUE_PAYMENT_COLUMNS}, t.status_family, t.payment_mode, to_char(t.txn_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS txn_at_key
          FROM transactions t
         WHERE ${STUCK_AT_BANK} AND ${notMoneyBack} ${after}
         ORDER BY t.txn_at, t.id
         LIMIT ${limit + 1}`,
  );
  const page = rows.slice(0, limit).map((r) => {
    const payment = queuePayment(r);
    return {
      ...payment,
      statusFamily: r.status_family,
      paymentMode: r.payment_mode,
      tat: tatFor({ txnAt: payment.txnAt, paymentMode: r.payment_mode }, params.now),
    };
  });
  const last = rows[limit - 1];
  return { rows: page, next: rows.length > limit ? { txnAt: last.txn_at_key, id: Number(last.id) } : null };
}
