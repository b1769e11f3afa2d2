import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '@/db/client';
import { otpAttempts, otpBudgets, transactions, type OtpAttempt, type OtpBudget, type OtpChannel, type OtpKind, type OtpOutcome, type Transaction } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { AppError } from '@/lib/errors';
import { budgetView, describeOutcome, waitingForOtp, type BudgetView, type OtpLimits } from './policy';

/**
 * The database side of every OTP attempt: the idempotency key, the atomic reservation of the
 * limits, and the outcome with its audit row. No provider call happens in here: a database
 * transaction is never held open across the network.
 */

export interface OtpCaller {
  /** `user:<id>` or `api`. */
  actor: string;
  role: string | null;
  sourceIp: string | null;
  channel: OtpChannel;
  /** The staff member's id, for the per-agent hourly limit; the API has none. */
  agentId: number | null;
}

export interface AttemptStart {
  transactionId: number;
  kind: OtpKind;
  /** The provider PayOps calls (a wallet OTP goes to enkash_wallet whatever the payment's provider). */
  provider: string;
  reason: string | null;
  idempotencyKey: string;
  /** Null when every provider id the call needs is there; otherwise why not. */
  missingRefs: string | null;
}

export interface AttemptResult {
  attemptId: number;
  transactionId: number;
  outcome: OtpOutcome | 'in_progress';
  message: string;
  budget: BudgetView;
  retryAfterSeconds: number | null;
  providerRequestId: string | null;
  providerStatus: string | null;
  maskedMobile: string | null;
  /** True when this answer is an earlier attempt's, found by its idempotency key. */
  replayed: boolean;
}

export type Begun =
  | { state: 'reserved'; attempt: OtpAttempt; transaction: Transaction }
  | { state: 'done'; result: AttemptResult }
  | { state: 'duplicate'; attempt: OtpAttempt };

class Refusal extends Error {
  constructor(
    readonly outcome: OtpOutcome,
    readonly retryAfter: Date | null = null,
  ) {
    super(outcome);
  }
}

const ACTION: Record<OtpKind, string> = {
  resend: 'otp.resend_requested',
  wallet_otp: 'otp.wallet_otp_requested',
  validate: 'otp.validate_requested',
};

/**
 * Step one, one database transaction: claim the idempotency key, check the payment is waiting
 * for an OTP, then reserve budget + cooldown + agent + global together. A refusal is written
 * (attempt outcome and audit row) in the same transaction; a duplicate key returns the first
 * attempt. Twenty concurrent requests let exactly the remaining budget through: each guard is a
 * conditional UPDATE on a locked row, re-checked after the lock is granted.
 */
export async function beginAttempt(db: Db, start: AttemptStart, caller: OtpCaller, limits: OtpLimits): Promise<Begun> {
  return db.transaction(async (tx) => {
    const [attempt] = await tx
      .insert(otpAttempts)
      .values({
        transactionId: start.transactionId,
        provider: start.provider,
        kind: start.kind,
        channel: caller.channel,
        actor: caller.actor,
        actorRole: caller.role,
        sourceIp: caller.sourceIp,
        reason: start.reason,
        idempotencyKey: start.idempotencyKey,
      })
      .onConflictDoNothing({ target: otpAttempts.idempotencyKey })
      .returning();
    if (!attempt) {
      const [first] = await tx.select().from(otpAttempts).where(eq(otpAttempts.idempotencyKey, start.idempotencyKey));
      if (first.transactionId !== start.transactionId || first.kind !== start.kind || first.actor !== caller.actor) {
        throw new AppError('conflict', 'This idempotency key was already used for a different request.');
      }
      return { state: 'duplicate', attempt: first };
    }

    const [transaction] = await tx.select().from(transactions).where(eq(transactions.id, start.transactionId));
    const [{ now }] = await queryRows<{ now: Date | string }>(tx, sql`SELECT now() AS now`);
    const refuse = async (refusal: Refusal) => ({ state: 'done' as const, result: await finishAttempt(tx, attempt, { outcome: refusal.outcome, retryAfter: refusal.retryAfter }, limits) });

    const waiting = waitingForOtp(transaction, new Date(now), limits);
    if (!waiting.waiting) return refuse(new Refusal(waiting.outcome));
    if (start.missingRefs) return refuse(new Refusal('refused_missing_refs'));

    await tx.insert(otpBudgets).values({ transactionId: start.transactionId, sendLimit: limits.maxPerPayment }).onConflictDoNothing();
    try {
      // A savepoint: a later guard that fails takes the earlier reservations back with it.
      await tx.transaction(async (sp) => {
        if (start.kind === 'validate') {
          await reserveValidation(sp, start.transactionId, limits);
          return;
        }
        await reserveSend(sp, start.transactionId, limits);
        if (caller.agentId !== null) await reserveWindow(sp, `agent:${caller.agentId}`, limits.maxPerAgentPerHour, 'refused_agent_limit');
        await reserveWindow(sp, 'global', limits.maxGlobalPerHour, 'refused_global_limit');
      });
    } catch (err) {
      if (err instanceof Refusal) return refuse(err);
      throw err;
    }
    return { state: 'reserved', attempt, transaction };
  });
}

async function reserveSend(tx: DbOrTx, transactionId: number, limits: OtpLimits): Promise<void> {
  // clock_timestamp(), not now(): a request that waited for the row lock compares against the
  // time it got it, not the earlier start of its transaction.
  const reserved = await queryRows(
    tx,
    sql`UPDATE otp_budgets
        SET sent = sent + 1, provider_sent = provider_sent + 1, last_sent_at = clock_timestamp(),
            cooldown_until = clock_timestamp() + make_interval(secs => ${limits.cooldownSeconds}), updated_at = now()
        WHERE transaction_id = ${transactionId}
          AND sent < send_limit
          AND (provider_limit IS NULL OR provider_sent IS NULL OR provider_sent < provider_limit)
          AND (cooldown_until IS NULL OR cooldown_until <= clock_timestamp())
        RETURNING transaction_id`,
  );
  if (reserved.length) return;
  const [b] = await tx.select().from(otpBudgets).where(eq(otpBudgets.transactionId, transactionId));
  if (budgetView(b, limits).remaining <= 0) throw new Refusal('refused_payment_limit');
  throw new Refusal('refused_cooldown', b.cooldownUntil);
}

async function reserveValidation(tx: DbOrTx, transactionId: number, limits: OtpLimits): Promise<void> {
  const reserved = await tx
    .update(otpBudgets)
    .set({ validations: sql`${otpBudgets.validations} + 1`, updatedAt: sql`now()` })
    .where(and(eq(otpBudgets.transactionId, transactionId), sql`${otpBudgets.validations} < ${limits.maxValidationsPerPayment}`))
    .returning({ id: otpBudgets.transactionId });
  if (!reserved.length) throw new Refusal('refused_payment_limit');
}

/** An hourly counter: one more, unless it is at its limit (then the hour's end is when it frees up). */
async function reserveWindow(tx: DbOrTx, key: string, limit: number, outcome: OtpOutcome): Promise<void> {
  // The hour from the epoch, not date_trunc: independent of the session's time zone (IST is +05:30).
  const windowStart = sql`to_timestamp(floor(extract(epoch FROM now()) / 3600) * 3600)`;
  const rows = await queryRows<{ count: number }>(
    tx,
    sql`INSERT INTO otp_rate_windows (key, window_start, count) VALUES (${key}, ${windowStart}, 1)
        ON CONFLICT (key, window_start) DO UPDATE SET count = otp_rate_windows.count + 1
        WHERE otp_rate_windows.count < ${limit}
        RETURNING count`,
  );
  if (rows.length) return;
  const [{ ends }] = await queryRows<{ ends: Date | string }>(tx, sql`SELECT ${windowStart} + interval '1 hour' AS ends`);
  throw new Refusal(outcome, new Date(ends));
}

export interface ProviderAnswer {
  outcome: OtpOutcome;
  message?: string | null;
  providerRequestId?: string | null;
  providerStatus?: string | null;
  maskedMobile?: string | null;
  /** The provider's own count, when it told. */
  providerBudget?: { sent: number; limit: number } | null;
  /** Juspay: the challenge id for the next call, when the reply names one. */
  challengeId?: string | null;
  retryAfter?: Date | null;
}

/**
 * Step two (or the refusal in step one): the attempt's outcome, the budget as the provider now
 * tells it, and the audit row, in one transaction. A provider error or timeout releases nothing:
 * the OTP may have reached the customer's phone. A provider limit marks the budget exhausted.
 */
export async function finishAttempt(db: DbOrTx, attempt: OtpAttempt, answer: ProviderAnswer, limits: OtpLimits): Promise<AttemptResult> {
  return db.transaction(async (tx) => {
    const told = answer.providerBudget;
    if (told) {
      await tx
        .update(otpBudgets)
        .set({ providerSent: told.sent, providerLimit: told.limit, sendLimit: sql`least(${otpBudgets.sendLimit}, ${told.limit})`, updatedAt: sql`now()` })
        .where(eq(otpBudgets.transactionId, attempt.transactionId));
    }
    if (answer.challengeId) {
      await tx
        .update(transactions)
        .set({ otpRefs: sql`${transactions.otpRefs} || jsonb_build_object('challenge_id', ${answer.challengeId}::text)` })
        .where(and(eq(transactions.id, attempt.transactionId), eq(transactions.provider, 'juspay')));
    }
    if (answer.outcome === 'rate_limited_by_provider') {
      await tx
        .update(otpBudgets)
        .set({ sent: sql`${otpBudgets.sendLimit}`, providerSent: sql`${otpBudgets.providerLimit}`, updatedAt: sql`now()` })
        .where(eq(otpBudgets.transactionId, attempt.transactionId));
    }
    const [budgetRow] = await tx.select().from(otpBudgets).where(eq(otpBudgets.transactionId, attempt.transactionId));
    const [{ now }] = await queryRows<{ now: Date | string }>(tx, sql`SELECT clock_timestamp() AS now`);
    const budget = budgetView(budgetRow ?? null, limits, new Date(now));
    const retryAfter = answer.retryAfter ?? null;
    const retryAfterSeconds = retryAfter ? Math.max(1, Math.ceil((retryAfter.getTime() - new Date(now).getTime()) / 1000)) : null;
    const message = answer.message ? `${describeOutcome(answer.outcome, { retryAfterSeconds, provider: attempt.provider })} ${answer.message}` : describeOutcome(answer.outcome, { retryAfterSeconds, provider: attempt.provider });

    const [finished] = await tx
      .update(otpAttempts)
      .set({
        outcome: answer.outcome,
        message,
        providerRequestId: answer.providerRequestId ?? null,
        providerStatus: answer.providerStatus ?? null,
        maskedMobile: answer.maskedMobile ?? null,
        retryAfter,
        finishedAt: sql`now()`,
      })
      .where(eq(otpAttempts.id, attempt.id))
      .returning();
    await recordAudit(tx, {
      actor: attempt.actor,
      actorRole: attempt.actorRole,
      action: ACTION[attempt.kind],
      target: String(attempt.transactionId),
      sourceIp: attempt.sourceIp,
      outcome: answer.outcome,
      details: {
        provider: attempt.provider,
        channel: attempt.channel,
        reason: attempt.reason,
        providerRequestId: answer.providerRequestId ?? null,
        budget: { sent: budget.sent, limit: budget.limit, remaining: budget.remaining, source: budget.source },
        attemptId: attempt.id,
      },
    });
    return resultOf(finished, budget, new Date(now), false);
  });
}

export function resultOf(a: OtpAttempt, budget: BudgetView, now: Date, replayed: boolean): AttemptResult {
  const retryAfterSeconds = a.retryAfter && a.retryAfter > now ? Math.ceil((a.retryAfter.getTime() - now.getTime()) / 1000) : null;
  return {
    attemptId: a.id,
    transactionId: a.transactionId,
    outcome: a.outcome ?? 'in_progress',
    message: a.outcome ? a.message ?? describeOutcome(a.outcome) : 'The first request with this key is still waiting for the provider.',
    budget,
    retryAfterSeconds,
    providerRequestId: a.providerRequestId,
    providerStatus: a.providerStatus,
    maskedMobile: a.maskedMobile,
    replayed,
  };
}

/**
 * A repeated key: the first attempt's answer. While the first is still waiting for the provider
 * this polls the database (not memory: the first may run on another instance), up to `waitMs`.
 */
export async function replayAttempt(db: Db, attempt: OtpAttempt, limits: OtpLimits, waitMs: number): Promise<AttemptResult> {
  const deadline = Date.now() + waitMs;
  let current = attempt;
  while (!current.outcome && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    [current] = await db.select().from(otpAttempts).where(eq(otpAttempts.id, attempt.id));
  }
  const [budgetRow] = await db.select().from(otpBudgets).where(eq(otpBudgets.transactionId, attempt.transactionId));
  return resultOf(current, budgetView(budgetRow ?? null, limits), new Date(), true);
}

export type { OtpBudget };
