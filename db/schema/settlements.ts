import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, date, smallint, index, integer, jsonb, numeric, pgTable, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core';

const money = (name: string) => numeric(name, { precision: 18, scale: 4 });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One settlement payout as the provider reported it (Enkash Get Settlement Payout, DESIGN.md).
 * Written only by lib/settlements/sync.ts; a re-sync of an unchanged payout writes nothing
 * (`payload_sha256` is the canonical JSON of what the provider said).
 */
export const settlementPayouts = pgTable(
  'settlement_payouts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    provider: text('provider').notNull(),
    payoutId: text('payout_id').notNull(),
    payoutStatus: text('payout_status'),
    payoutMode: text('payout_mode'),
    utr: text('utr'),
    payoutAt: at('payout_at'),
    // The IST day of payout_at: what the pages list and filter by.
    payoutDay: date('payout_day', { mode: 'string' }),
    transferId: text('transfer_id'),
    transferResponseReason: text('transfer_response_reason'),
    currency: text('currency').notNull().default('INR'),
    totalSaleAmount: money('total_sale_amount'),
    totalRefundAmount: money('total_refund_amount'),
    totalCharges: money('total_charges'),
    totalGst: money('total_gst'),
    totalSettlementAmount: money('total_settlement_amount'),
    refundChargebackAmount: money('refund_chargeback_amount'),
    carryForwardAmount: money('carry_forward_amount'),
    adjustmentAmount: money('adjustment_amount'),
    lineCount: integer('line_count').notNull().default(0),
    payloadSha256: text('payload_sha256').notNull(),
    firstSyncedAt: at('first_synced_at').notNull().defaultNow(),
    changedAt: at('changed_at').notNull().defaultNow(),
  },
  (t) => [
    unique('settlement_payouts_provider_payout_uq').on(t.provider, t.payoutId),
    index('settlement_payouts_day_idx').on(t.payoutDay, t.id),
  ],
);

export type SettlementPayout = typeof settlementPayouts.$inferSelect;

/**
 * What reconciliation decided about one line (lib/settlements/reconcile.ts): `matched`, or the
 * first problem found. `transaction_row_id` is the payment the one matching rule found (null: none).
 */
export type LineOutcome = 'matched' | 'amount_differs' | 'unknown_payment' | 'settled_twice' | 'excess_fee' | 'unchecked';

/** One line of a payout (settlementTransactionResponses[]), in the provider's order. */
export const settlementLines = pgTable(
  'settlement_lines',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    payoutRowId: bigint('payout_row_id', { mode: 'number' })
      .notNull()
      .references(() => settlementPayouts.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    settlementTransactionId: text('settlement_transaction_id').notNull(),
    transactionType: text('transaction_type'),
    settlementStatus: text('settlement_status'),
    saleAmount: money('sale_amount'),
    txnAmount: money('txn_amount'),
    taxAmount: money('tax_amount'),
    charges: money('charges'),
    settlementAmount: money('settlement_amount'),
    acquirerGstAmount: money('acquirer_gst_amount'),
    merchantMdrMode: text('merchant_mdr_mode'),
    merchantMdr: money('merchant_mdr'),
    netProfit: money('net_profit'),
    profitGst: money('profit_gst'),
    // Reconciliation's verdict (lib/settlements/reconcile.ts).
    transactionRowId: bigint('transaction_row_id', { mode: 'number' }),
    outcome: text('outcome').$type<LineOutcome>().notNull().default('unchecked'),
    expectedCharges: money('expected_charges'),
    expectedTax: money('expected_tax'),
  },
  (t) => [
    unique('settlement_lines_payout_line_uq').on(t.payoutRowId, t.lineNo),
    index('settlement_lines_txn_id_idx').on(t.settlementTransactionId),
    index('settlement_lines_transaction_row_idx').on(t.transactionRowId),
  ],
);

export type SettlementLine = typeof settlementLines.$inferSelect;

export type ExceptionKind = 'amount_differs' | 'unknown_payment' | 'not_settled' | 'settled_twice' | 'refund_not_netted' | 'excess_fee';
export type ExceptionState = 'open' | 'resolved';

/**
 * A reconciliation exception: something a person must look at, with a life of its own
 * (lib/settlements/exceptions.ts holds its transitions). Shaped like a generic case — a kind, a
 * subject (`subject_key`, unique per kind), a state, a resolution and a note — so a later `cases`
 * table can take these rows over one for one.
 */
export const settlementExceptions = pgTable(
  'settlement_exceptions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').$type<ExceptionKind>().notNull(),
    // What it is about, stable across re-syncs: `line:<provider>/<payout id>/<line no>` or `payment:<row id>`.
    subjectKey: text('subject_key').notNull(),
    transactionRowId: bigint('transaction_row_id', { mode: 'number' }),
    payoutRowId: bigint('payout_row_id', { mode: 'number' }),
    lineId: bigint('line_id', { mode: 'number' }),
    settlementTransactionId: text('settlement_transaction_id'),
    // Money as the check saw it: what was expected, what came, and actual − expected.
    expected: money('expected'),
    actual: money('actual'),
    difference: money('difference'),
    summary: text('summary').notNull(),
    state: text('state').$type<ExceptionState>().notNull().default('open'),
    resolution: text('resolution'),
    note: text('note'),
    resolvedBy: text('resolved_by'),
    // The difference as it was when a person resolved it: a later, different one reopens it.
    resolvedDifference: money('resolved_difference'),
    openedAt: at('opened_at').notNull().defaultNow(),
    resolvedAt: at('resolved_at'),
    lastSeenAt: at('last_seen_at').notNull().defaultNow(),
    reopenedCount: integer('reopened_count').notNull().default(0),
    details: jsonb('details').$type<Record<string, string | number | null>>().notNull().default({}),
  },
  (t) => [
    unique('settlement_exceptions_kind_subject_uq').on(t.kind, t.subjectKey),
    index('settlement_exceptions_state_opened_idx').on(t.state, t.openedAt, t.id),
    index('settlement_exceptions_payout_idx').on(t.payoutRowId),
    index('settlement_exceptions_transaction_idx').on(t.transactionRowId),
  ],
);

export type SettlementException = typeof settlementExceptions.$inferSelect;

/**
 * The merchant's contracted MDR (lib/settlements/fees.ts): percent and/or fixed fee per payment
 * mode, card scheme ('' = any) and amount band [min, max), from an IST day on (to one, when
 * replaced). Edited by admins, every change audited; rows are closed, never rewritten in place.
 */
export const mdrRates = pgTable(
  'mdr_rates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    paymentMode: text('payment_mode').notNull(),
    cardScheme: text('card_scheme').notNull().default(''),
    minAmount: money('min_amount').notNull().default('0'),
    maxAmount: money('max_amount'),
    percent: numeric('percent', { precision: 7, scale: 4 }).notNull().default('0'),
    fixedFee: money('fixed_fee').notNull().default('0'),
    effectiveFrom: date('effective_from', { mode: 'string' }).notNull(),
    effectiveTo: date('effective_to', { mode: 'string' }),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('mdr_rates_mode_idx').on(t.paymentMode, t.effectiveFrom)],
);

export type MdrRate = typeof mdrRates.$inferSelect;

/**
 * Totals by IST day, provider, status, payment mode, currency and whether the provider
 * contradicted the payment (in four slots) — maintained by triggers on `transactions` in the writer's own
 * statement (migration finance_rollup), so it is never stale and `/finance` reads only this.
 * '' stands for "not reported" in mode and currency (key columns cannot be null).
 */
export const financeDaily = pgTable(
  'finance_daily',
  {
    istDay: date('ist_day', { mode: 'string' }).notNull(),
    provider: text('provider').notNull(),
    status: text('status').notNull(),
    statusFamily: text('status_family').notNull(),
    paymentMode: text('payment_mode').notNull(),
    currency: text('currency').notNull(),
    contradicted: boolean('contradicted').notNull(),
    // Today's and yesterday's payments: id % 4, so concurrent webhooks of the same day, status and
    // mode spread over four rows instead of queueing on one row's lock; older days: 0. Readers sum a key's slots.
    slot: smallint('slot').notNull(),
    // Sums of numeric(18,4) amounts: unbounded numeric, so a busy day cannot overflow them.
    payments: bigint('payments', { mode: 'number' }).notNull().default(0),
    gross: numeric('gross').notNull().default('0'),
    refunds: numeric('refunds').notNull().default('0'),
    refundUnknown: bigint('refund_unknown', { mode: 'number' }).notNull().default(0),
    fees: numeric('fees').notNull().default('0'),
    surcharge: numeric('surcharge').notNull().default('0'),
  },
  (t) => [
    uniqueIndex('finance_daily_key_uq').on(t.istDay, t.provider, t.status, t.statusFamily, t.paymentMode, t.currency, t.contradicted, t.slot),
  ],
);
