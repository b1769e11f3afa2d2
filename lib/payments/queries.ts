import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { deliveries, paymentEvents, refunds, transactions, type RefundRow, type Transaction } from '@/db/schema';
import { refundableOf, type Refundable } from '@/lib/refunds/request';
import { AMOUNT_SORT_NULL, classifyQuery, encodeCursor, escapeLike, ID_PREFIX_MIN, isAmountSort, type Cursor, type Sort, type TransactionSearch } from './search-params';

export const COUNT_CAP = 10_000;

export type TransactionQuery = TransactionSearch & {
  /**
   * Whether text in the search box may match cardholder names. Staff pages only: the name is
   * personal data the read API never shows, so the API must not be able to probe it either.
   */
  matchNames?: boolean;
  /** The signed-in person, for `review: 'mine'` (cases assigned to them); absent, "mine" matches nothing. */
  reviewerId?: number;
  /** Only payments recorded after this transactions.id (live pages: "N new payments"). Never from a URL. */
  afterId?: number;
};

export interface TransactionPage {
  rows: Transaction[];
  nextCursor: string | null;
  prevCursor: string | null;
  /** Index of the page's first row in the whole result (0 on the first page), for "51–100 of …". */
  start: number;
}

/**
 * Any of the four provider ids, case-insensitively: equal, or (from ID_PREFIX_MIN characters) the
 * beginning of a longer id. Each side is lower()ed in SQL, written exactly as the expression
 * indexes `transactions_*_lower_idx` (text_pattern_ops, so the prefix LIKE is a range scan);
 * the pattern is a constant when Postgres plans the statement, so it can use them. Digits alone
 * may also be PayOps' own id.
 */
function idMatch(value: string): SQL {
  const columns = [transactions.transactionId, transactions.uniqueTransactionId, transactions.orderId, transactions.bankTransactionId];
  const prefix = value.length >= ID_PREFIX_MIN ? `${escapeLike(value)}%` : null;
  const conditions = columns.map((c) => (prefix ? sql`lower(${c}) LIKE lower(${prefix})` : sql`lower(${c}) = lower(${value})`));
  if (/^[1-9]\d{0,14}$/.test(value)) conditions.push(sql`${transactions.id} = ${Number(value)}`);
  return or(...conditions)!;
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
    if (term.kind === 'last4') where.push(eq(transactions.cardLast4, term.value));
    else if (term.kind === 'name' && search.matchNames) where.push(or(idMatch(term.value), sql`${transactions.cardholderName} ILIKE ${term.pattern}`));
    else where.push(idMatch(term.value));
  }
  // Parameters stay untyped, so Postgres compares them as the column's own type.
  if (search.status) where.push(eq(transactions.status, search.status));
  if (search.paymentMode) where.push(eq(transactions.paymentMode, search.paymentMode));
  if (search.provider) where.push(eq(transactions.provider, search.provider));
  if (search.from) where.push(gte(transactions.txnAt, search.from));
  if (search.to) where.push(lt(transactions.txnAt, search.to));
  if (search.minAmount) where.push(gte(transactions.finalAmount, search.minAmount));
  if (search.maxAmount) where.push(lte(transactions.finalAmount, search.maxAmount));
  // Written exactly as the predicate of transactions_flagged_txn_at_idx, so the planner can use it.
  if (search.flagged) where.push(sql`cardinality(${transactions.flags}) > 0`);
  if (search.review) where.push(reviewFilter(search.review, search.reviewerId));
  if (search.afterId !== undefined) where.push(gt(transactions.id, search.afterId));
  return and(...where);
}

/**
 * Payments by the state of their cases. Only flagged payments have cases, so each starts with the
 * flagged partial index's predicate and probes cases_subject_kind_uq per row.
 */
function reviewFilter(review: 'open' | 'resolved' | 'mine', reviewerId: number | undefined): SQL {
  const flagged = sql`cardinality(${transactions.flags}) > 0`;
  const anyCase = (cond: SQL) => sql`EXISTS (SELECT 1 FROM cases c WHERE c.subject_type = 'payment' AND c.subject_id = ${transactions.id} AND ${cond})`;
  if (review === 'open') return sql`${flagged} AND ${anyCase(sql`c.state <> 'resolved'`)}`;
  if (review === 'resolved') return sql`${flagged} AND ${anyCase(sql`c.state = 'resolved'`)} AND NOT ${anyCase(sql`c.state <> 'resolved'`)}`;
  if (reviewerId === undefined) return sql`false`;
  return sql`${flagged} AND ${anyCase(sql`c.state = 'assigned' AND c.assignee_id = ${reviewerId}`)}`;
}

// The amount order's key, written exactly as transactions_amount_sort_idx: payments without a
// final amount sort below every amount instead of making the keyset compare NULLs.
const amountKey = sql`coalesce(${transactions.finalAmount}, ${sql.raw(`'${AMOUNT_SORT_NULL}'::numeric`)})`;
// The exact txn_at (microseconds, UTC) for cursors: a JS Date keeps only milliseconds.
const exactAt = sql<string>`to_char(${transactions.txnAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

interface Order {
  /** The key column or expression, and its text form for a cursor. */
  key: SQL | typeof transactions.txnAt;
  keyText: SQL<string>;
  cast: SQL;
  descending: boolean;
}

function orderOf(sort: Sort | undefined): Order {
  const amount = isAmountSort(sort);
  return {
    key: amount ? amountKey : transactions.txnAt,
    keyText: amount ? sql<string>`${amountKey}::text` : exactAt,
    cast: sql.raw(amount ? 'numeric' : 'timestamptz'),
    descending: sort !== 'oldest' && sort !== 'amount_asc',
  };
}

/** Rows after the cursor in the page's reading direction (before it, for a backward cursor). */
function keyset(order: Order, c: Cursor) {
  const after = order.descending !== !!c.backward ? '<' : '>';
  return sql`(${order.key}, ${transactions.id}) ${sql.raw(after)} (${c.key}::${order.cast}, ${c.id})`;
}

/** The page query itself, exported so tests can EXPLAIN it. */
export function searchQuery(db: DbOrTx, search: TransactionQuery) {
  const order = orderOf(search.sort);
  // A backward page reads the rows just before the cursor, nearest first, and is flipped after.
  const ascending = order.descending === !!search.cursor?.backward;
  const direction = ascending ? asc : desc;
  return db
    .select({ ...getTableColumns(transactions), cursorKey: order.keyText })
    .from(transactions)
    .where(and(searchFilters(search), search.cursor ? keyset(order, search.cursor) : undefined))
    .orderBy(direction(order.key as typeof transactions.txnAt), direction(transactions.id))
    .limit(search.limit + 1);
}

/** One row of a CSV export: the export's columns only, the time already in IST text, money as stored. */
export interface ExportRowData {
  id: number;
  cursorKey: string;
  ist: string;
  transactionId: string;
  uniqueTransactionId: string | null;
  orderId: string | null;
  bankTransactionId: string | null;
  provider: string;
  status: string;
  paymentMode: string | null;
  currency: string | null;
  amount: string | null;
  surcharge: string | null;
  surchargeGst: string | null;
  finalAmount: string | null;
  mdr: string | null;
  mdrGst: string | null;
  cardScheme: string | null;
  cardLast4: string | null;
  bankName: string | null;
  cardholderName: string | null;
  flags: string;
}

/**
 * A page of the CSV export: the same filters, order and keyset as `searchQuery`, but only the
 * columns the file has, formatted by Postgres (time in IST, flags joined), as plain rows — no
 * Date or JSON decoding per row, so an export streams several times faster (docs/BENCHMARKS.md).
 */
export async function exportPage(db: DbOrTx, search: TransactionQuery, after: { key: string; id: number } | null, limit: number): Promise<ExportRowData[]> {
  const order = orderOf(search.sort);
  const direction = order.descending ? desc : asc;
  const rows = await db
    .select({
      id: transactions.id,
      cursorKey: order.keyText,
      ist: sql<string>`to_char(${transactions.txnAt} AT TIME ZONE 'Asia/Kolkata', 'YYYY-MM-DD HH24:MI:SS') || ' +05:30'`,
      transactionId: transactions.transactionId,
      uniqueTransactionId: transactions.uniqueTransactionId,
      orderId: transactions.orderId,
      bankTransactionId: transactions.bankTransactionId,
      provider: transactions.provider,
      status: transactions.status,
      paymentMode: transactions.paymentMode,
      currency: transactions.currency,
      amount: transactions.amount,
      surcharge: transactions.surcharge,
      surchargeGst: transactions.surchargeGst,
      finalAmount: transactions.finalAmount,
      mdr: transactions.mdr,
      mdrGst: transactions.mdrGst,
      cardScheme: transactions.cardScheme,
      cardLast4: transactions.cardLast4,
      bankName: transactions.bankName,
      cardholderName: transactions.cardholderName,
      flags: sql<string>`array_to_string(${transactions.flags}, ' ')`,
    })
    .from(transactions)
    .where(and(searchFilters(search), after ? keyset(order, { key: after.key, id: after.id }) : undefined))
    .orderBy(direction(order.key as typeof transactions.txnAt), direction(transactions.id))
    .limit(limit);
  return rows;
}

/**
 * One page in the chosen order (newest first by default), keyset-paginated on (key, id) —
 * never OFFSET, so deep pages cost the same. A backward cursor reads the rows just before it
 * in the opposite order and flips them.
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
  const start = search.cursor?.start ?? 0;
  const sort = search.sort && search.sort !== 'newest' ? search.sort : undefined;
  const at = (row: (typeof page)[number], edge: { backward?: true; start: number }): string =>
    encodeCursor({ key: row.cursorKey, id: row.id, ...edge, sort });
  const hasNext = backward || more;
  const hasPrev = backward || !!search.cursor;
  return {
    rows: page.map(({ cursorKey: _, ...row }) => row),
    nextCursor: hasNext && last ? at(last, { start: start + page.length }) : null,
    prevCursor: hasPrev && first ? at(first, { backward: true, start: Math.max(0, start - search.limit) }) : null,
    start,
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
  /** Its refunds, oldest first, and what may still be refunded (lib/refunds). */
  refunds: RefundRow[];
  refundable: Refundable | null;
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
  const [refundRows, refundable] = await Promise.all([db.select().from(refunds).where(eq(refunds.transactionRowId, transaction.id)).orderBy(asc(refunds.id)), refundableOf(db, transaction.id)]);
  return { transaction, events: events.map((e) => ({ ...e, effect: effectOf.get(e.id) ?? null })), refunds: refundRows, refundable };
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

export async function paymentExists(db: DbOrTx, id: number): Promise<boolean> {
  const rows = await db.select({ id: transactions.id }).from(transactions).where(eq(transactions.id, id)).limit(1);
  return rows.length > 0;
}
