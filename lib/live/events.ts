import { asc, gt, lt, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { liveEvents, type LiveTopic } from '@/db/schema';

/** The NOTIFY channel of the doorbell (lib/live/ring.ts): "live_events has news, read it". */
export const LIVE_CHANNEL = 'payops_live';

/**
 * One change, as the server sends it to a browser: ids and what kind of change, nothing a page
 * shows. `kind` is a delivery's outcome (accepted, duplicate, rejected) or, for a payment,
 * created / updated.
 */
export interface LiveEvent {
  id: number;
  topic: LiveTopic;
  kind: string;
  paymentId: number | null;
  deliveryId: number | null;
}

const positive = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : null;
};

/** Events after `after`, oldest first, at most `limit` of them. */
export async function readLiveEvents(db: DbOrTx, params: { after: number; limit: number }): Promise<LiveEvent[]> {
  const rows = await db
    .select({ id: liveEvents.id, topic: liveEvents.topic, kind: liveEvents.kind, paymentId: liveEvents.paymentId, deliveryId: liveEvents.deliveryId })
    .from(liveEvents)
    .where(gt(liveEvents.id, params.after))
    .orderBy(asc(liveEvents.id))
    .limit(params.limit);
  return rows.map((r) => ({ ...r, id: Number(r.id), paymentId: positive(r.paymentId), deliveryId: positive(r.deliveryId) }));
}

/** The first and last event ids still kept (0 and 0 when there are none): two index probes. */
export async function liveEventRange(db: DbOrTx): Promise<{ first: number; last: number }> {
  const [row] = await queryRows<{ first: string | null; last: string | null }>(
    db,
    sql`SELECT min(id)::text AS first, max(id)::text AS last FROM live_events`,
  );
  return { first: Number(row?.first ?? 0), last: Number(row?.last ?? 0) };
}

/**
 * Where a page's view begins, read before the page reads what it shows: the last live event
 * (the stream replays anything after it, so a change made while the page rendered is not missed)
 * and the newest payment row (the payments list counts "new payments" as those after it).
 */
export async function liveSnapshot(db: DbOrTx): Promise<{ eventId: number; paymentId: number }> {
  const [row] = await queryRows<{ event_id: string | null; payment_id: string | null }>(
    db,
    sql`SELECT (SELECT max(id) FROM live_events)::text AS event_id, (SELECT max(id) FROM transactions)::text AS payment_id`,
  );
  return { eventId: Number(row?.event_id ?? 0), paymentId: Number(row?.payment_id ?? 0) };
}

/**
 * Retention: removes the events recorded before `olderThan` and returns how many went. A page
 * whose stream resumes from a removed event is told to resync (re-read everything), so nothing
 * depends on old events beyond a few minutes of reconnecting; keep an hour or a day.
 */
export async function pruneLiveEvents(db: DbOrTx, olderThan: Date): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`WITH gone AS (DELETE FROM ${liveEvents} WHERE ${lt(liveEvents.at, olderThan)} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
  );
  return Number(row.n);
}
