import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, numeric, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { transactions } from './transactions';

const money = (name: string) => numeric(name, { precision: 18, scale: 4 });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A refund's life (lib/refunds/machine.ts):
 *   requested → approved → sending → pending → succeeded | failed | manual_review
 *   requested → rejected | expired;  sending → unknown (timeout: ask the provider) → pending | …
 * From `approved` until it fails, a refund's amount is held against its payment: the trigger of
 * migration `refunds` keeps `transactions.refund_reserved` and refuses (23514) a hold that would
 * take the refunds past what was captured — whoever writes, however many at once.
 */
export type RefundState =
  | 'requested'
  | 'approved'
  | 'sending'
  | 'unknown'
  | 'pending'
  | 'manual_review'
  | 'succeeded'
  | 'failed'
  | 'rejected'
  | 'expired';

/** Why a request needs a note and a minute's wait before approval, or an admin. */
export type RefundHold = 'above_threshold' | 'open_case' | 'over_user_daily_limit' | 'over_daily_limit';
export type RefundSource = 'console' | 'api' | 'bulk';

/** A refund: requested by one person (or the merchant's backend), approved by another, sent by a job. */
export const refunds = pgTable(
  'refunds',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    transactionRowId: bigint('transaction_row_id', { mode: 'number' })
      .notNull()
      .references(() => transactions.id),
    provider: text('provider').notNull(),
    // The provider's idempotency key for this refund (Enkash requestId, Juspay unique_request_id:
    // at most 20 characters): made once, sent with every call about this refund.
    requestId: text('request_id').notNull(),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    // Scrubbed of card numbers before it is written.
    reason: text('reason').notNull(),
    state: text('state').$type<RefundState>().notNull().default('requested'),
    source: text('source').$type<RefundSource>().notNull(),
    batchId: bigint('batch_id', { mode: 'number' }),
    // The merchant API's Idempotency-Key (a repeat gets the first answer).
    idempotencyKey: text('idempotency_key'),
    // Null when the merchant's backend asked (source 'api').
    requestedBy: bigint('requested_by', { mode: 'number' }),
    requestedAt: at('requested_at').notNull().defaultNow(),
    holds: text('holds').array().$type<RefundHold[]>().notNull().default(sql`'{}'::text[]`),
    expiresAt: at('expires_at').notNull(),
    decidedBy: bigint('decided_by', { mode: 'number' }),
    decidedAt: at('decided_at'),
    decisionNote: text('decision_note'),
    // The send: tries, and what the provider said last.
    sendAttempts: integer('send_attempts').notNull().default(0),
    sentAt: at('sent_at'),
    providerRefundId: text('provider_refund_id'),
    providerStatus: text('provider_status'),
    providerMessage: text('provider_message'),
    // The bank's reference (ARN / RRN), so support can tell a customer where the money is.
    arn: text('arn'),
    lastCheckedAt: at('last_checked_at'),
    finalAt: at('final_at'),
    version: integer('version').notNull().default(1),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('refunds_request_id_uq').on(t.requestId),
    uniqueIndex('refunds_idempotency_key_uq').on(t.idempotencyKey),
    index('refunds_transaction_idx').on(t.transactionRowId, t.id),
    // Approvals, the send and the tracker: refunds not final yet.
    index('refunds_open_idx')
      .on(t.state, t.requestedAt)
      .where(sql`${t.state} IN ('requested', 'approved', 'sending', 'unknown', 'pending', 'manual_review')`),
    index('refunds_batch_idx').on(t.batchId).where(sql`${t.batchId} IS NOT NULL`),
    // The daily limits: what each person (and everyone) asked for today.
    index('refunds_requested_at_idx').on(t.requestedAt),
  ],
);

/** A refund's timeline: every step, insert-only (the audit log holds the same, chained). */
export const refundEvents = pgTable(
  'refund_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    refundId: bigint('refund_id', { mode: 'number' })
      .notNull()
      .references(() => refunds.id),
    at: at('at').notNull().defaultNow(),
    action: text('action').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    actorId: bigint('actor_id', { mode: 'number' }),
    actor: text('actor').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('refund_events_refund_idx').on(t.refundId, t.id)],
);

/**
 * A CSV of refunds uploaded by finance: every row's verdict is kept (`rows`), the valid ones
 * become requests of this batch only when finance confirms, and one approval decides them all.
 */
export const refundBatches = pgTable('refund_batches', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  createdBy: bigint('created_by', { mode: 'number' }).notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
  fileName: text('file_name').notNull(),
  fileSha256: text('file_sha256').notNull(),
  // draft (validated, nothing created) → requested → approved | rejected | expired
  state: text('state').notNull().default('draft'),
  rows: jsonb('rows').$type<unknown[]>().notNull().default([]),
  validRows: integer('valid_rows').notNull().default(0),
  invalidRows: integer('invalid_rows').notNull().default(0),
  total: money('total').notNull().default('0'),
  hasHolds: boolean('has_holds').notNull().default(false),
  decidedBy: bigint('decided_by', { mode: 'number' }),
  decidedAt: at('decided_at'),
  decisionNote: text('decision_note'),
  version: integer('version').notNull().default(1),
});

export type RefundRow = typeof refunds.$inferSelect;
export type RefundEventRow = typeof refundEvents.$inferSelect;
export type RefundBatchRow = typeof refundBatches.$inferSelect;
