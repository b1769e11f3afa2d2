import { bigint, bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * What changed, for live pages: one row per new delivery and per payment created or changed,
 * written by database triggers (migration live_events_triggers) so every writer — the webhooks,
 * a verification job, the OTP sweep, another instance — produces events without code of its
 * own. Each row is also sent with pg_notify('payops_live'); the table is what a page that missed
 * some (a dropped stream, a cut listening connection) catches up from. Ids only: no personal
 * data, pages re-read what they show through their own authorised queries. Kept for a while,
 * then removed by pruneLiveEvents (lib/live/events.ts).
 */
export const liveEvents = pgTable(
  'live_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topic: text('topic').$type<LiveTopic>().notNull(),
    // delivery: its outcome (accepted, duplicate, rejected); payment: created or updated.
    kind: text('kind').notNull(),
    // transactions.id; for a delivery, of the payment it was about when one is recorded.
    paymentId: bigint('payment_id', { mode: 'number' }),
    deliveryId: bigint('delivery_id', { mode: 'number' }),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    // Append-only and in time order: a BRIN index finds the rows to prune for almost nothing per insert.
    index('live_events_at_brin_idx').using('brin', t.at),
  ],
);

export type LiveTopic = 'delivery' | 'payment';
export type LiveEventRow = typeof liveEvents.$inferSelect;
