import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { deliveries, paymentEvents, transactions, type Transaction } from '@/db/schema';
import { classifyQuery, encodeCursor, type Cursor, type TransactionSearch } from './search-params';

export const COUNT_CAP = 10_000;

export type TransactionQuery = TransactionSearch & {
  /**
   * Whether text in the search box may match cardholder names. Staff pages only: the name is
   * personal data the read API never shows, so the API must not be able to probe it either.
   */
  matchNames?: boolean;
  /** Only payments recorded after this transactions.id (live pages: "N new payments"). Never from a URL. */
  afterId?: number;
};

export interface TransactionPage {
  rows: Transaction[];
  nextCursor: string | null;
  prevCursor: string | null;
}

/**
 * The filters of a search, cursor excluded. Each shape keeps an index usable in keyset order:
 * (txn_at, id), (status|payment_mode|card_last4, txn_at, id), the flagged partial index, or
 * the id and trigram indexes for a few rows sorted after.
 */
function searchFilters(search: TransactionQuery): SQL | undefined {
  const where: (SQL | undefined)[] = [];
  if (search.q) {
    const term = classifyQuery(search.q);
    // Parameters stay untyped, so Postgres compares them as the column's own type.
    const byId = () =>
      or(
        eq(transactions.transactionId, term.value),
        eq(transactions.uniqueTransactionId, term.value),
        eq(transactions.orderId, term.value),
        eq(transactions.bankTransactionId, term.value),
      );
    if (term.kind === 'last4') where.push(eq(transactions.cardLast4, term.value));
    else if (term.kind === 'name' && search.matchNames) where.push(or(byId(), sql`${transactions.cardholderName} ILIKE ${term.pattern}`));
    else where.push(byId());
  }
  if (search.status) where.push(eq(transactions.status, search.status));
  if (search.paymentMode) where.push(eq(transactions.paymentMode, search.paymentMode));
  if (search.provider) where.push(eq(transactions.provider, search.provider));
  if (search.from) where.push(gte(transactions.txnAt, search.from));
  if (search.to) where.push(lt(transactions.txnAt, search.to));
  if (search.minAmount) where.push(gte(transactions.finalAmount, search.minAmount));
  if (search.maxAmount) where.push(lte(transactions.finalAmount, search.maxAmount));
  // Written exactly as the predicate of transactions_flagged_txn_at_idx, so the planner can use it.
  if (search.flagged) where.push(sql`cardinality(${transactions.flags}) > 0`);
  if (search.afterId !== undefined) where.push(gt(transactions.id, search.afterId));
  return and(...where);
}

const keyset = (c: Cursor) => sql`(${transactions.txnAt}, ${transactions.id}) ${sql.raw(c.backward ? '>' : '<')} (${c.txnAt}::timestamptz, ${c.id})`;
// The exact txn_at (microseconds, UTC) for cursors: a JS Date keeps only milliseconds.
const exactAt = sql<string>`to_char(${transactions.txnAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The page query itself, exported so tests can EXPLAIN it. */
export function searchQuery(db: DbOrTx, search: TransactionQuery) {
  const backward = !!search.cursor?.backward;
  const order = backward ? [asc(transactions.txnAt), asc(transactions.id)] : [desc(transactions.txnAt), desc(transactions.id)];
  return db
    .select({ ...getTableColumns(transactions), cursorAt: exactAt })
    .from(transactions)
    .where(and(searchFilters(search), search.cursor ? keyset(search.cursor) : undefined))
    .orderBy(...order)
    .limit(search.limit + 1);
}

/**
 * Newest first, keyset-paginated on (txn_at, id) — never OFFSET, so deep pages cost the same.
 * A backward cursor reads the rows just newer than it in ascending order and flips them.
 */
export async function searchTransactions(db: DbOrTx, search: TransactionQuery): Promise<TransactionPage> {
  const fetched = await searchQuery(db, search);
  const more = fetched.length > search.limit;
  const backward = !!search.cursor?.backward;
  // Back at the top: the first page proper, full and with anything that arrived since.
  if (backward && !more) return searchTransactions(db, { ...search, cursor: undefined });
  const page = fetched.slice(0, search.limit);
  if (backward) page.reverse();
  const first = page.at(0);
  const last = page.at(-1);
  const at = (row: (typeof page)[number], backward?: true): string => encodeCursor({ txnAt: row.cursorAt, id: row.id, backward });
  const hasNext = backward || more;
  const hasPrev = backward || !!search.cursor;
  return {
    rows: page.map(({ cursorAt: _, ...row }) => row),
    nextCursor: hasNext && last ? at(last) : null,
    prevCursor: hasPrev && first ? at(first, true) : null,
  };
}

export interface TransactionCount {
  count: number;
  /** True when there are more than `count`: show "10,000+". */
  capped: boolean;
}

/** How many payments match, counting no further than the cap, so a broad search stays cheap. */
export async function countTransactions(db: DbOrTx, search: TransactionQuery, cap = COUNT_CAP): Promise<TransactionCount> {
  const matching = db
    .select({ one: sql`1`.as('one') })
    .from(transactions)
    .where(searchFilters(search))
    .limit(cap + 1)
    .as('matching');
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(matching);
  const n = Number(row.n);
  return n > cap ? { count: cap, capped: true } : { count: n, capped: false };
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

/** One delivery of one of a payment's events, as the payment page's timeline shows it. */
export interface DeliveryRow {
  deliveryId: number;
  receivedAt: Date;
  outcome: string;
  effect: string | null;
  auth: string;
  sourceIp: string | null;
  deliveryFlags: string[];
  eventId: number;
  eventStatus: string;
  eventTxnAt: Date | null;
  eventFlags: string[];
  duplicateCount: number;
  /** The redacted event payload; only read when asked for. */
  payload?: unknown;
}

export interface PaymentDetail {
  transaction: Transaction;
  deliveries: DeliveryRow[];
}

/**
 * A payment by its internal id, with every delivery (accepted or duplicate) of every one of its
 * events, oldest first. The payload is only read when `includePayload`: the caller decides who
 * may see it.
 */
export async function getPaymentDetail(db: DbOrTx, params: { id: number; includePayload: boolean }): Promise<PaymentDetail | null> {
  const [transaction] = await db.select().from(transactions).where(eq(transactions.id, params.id)).limit(1);
  if (!transaction) return null;
  const rows = await db
    .select({
      deliveryId: deliveries.id,
      receivedAt: deliveries.receivedAt,
      outcome: deliveries.outcome,
      effect: deliveries.effect,
      auth: deliveries.auth,
      sourceIp: deliveries.sourceIp,
      deliveryFlags: deliveries.flags,
      eventId: paymentEvents.id,
      eventStatus: paymentEvents.status,
      eventTxnAt: paymentEvents.txnAt,
      eventFlags: paymentEvents.flags,
      duplicateCount: paymentEvents.duplicateCount,
      ...(params.includePayload ? { payload: paymentEvents.payload } : {}),
    })
    .from(paymentEvents)
    .innerJoin(deliveries, eq(deliveries.eventId, paymentEvents.id))
    .where(and(eq(paymentEvents.provider, transaction.provider), eq(paymentEvents.transactionId, transaction.transactionId)))
    .orderBy(asc(deliveries.receivedAt), asc(deliveries.id));
  return { transaction, deliveries: rows };
}
