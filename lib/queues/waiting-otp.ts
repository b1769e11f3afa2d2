import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import type { OtpOutcome } from '@/db/schema';
import { QUEUE_PAYMENT_COLUMNS, queuePayment, type QueuePayment } from './payment-row';

/**
 * Who is waiting for an OTP right now: Juspay PENDING_VBV, or an Enkash card payment not final,
 * begun within the OTP window (OTP_WINDOW_MINUTES; the same rule as lib/otp/policy.ts
 * waitingForOtp, narrowed to cards for Enkash — its other open payments have no OTP screen).
 * Newest first. The window bounds it: a range of transactions_txn_at_id_idx, a few rows at most.
 */
export const WAITING_OTP_LIMIT = 200;

export interface WaitingOtpRow extends QueuePayment {
  windowEndsAt: Date;
  sent: number;
  sendLimit: number | null;
  lastAttemptAt: Date | null;
  lastAttemptKind: string | null;
  lastOutcome: OtpOutcome | null;
  claim: { userId: number; name: string; expiresAt: Date } | null;
}

/** The predicate, alias `t`: also used by the badge count. */
export const waitingOtpWhere = (now: Date, windowMinutes: number) => sql`
  t.txn_at > ${now.toISOString()}::timestamptz - ${windowMinutes}::int * interval '1 minute'
  AND t.txn_at <= ${now.toISOString()}::timestamptz + interval '5 minutes'
  AND ((t.provider = 'juspay' AND t.status = 'PENDING_VBV')
    OR (t.provider = 'enkash' AND t.status_family = 'open' AND (t.payment_mode LIKE '%CARD' OR t.payment_mode IS NULL)))`;

export async function waitingForOtpQueue(db: DbOrTx, params: { now: Date; windowMinutes: number; maxPerPayment: number; limit?: number }): Promise<WaitingOtpRow[]> {
  const rows = await queryRows<Record<string, any>>(
    db,
    sql`SELECT ${QUEUE_PAYMENT_COLUMNS},
               coalesce(b.provider_sent, b.sent, 0) AS sent, coalesce(b.provider_limit, b.send_limit) AS send_limit,
               a.created_at AS last_at, a.kind AS last_kind, a.outcome AS last_outcome,
               cl.user_id AS claim_user, coalesce(u.name, u.email) AS claim_name, cl.expires_at AS claim_expires
          FROM transactions t
          LEFT JOIN otp_budgets b ON b.transaction_id = t.id
          LEFT JOIN LATERAL (SELECT x.created_at, x.kind, x.outcome FROM otp_attempts x WHERE x.transaction_id = t.id ORDER BY x.id DESC LIMIT 1) a ON true
          LEFT JOIN work_claims cl ON cl.subject_type = 'payment' AND cl.subject_id = t.id AND cl.expires_at > ${params.now.toISOString()}::timestamptz
          LEFT JOIN users u ON u.id = cl.user_id
         WHERE ${waitingOtpWhere(params.now, params.windowMinutes)}
         ORDER BY t.txn_at DESC, t.id DESC
         LIMIT ${params.limit ?? WAITING_OTP_LIMIT}`,
  );
  return rows.map((r) => {
    const payment = queuePayment(r);
    return {
      ...payment,
      windowEndsAt: new Date(payment.txnAt.getTime() + params.windowMinutes * 60_000),
      sent: Number(r.sent),
      sendLimit: r.send_limit === null ? params.maxPerPayment : Math.min(Number(r.send_limit), params.maxPerPayment),
      lastAttemptAt: r.last_at ? new Date(r.last_at) : null,
      lastAttemptKind: r.last_kind,
      lastOutcome: r.last_outcome,
      claim: r.claim_user === null ? null : { userId: Number(r.claim_user), name: r.claim_name, expiresAt: new Date(r.claim_expires) },
    };
  });
}
