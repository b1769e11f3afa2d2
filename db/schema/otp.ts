import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { transactions } from './transactions';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The OTP budget of one payment. Every send (resend or wallet OTP) reserves one unit with a
 * single conditional UPDATE, so several app instances can never overspend it.
 */
export const otpBudgets = pgTable('otp_budgets', {
  transactionId: bigint('transaction_id', { mode: 'number' })
    .primaryKey()
    .references(() => transactions.id),
  sent: integer('sent').notNull().default(0),
  // min(OTP_MAX_PER_PAYMENT, the provider's own limit once it tells).
  sendLimit: integer('send_limit').notNull(),
  validations: integer('validations').notNull().default(0),
  lastSentAt: at('last_sent_at'),
  cooldownUntil: at('cooldown_until'),
  // The provider's count as last told (Juspay times_otp_sent / max_otp_send_limit).
  providerSent: integer('provider_sent'),
  providerLimit: integer('provider_limit'),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

export const OTP_KINDS = ['resend', 'wallet_otp', 'validate'] as const;
export type OtpKind = (typeof OTP_KINDS)[number];
export type OtpChannel = 'console' | 'api';

export const OTP_OUTCOMES = [
  'sent',
  'validated',
  'refused_payment_limit',
  'refused_cooldown',
  'refused_agent_limit',
  'refused_global_limit',
  'refused_not_waiting',
  'refused_window',
  'refused_missing_refs',
  'rate_limited_by_provider',
  'provider_refused',
  'provider_error',
  'provider_timeout_unknown',
  // Reserved, but no outcome was recorded in time (PayOps stopped mid-call): closed by lib/otp/ledger.ts.
  'outcome_unknown',
] as const;
export type OtpOutcome = (typeof OTP_OUTCOMES)[number];

/** Refusals because a limit was reached (PayOps' own or the provider's): the alert counts these. */
export const OTP_LIMIT_REFUSALS = [
  'refused_payment_limit',
  'refused_cooldown',
  'refused_agent_limit',
  'refused_global_limit',
  'rate_limited_by_provider',
] as const satisfies readonly OtpOutcome[];

/** One row per OTP attempt, refused ones included. Never holds an OTP value. */
export const otpAttempts = pgTable(
  'otp_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    transactionId: bigint('transaction_id', { mode: 'number' })
      .notNull()
      .references(() => transactions.id),
    provider: text('provider').notNull(),
    kind: text('kind').$type<OtpKind>().notNull(),
    channel: text('channel').$type<OtpChannel>().notNull(),
    actor: text('actor').notNull(),
    actorRole: text('actor_role'),
    sourceIp: text('source_ip'),
    reason: text('reason'),
    // Inserted first: a repeated click or request finds this row instead of calling the provider.
    idempotencyKey: text('idempotency_key').notNull(),
    // Null while the provider call is in flight.
    outcome: text('outcome').$type<OtpOutcome>(),
    message: text('message'),
    providerRequestId: text('provider_request_id'),
    providerStatus: text('provider_status'),
    // Enkash Wallet answers with the mobile number masked (60XXXXXX11); never anything more.
    maskedMobile: text('masked_mobile'),
    retryAfter: at('retry_after'),
    createdAt: at('created_at').notNull().defaultNow(),
    finishedAt: at('finished_at'),
  },
  (t) => [
    uniqueIndex('otp_attempts_idempotency_key_uq').on(t.idempotencyKey),
    index('otp_attempts_transaction_idx').on(t.transactionId, t.id),
    // The periodic close of attempts left waiting reads only these: few rows, whatever the table's size.
    index('otp_attempts_waiting_idx').on(t.createdAt).where(sql`${t.outcome} IS NULL`),
    // Alerts (lib/alerts/rules.ts): refusals by a limit in the last hour. The list must stay the
    // same as OTP_LIMIT_REFUSALS, or the planner cannot use the index.
    index('otp_attempts_limit_refusals_idx').on(t.createdAt).where(sql.raw(`outcome IN (${OTP_LIMIT_REFUSALS.map((o) => `'${o}'`).join(', ')})`)),
  ],
);

export type OtpAttempt = typeof otpAttempts.$inferSelect;
export type OtpBudget = typeof otpBudgets.$inferSelect;

/** Fixed hourly counters: `agent:<user id>` and `global`. */
export const otpRateWindows = pgTable(
  'otp_rate_windows',
  {
    key: text('key').notNull(),
    windowStart: at('window_start').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);
