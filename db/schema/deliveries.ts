import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { paymentEvents } from './payment-events';

/**
 * Every request that reached a webhook — accepted, duplicate or rejected — with when, from
 * where, the auth verdict, and why. The body is stored redacted and capped.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    provider: text('provider').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    sourceIp: text('source_ip'),
    userAgent: text('user_agent'),
    auth: text('auth').$type<DeliveryAuth>().notNull(),
    outcome: text('outcome').$type<DeliveryOutcome>().notNull(),
    httpStatus: smallint('http_status').notNull(),
    reason: text('reason'),
    // What an accepted event did to its transaction: created, applied, refreshed, stale, conflict.
    effect: text('effect'),
    bodySha256: text('body_sha256'),
    bodyBytes: integer('body_bytes'),
    body: text('body'),
    // Set when the retention job removed the body (it holds personal data); the row, its hash and outcome stay.
    bodyPrunedAt: timestamp('body_pruned_at', { withTimezone: true, mode: 'date' }),
    bodyTruncated: boolean('body_truncated').notNull().default(false),
    transactionId: text('transaction_id'),
    eventId: bigint('event_id', { mode: 'number' }).references(() => paymentEvents.id),
    flags: text('flags').array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [
    index('deliveries_received_at_idx').on(t.receivedAt, t.id),
    index('deliveries_outcome_received_at_idx').on(t.outcome, t.receivedAt, t.id),
    index('deliveries_transaction_idx').on(t.provider, t.transactionId),
    // The deliveries page finds a transaction id in any case, whole or by its beginning.
    index('deliveries_transaction_id_lower_idx').using('btree', sql`lower(${t.transactionId}) text_pattern_ops`, t.receivedAt, t.id),
    index('deliveries_event_idx').on(t.eventId),
    // The retention job walks only rows still holding a body, however many were pruned before.
    index('deliveries_body_kept_idx').on(t.receivedAt).where(sql`${t.body} IS NOT NULL`),
    // Alerts (lib/alerts/rules.ts): a provider's last notification, its traffic on earlier days and
    // its refusals in the last minutes, each one index range whatever the other provider sends.
    index('deliveries_provider_outcome_received_at_idx').on(t.provider, t.outcome, t.receivedAt),
    // Alerts: status conflicts in the last hour, a few rows among millions.
    index('deliveries_conflict_received_at_idx').on(t.receivedAt).where(sql`${t.effect} = 'conflict'`),
  ],
);

export type DeliveryAuth = 'ok' | 'missing' | 'invalid' | 'unauthenticated';
export type DeliveryOutcome = 'accepted' | 'duplicate' | 'rejected';
export type Delivery = typeof deliveries.$inferSelect;
