import { and, asc, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { deliveries, paymentEvents, transactions, type Transaction } from '@/db/schema';
import { classifyQuery, encodeCursor, type TransactionSearch } from './search-params';

export interface TransactionPage {
  rows: Transaction[];
  nextCursor: string | null;
}

/** Newest first, keyset-paginated on (txn_at, id) — never OFFSET, so deep pages cost the same. */
export async function searchTransactions(db: DbOrTx, search: TransactionSearch): Promise<TransactionPage> {
  const where: (SQL | undefined)[] = [];
  if (search.q) {
    const term = classifyQuery(search.q);
    where.push(
      term.kind === 'last4'
        ? eq(transactions.cardLast4, term.value)
        : or(
            eq(transactions.transactionId, term.value),
            eq(transactions.uniqueTransactionId, term.value),
            eq(transactions.orderId, term.value),
            eq(transactions.bankTransactionId, term.value),
          ),
    );
  }
  if (search.status) where.push(eq(transactions.status, search.status));
  if (search.paymentMode) where.push(eq(transactions.paymentMode, search.paymentMode));
  if (search.from) where.push(gte(transactions.txnAt, search.from));
  if (search.to) where.push(lt(transactions.txnAt, search.to));
  if (search.cursor) {
    where.push(sql`(${transactions.txnAt}, ${transactions.id}) < (${search.cursor.txnAt.toISOString()}::timestamptz, ${search.cursor.id})`);
  }
  const rows = await db
    .select()
    .from(transactions)
    .where(and(...where))
    .orderBy(desc(transactions.txnAt), desc(transactions.id))
    .limit(search.limit + 1);
  const page = rows.slice(0, search.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > search.limit && last ? encodeCursor({ txnAt: last.txnAt, id: last.id }) : null };
}

export interface TransactionDetail {
  transaction: Transaction;
  events: (typeof paymentEvents.$inferSelect & { effect: string | null })[];
}

/** A transaction with its events, oldest first, each with the effect its first delivery had. */
export async function getTransactionDetail(db: DbOrTx, params: { transactionId: string; provider?: string }): Promise<TransactionDetail | null> {
  const [transaction] = await db
    .select()
    .from(transactions)
    .where(and(eq(transactions.transactionId, params.transactionId), params.provider ? eq(transactions.provider, params.provider) : undefined))
    .orderBy(asc(transactions.id))
    .limit(1);
  if (!transaction) return null;
  const events = await db
    .select()
    .from(paymentEvents)
    .where(and(eq(paymentEvents.provider, transaction.provider), eq(paymentEvents.transactionId, transaction.transactionId)))
    .orderBy(asc(paymentEvents.id));
  const accepted = events.length
    ? await db
        .select({ eventId: deliveries.eventId, effect: deliveries.effect })
        .from(deliveries)
        .where(and(inArray(deliveries.eventId, events.map((e) => e.id)), eq(deliveries.outcome, 'accepted')))
    : [];
  const effectOf = new Map(accepted.map((a) => [a.eventId, a.effect]));
  return { transaction, events: events.map((e) => ({ ...e, effect: effectOf.get(e.id) ?? null })) };
}
