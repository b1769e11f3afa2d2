import { and, eq, getTableColumns, inArray, isNull, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { queryRows, type Db, type DbOrTx } from '@/db/client';
import { otpAttempts, otpBudgets, otpRateWindows, transactions, type OtpAttempt, type OtpChannel, type OtpKind, type OtpOutcome, type Transaction } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { AppError } from '@/lib/errors';
import { budgetView, describeOutcome, providerName, staleAttemptMs, waitingForOtp, type BudgetView, type OtpLimits } from './policy';

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
 * Step one, one database transaction: claim the idempotency key, check the payment (as the
 * caller just read it) is waiting for an OTP, then reserve budget + cooldown + agent + global together. A refusal is written
 * (attempt outcome and audit row) in the same transaction; a duplicate key returns the first
 * attempt. Twenty concurrent requests let exactly the remaining budget through: each guard is a
 * conditional UPDATE on a locked row, re-checked after the lock is granted.
 */
export async function beginAttempt(db: Db, transaction: Transaction, start: AttemptStart, caller: OtpCaller, limits: OtpLimits): Promise<Begun> {
  return db.transaction(async (tx) => {
    // The ledger is consulted for this payment: an attempt left waiting by a crash is closed
    // first, so its outcome is never missing from what this request sees (or replays).
    await closeStaleAttempts(tx, { transactionId: transaction.id });
    const [inserted] = await tx
      .insert(otpAttempts)
      .values({
        transactionId: transaction.id,
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
      .returning({ ...getTableColumns(otpAttempts), now: sql<Date | string>`now()` });
    if (!inserted) {
      const [first] = await tx.select().from(otpAttempts).where(eq(otpAttempts.idempotencyKey, start.idempotencyKey));
      if (first.transactionId !== transaction.id || first.kind !== start.kind || first.actor !== caller.actor) {
        throw new AppError('conflict', 'This idempotency key was already used for a different request.');
      }
      return { state: 'duplicate', attempt: first };
    }

    const { now, ...attempt } = inserted;
    const refuse = async (refusal: Refusal) => ({ state: 'done' as const, result: await finishAttempt(tx, attempt, { outcome: refusal.outcome, retryAfter: refusal.retryAfter }, limits) });

    const waiting = waitingForOtp(transaction, new Date(now), limits);
    if (!waiting.waiting) return refuse(new Refusal(waiting.outcome));
    if (start.missingRefs) return refuse(new Refusal('refused_missing_refs'));

    // Hourly counters first, the payment's budget last; a refusal further on takes back what
    // this transaction already counted (exact: it holds those rows locked until it ends).
    const counted: { key: string; windowStart: Date }[] = [];
    try {
      if (start.kind === 'validate') {
        await reserveValidation(tx, transaction.id, limits);
      } else {
        counted.push(await reserveWindow(tx, 'global', limits.maxGlobalPerHour, 'refused_global_limit'));
        if (caller.agentId !== null) counted.push(await reserveWindow(tx, `agent:${caller.agentId}`, limits.maxPerAgentPerHour, 'refused_agent_limit'));
        await reserveSend(tx, transaction.id, limits);
      }
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      for (const c of counted) {
        await tx.update(otpRateWindows).set({ count: sql`${otpRateWindows.count} - 1` }).where(and(eq(otpRateWindows.key, c.key), eq(otpRateWindows.windowStart, c.windowStart)));
      }
      return refuse(err);
    }
    // The request is audited with its reservation: should PayOps stop during the provider call,
    // the audit log still shows it was made (its outcome follows, or outcome_unknown).
    await auditAttempt(tx, attempt, 'reserved');
    return { state: 'reserved', attempt, transaction };
  });
}

/**
 * Closes attempts reserved longer ago than `olderThanMs` that still have no outcome (PayOps
 * stopped between the reservation and the outcome) as outcome_unknown, each with its audit row,
 * in one transaction. Idempotent and safe on several instances at once: a conditional UPDATE
 * that skips rows another transaction holds (a late outcome being written, another sweep). The
 * budget stays spent: the OTP may have reached the phone. A late real outcome still replaces it.
 */
export async function closeStaleAttempts(
  db: DbOrTx,
  params: { transactionId?: number; olderThanMs?: number; limit?: number } = {},
): Promise<OtpAttempt[]> {
  const olderThanMs = params.olderThanMs ?? staleAttemptMs();
  const waiting = and(
    isNull(otpAttempts.outcome),
    sql`${otpAttempts.createdAt} < now() - make_interval(secs => ${olderThanMs / 1000})`,
    params.transactionId === undefined ? undefined : eq(otpAttempts.transactionId, params.transactionId),
  );
  const stale = db
    .select({ id: otpAttempts.id })
    .from(otpAttempts)
    .where(waiting)
    .orderBy(otpAttempts.id)
    .limit(params.limit ?? 500)
    .for('update', { skipLocked: true });
  const close = async (tx: DbOrTx) => {
    const closed = await tx
      .update(otpAttempts)
      .set({
        outcome: 'outcome_unknown',
        finishedAt: sql`now()`,
        message: sql`CASE WHEN ${otpAttempts.kind} = 'validate' THEN ${describeOutcome('outcome_unknown', { kind: 'validate' })}::text
                          ELSE ${describeOutcome('outcome_unknown')}::text END`,
      })
      .where(and(inArray(otpAttempts.id, stale), isNull(otpAttempts.outcome)))
      .returning();
    for (const a of closed) {
      await auditAttempt(tx, a, 'outcome_unknown', {
        closedBy: 'payops',
        why: `No outcome was recorded within ${Math.round(olderThanMs / 1000)} s of the reservation: PayOps stopped during the provider call.`,
      });
    }
    return closed;
  };
  // Inside the caller's transaction when there is one (beginAttempt). Otherwise (a page view, the
  // sweep) one indexed look first, so the usual case, nothing to close, opens no transaction.
  if (db instanceof PgTransaction) return close(db);
  const [any] = await db.select({ id: otpAttempts.id }).from(otpAttempts).where(waiting).limit(1);
  return any ? db.transaction(close) : [];
}

async function reserveSend(tx: DbOrTx, transactionId: number, limits: OtpLimits): Promise<void> {
  // One upsert: a payment's first send creates its budget row. clock_timestamp(), not now(): a
  // request that waited for the row lock compares against the time it got it, not the earlier
  // start of its transaction.
  const reserved = await queryRows(
    tx,
    sql`INSERT INTO otp_budgets AS b (transaction_id, send_limit, sent, last_sent_at, cooldown_until)
        VALUES (${transactionId}, ${limits.maxPerPayment}, 1, clock_timestamp(), clock_timestamp() + make_interval(secs => ${limits.cooldownSeconds}))
        ON CONFLICT (transaction_id) DO UPDATE
        SET sent = b.sent + 1, provider_sent = b.provider_sent + 1, last_sent_at = clock_timestamp(),
            cooldown_until = clock_timestamp() + make_interval(secs => ${limits.cooldownSeconds}), updated_at = now()
        WHERE b.sent < b.send_limit
          AND (b.provider_limit IS NULL OR b.provider_sent IS NULL OR b.provider_sent < b.provider_limit)
          AND (b.cooldown_until IS NULL OR b.cooldown_until <= clock_timestamp())
        RETURNING b.transaction_id`,
  );
  if (reserved.length) return;
  const [b] = await tx.select().from(otpBudgets).where(eq(otpBudgets.transactionId, transactionId));
  if (budgetView(b, limits).remaining <= 0) throw new Refusal('refused_payment_limit');
  throw new Refusal('refused_cooldown', b.cooldownUntil);
}

async function reserveValidation(tx: DbOrTx, transactionId: number, limits: OtpLimits): Promise<void> {
  const reserved = await queryRows(
    tx,
    sql`INSERT INTO otp_budgets AS b (transaction_id, send_limit, validations) VALUES (${transactionId}, ${limits.maxPerPayment}, 1)
        ON CONFLICT (transaction_id) DO UPDATE SET validations = b.validations + 1, updated_at = now()
        WHERE b.validations < ${limits.maxValidationsPerPayment}
        RETURNING b.transaction_id`,
  );
  if (!reserved.length) throw new Refusal('refused_payment_limit');
}

/** An hourly counter: one more, unless it is at its limit (then the hour's end is when it frees up). */
async function reserveWindow(tx: DbOrTx, key: string, limit: number, outcome: OtpOutcome): Promise<{ key: string; windowStart: Date }> {
  // The hour from the epoch, not date_trunc: independent of the session's time zone (IST is +05:30).
  const windowStart = sql`to_timestamp(floor(extract(epoch FROM now()) / 3600) * 3600)`;
  const rows = await queryRows<{ window_start: Date | string }>(
    tx,
    sql`INSERT INTO otp_rate_windows (key, window_start, count) VALUES (${key}, ${windowStart}, 1)
        ON CONFLICT (key, window_start) DO UPDATE SET count = otp_rate_windows.count + 1
        WHERE otp_rate_windows.count < ${limit}
        RETURNING window_start`,
  );
  if (rows.length) return { key, windowStart: new Date(rows[0].window_start) };
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
  /** Juspay: a new challenge id for the next call, when the reply names one that differs. */
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
    const told = answer.providerBudget ?? null;
    const limited = answer.outcome === 'rate_limited_by_provider';
    const withClock = { ...getTableColumns(otpBudgets), clock: sql<Date | string>`clock_timestamp()` };
    // The provider's count as told; its own limit reached means this payment's budget is spent.
    const [budgetRow] =
      told || limited
        ? await tx
            .update(otpBudgets)
            .set({
              providerLimit: sql`COALESCE(${told?.limit ?? null}::int, ${otpBudgets.providerLimit})`,
              sendLimit: sql`LEAST(${otpBudgets.sendLimit}, COALESCE(${told?.limit ?? null}::int, ${otpBudgets.sendLimit}))`,
              providerSent: limited ? sql`COALESCE(${told?.limit ?? null}::int, ${otpBudgets.providerLimit})` : sql`${told?.sent ?? null}::int`,
              sent: limited ? sql`LEAST(${otpBudgets.sendLimit}, COALESCE(${told?.limit ?? null}::int, ${otpBudgets.sendLimit}))` : sql`${otpBudgets.sent}`,
              updatedAt: sql`now()`,
            })
            .where(eq(otpBudgets.transactionId, attempt.transactionId))
            .returning(withClock)
        : await tx.select(withClock).from(otpBudgets).where(eq(otpBudgets.transactionId, attempt.transactionId));
    if (answer.challengeId) {
      await tx
        .update(transactions)
        .set({ otpRefs: sql`${transactions.otpRefs} || jsonb_build_object('challenge_id', ${answer.challengeId}::text)` })
        .where(and(eq(transactions.id, attempt.transactionId), eq(transactions.provider, 'juspay')));
    }
    const now = budgetRow?.clock ?? (await queryRows<{ now: Date | string }>(tx, sql`SELECT clock_timestamp() AS now`))[0].now;
    const budget = budgetView(budgetRow ?? null, limits, new Date(now));
    const retryAfter = answer.retryAfter ?? null;
    const retryAfterSeconds = retryAfter ? Math.max(1, Math.ceil((retryAfter.getTime() - new Date(now).getTime()) / 1000)) : null;
    const words = describeOutcome(answer.outcome, { retryAfterSeconds, provider: providerName(attempt.provider), kind: attempt.kind });
    const message = answer.message ? `${words} ${answer.message}` : words;

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
    await auditAttempt(tx, attempt, answer.outcome, {
      providerRequestId: answer.providerRequestId ?? null,
      budget: { sent: budget.sent, limit: budget.limit, remaining: budget.remaining, source: budget.source },
    });
    return resultOf(finished, budget, new Date(now), false);
  });
}

/** An attempt's audit row: at its reservation, at its outcome, or when it is closed unknown. */
/**
 * A request refused before it reaches the ledger (lib/otp/refs.ts `walletRefusal`): no attempt
 * row, no budget spent, no provider call; only its audit row, in the same shape as an attempt's.
 */
export function auditRefusedRequest(
  db: DbOrTx,
  t: Pick<Transaction, 'id'>,
  req: { kind: OtpKind; provider: string; reason: string | null },
  caller: OtpCaller,
  outcome: string,
  details: Record<string, unknown>,
) {
  return recordAudit(db, {
    actor: caller.actor,
    actorRole: caller.role,
    action: ACTION[req.kind],
    target: String(t.id),
    sourceIp: caller.sourceIp,
    outcome,
    details: { provider: req.provider, channel: caller.channel, reason: req.reason, ...details },
  });
}

function auditAttempt(tx: DbOrTx, a: OtpAttempt, outcome: string, details: Record<string, unknown> = {}) {
  return recordAudit(tx, {
    actor: a.actor,
    actorRole: a.actorRole,
    action: ACTION[a.kind],
    target: String(a.transactionId),
    sourceIp: a.sourceIp,
    outcome,
    details: { provider: a.provider, channel: a.channel, reason: a.reason, ...details, attemptId: a.id },
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
