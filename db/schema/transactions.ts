import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, numeric, pgTable, smallint, text, timestamp, unique } from 'drizzle-orm/pg-core';

const money = (name: string) => numeric(name, { precision: 18, scale: 4 });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Payments where the customer may have been debited but the payment is not final: Enkash
 * PENDING_WITH_BANK / AUTHORIZED, Juspay AUTHORIZING, or failed after a success was reported
 * (a status conflict: the bank had taken the money). One text, shared by the partial index below
 * and the queue's query (lib/queues/stuck.ts), so the planner matches them.
 */
export const STUCK_AT_BANK = sql.raw(
  `(("provider" = 'enkash' AND "status" IN ('PENDING_WITH_BANK', 'AUTHORIZED')) OR ("provider" = 'juspay' AND "status" = 'AUTHORIZING') OR ("status_family" = 'failed' AND 'status_conflict' = ANY ("flags")))`,
);

/** One row per provider transaction: the current view, folded from its accepted events. */
export const transactions = pgTable(
  'transactions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    provider: text('provider').notNull(),
    transactionId: text('transaction_id').notNull(),
    uniqueTransactionId: text('unique_transaction_id'),
    orderId: text('order_id'),
    bankTransactionId: text('bank_transaction_id'),

    status: text('status').notNull(),
    // Precedence of `status`, from lib/payments/status.ts: a late, lower-ranked claim never wins.
    statusRank: smallint('status_rank').notNull(),
    statusFamily: text('status_family').notNull(),
    transactionStatus: text('transaction_status'),
    orderStatus: text('order_status'),
    txnMessage: text('txn_message'),
    paymentMode: text('payment_mode'),
    currency: text('currency'),

    amount: money('amount'),
    surcharge: money('surcharge'),
    surchargeGst: money('surcharge_gst'),
    finalAmount: money('final_amount'),
    transactionAmount: money('transaction_amount'),
    mdr: money('mdr'),
    mdrGst: money('mdr_gst'),
    // Money given back so far, when known (a settlement's refund lines; the refunds flow). Null:
    // not known — a REFUNDED payment then counts its whole final amount as refunded.
    refundedAmount: money('refunded_amount'),
    // PayOps' own refunds (lib/refunds): held (approved and not failed, succeeded included) and
    // succeeded. Written only by the refunds trigger (migration `refunds`), which refuses a hold
    // past what was captured.
    refundReserved: money('refund_reserved').notNull().default('0'),
    refundSucceeded: money('refund_succeeded').notNull().default('0'),

    cardScheme: text('card_scheme'),
    cardLast4: text('card_last4'),
    bankCode: text('bank_code'),
    bankName: text('bank_name'),
    cardholderName: text('cardholder_name'),
    // The payment token is a secret: only its SHA-256 is kept, to tell tokens apart.
    paymentTokenSha256: text('payment_token_sha256'),

    txnAt: at('txn_at').notNull(),
    // Trust, then verify: what the provider's status API said about the claimed status.
    verification: text('verification').$type<Verification>().notNull().default('unconfirmed'),
    verifiedStatus: text('verified_status'),
    verifiedAt: at('verified_at'),
    verificationDetail: text('verification_detail'),
    // Provider ids an OTP call needs beyond transaction_id (Juspay challenge and customer ids,
    // Enkash Wallet card account and card ids); never an OTP, a token or a card number.
    otpRefs: jsonb('otp_refs').$type<Record<string, string>>().notNull().default({}),
    flags: text('flags').array().notNull().default(sql`'{}'::text[]`),
    lastEffect: text('last_effect').notNull().default('created'),
    eventCount: integer('event_count').notNull().default(1),
    firstSeenAt: at('first_seen_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // transaction_id first, so a search by id alone uses it too.
    unique('transactions_transaction_id_provider_uq').on(t.transactionId, t.provider),
    index('transactions_txn_at_id_idx').on(t.txnAt, t.id),
    index('transactions_status_txn_at_idx').on(t.status, t.txnAt, t.id),
    index('transactions_payment_mode_txn_at_idx').on(t.paymentMode, t.txnAt, t.id),
    index('transactions_card_last4_txn_at_idx').on(t.cardLast4, t.txnAt, t.id),
    // Without it a filter on the smaller provider walks the whole (transaction_id, provider) index.
    index('transactions_provider_txn_at_idx').on(t.provider, t.txnAt, t.id),
    // A narrow amount range matches too few rows for a walk down txn_at to find a page quickly.
    index('transactions_final_amount_idx').on(t.finalAmount),
    // Sorting by amount, in keyset order; the expression is lib/payments/queries.ts's amountKey.
    index('transactions_amount_sort_idx').on(sql`coalesce(${t.finalAmount}, '-100000000000000'::numeric)`, t.id),
    // The OTP proxy finds a Juspay payment by its txn_uuid exactly (lib/otp/api.ts).
    index('transactions_unique_transaction_id_idx').on(t.uniqueTransactionId),
    // The search box matches every id case-insensitively, whole or by its beginning:
    // lower(col) = lower($q) and lower(col) LIKE lower($prefix) both use these (text_pattern_ops).
    index('transactions_transaction_id_lower_idx').using('btree', sql`lower(${t.transactionId}) text_pattern_ops`),
    index('transactions_unique_transaction_id_lower_idx').using('btree', sql`lower(${t.uniqueTransactionId}) text_pattern_ops`),
    index('transactions_order_id_lower_idx').using('btree', sql`lower(${t.orderId}) text_pattern_ops`),
    index('transactions_bank_transaction_id_lower_idx').using('btree', sql`lower(${t.bankTransactionId}) text_pattern_ops`),
    // Name fragments (3+ characters) search through trigrams: needs the pg_trgm extension. The
    // column's statistics target is 1000 (migration 0008), so fragment estimates stay steady.
    index('transactions_cardholder_name_trgm_idx').using('gin', sql`${t.cardholderName} gin_trgm_ops`),
    // The sweeper's candidates: not final, or not yet confirmed by the provider — a few percent of rows.
    index('transactions_sweep_idx')
      .on(t.provider, t.txnAt)
      .where(sql`${t.statusFamily} = 'open' OR ${t.verification} IN ('unconfirmed', 'error')`),
    // Alerts (lib/alerts/rules.ts): provider-check mismatches in the last hour.
    index('transactions_mismatch_verified_at_idx').on(t.verifiedAt).where(sql`${t.verification} = 'mismatch'`),
    index('transactions_flagged_txn_at_idx').on(t.txnAt, t.id).where(sql`cardinality(${t.flags}) > 0`),
    // The "Money stuck at the bank" queue (lib/queues/stuck.ts): its predicate, word for word.
    index('transactions_stuck_at_bank_idx').on(t.txnAt, t.id).where(STUCK_AT_BANK),
  ],
);

export type Transaction = typeof transactions.$inferSelect;
/** confirmed: the provider's status API agrees; mismatch: it says otherwise (flagged); error: it could not be asked. */
export type Verification = 'unconfirmed' | 'confirmed' | 'mismatch' | 'error';
