import { sql } from 'drizzle-orm';
import { bigserial, foreignKey, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { transactions } from './transactions';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Each distinct accepted notification, as data. A repeat of the same payload (same canonical
 * hash) is not a new event: it only bumps `duplicate_count`.
 */
export const paymentEvents = pgTable(
  'payment_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    provider: text('provider').notNull(),
    transactionId: text('transaction_id').notNull(),
    payloadSha256: text('payload_sha256').notNull(),
    status: text('status').notNull(),
    txnAt: at('txn_at'),
    receivedAt: at('received_at').notNull().defaultNow(),
    duplicateCount: integer('duplicate_count').notNull().default(0),
    lastDuplicateAt: at('last_duplicate_at'),
    flags: text('flags').array().notNull().default(sql`'{}'::text[]`),
    // Card numbers cut to their last four and the payment token removed before this is written.
    // Null once the retention job removed it (it holds personal data); hash, status and flags stay.
    payload: jsonb('payload'),
    payloadPrunedAt: at('payload_pruned_at'),
  },
  (t) => [
    uniqueIndex('payment_events_dedup_uq').on(t.provider, t.transactionId, t.payloadSha256),
    index('payment_events_transaction_idx').on(t.provider, t.transactionId, t.id),
    index('payment_events_payload_kept_idx').on(t.receivedAt).where(sql`${t.payload} IS NOT NULL`),
    // Checked at the end of the ingest statement, so the event and its transaction land together.
    foreignKey({
      name: 'payment_events_transaction_fk',
      columns: [t.provider, t.transactionId],
      foreignColumns: [transactions.provider, transactions.transactionId],
    }),
  ],
);

export type PaymentEvent = typeof paymentEvents.$inferSelect;
