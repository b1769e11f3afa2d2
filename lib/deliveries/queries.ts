import { and, desc, eq, gte, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { deliveries, transactions, type Delivery, type DeliveryOutcome } from '@/db/schema';
import { escapeLike, ID_PREFIX_MIN } from '@/lib/payments/search-params';
import { DELIVERIES_PAGE_SIZE, DELIVERY_OUTCOMES, type DeliverySearch } from './search-params';

export type DeliveryRow = Omit<Delivery, 'eventId' | 'userAgent' | 'bodySha256'> & {
  /** transactions.id of the payment this delivery was about, when that payment exists. */
  paymentId: number | null;
};

export interface DeliveryPage {
  rows: DeliveryRow[];
  /** The id to pass as `cursor` for the next page; null on the last page. */
  nextCursor: number | null;
}

/** Newest first, keyset-paginated on (received_at, id): the deliveries_*received_at_idx indexes. */
export async function listDeliveries(db: DbOrTx, search: DeliverySearch & { limit?: number }): Promise<DeliveryPage> {
  const limit = search.limit ?? DELIVERIES_PAGE_SIZE;
  const where: SQL[] = [];
  if (search.outcome) where.push(eq(deliveries.outcome, search.outcome));
  if (search.q) {
    // Written as deliveries_transaction_id_lower_idx: equal in any case, or the beginning of an id.
    where.push(
      search.q.length >= ID_PREFIX_MIN
        ? sql`lower(${deliveries.transactionId}) LIKE lower(${`${escapeLike(search.q)}%`})`
        : sql`lower(${deliveries.transactionId}) = lower(${search.q})`,
    );
  }
  if (search.cursor) {
    where.push(sql`(${deliveries.receivedAt}, ${deliveries.id}) < (SELECT d.received_at, d.id FROM deliveries d WHERE d.id = ${search.cursor})`);
  }
  const rows = await db
    .select({
      id: deliveries.id,
      provider: deliveries.provider,
      receivedAt: deliveries.receivedAt,
      sourceIp: deliveries.sourceIp,
      auth: deliveries.auth,
      outcome: deliveries.outcome,
      httpStatus: deliveries.httpStatus,
      reason: deliveries.reason,
      effect: deliveries.effect,
      bodyBytes: deliveries.bodyBytes,
      body: deliveries.body,
      bodyPrunedAt: deliveries.bodyPrunedAt,
      bodyTruncated: deliveries.bodyTruncated,
      transactionId: deliveries.transactionId,
      flags: deliveries.flags,
      paymentId: transactions.id,
    })
    .from(deliveries)
    .leftJoin(transactions, and(eq(transactions.provider, deliveries.provider), eq(transactions.transactionId, deliveries.transactionId)))
    .where(and(...where))
    .orderBy(desc(deliveries.receivedAt), desc(deliveries.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit ? page.at(-1)!.id : null };
}

export type OutcomeCounts = Record<DeliveryOutcome, number>;

/** Deliveries received since `since`, by outcome (every outcome present, zero when none). */
export async function countDeliveriesByOutcome(db: DbOrTx, since: Date): Promise<OutcomeCounts> {
  const rows = await db
    .select({ outcome: deliveries.outcome, n: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(gte(deliveries.receivedAt, since))
    .groupBy(deliveries.outcome);
  const counts = Object.fromEntries(DELIVERY_OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;
  for (const row of rows) if (row.outcome in counts) counts[row.outcome] = row.n;
  return counts;
}
