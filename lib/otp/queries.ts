import { count, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { otpAttempts, otpBudgets, users, type OtpAttempt, type OtpBudget } from '@/db/schema';
import { closeStaleAttempts } from './ledger';

export type OtpHistoryRow = Pick<OtpAttempt, 'id' | 'kind' | 'channel' | 'actor' | 'actorRole' | 'reason' | 'outcome' | 'providerRequestId' | 'maskedMobile' | 'createdAt' | 'provider'> & {
  actorEmail: string | null;
};

export interface OtpConsoleData {
  budget: OtpBudget | null;
  history: OtpHistoryRow[];
  /** Attempts so far on this payment: part of the console's idempotency key (see otp-actions.ts). */
  attemptCount: number;
}

/** A payment's OTP budget and its attempts, newest first. Holds no auth: the page decides who sees it. */
export async function getOtpConsole(db: DbOrTx, params: { transactionId: number; limit?: number }): Promise<OtpConsoleData> {
  // Whoever looks at a payment's OTP history sees no attempt waiting forever: one left by a crash
  // is closed as outcome_unknown (audited) before the history is read.
  await closeStaleAttempts(db, { transactionId: params.transactionId });
  const [[budget], history, [{ n }]] = await Promise.all([
    db.select().from(otpBudgets).where(eq(otpBudgets.transactionId, params.transactionId)),
    db
      .select({
        id: otpAttempts.id,
        kind: otpAttempts.kind,
        channel: otpAttempts.channel,
        actor: otpAttempts.actor,
        actorRole: otpAttempts.actorRole,
        reason: otpAttempts.reason,
        outcome: otpAttempts.outcome,
        providerRequestId: otpAttempts.providerRequestId,
        maskedMobile: otpAttempts.maskedMobile,
        createdAt: otpAttempts.createdAt,
        provider: otpAttempts.provider,
        actorEmail: users.email,
      })
      .from(otpAttempts)
      .leftJoin(users, sql`${otpAttempts.actor} = 'user:' || ${users.id}`)
      .where(eq(otpAttempts.transactionId, params.transactionId))
      .orderBy(desc(otpAttempts.id))
      .limit(params.limit ?? 50),
    db.select({ n: count() }).from(otpAttempts).where(eq(otpAttempts.transactionId, params.transactionId)),
  ]);
  return { budget: budget ?? null, history, attemptCount: Number(n) };
}
