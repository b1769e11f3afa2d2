import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '@/db/client';
import { refunds } from '@/db/schema';
import { sendJob } from '@/lib/jobs/boss';
import { RetryableJobError } from '@/lib/jobs/errors';
import { defineQueue, defineScheduledTask } from '@/lib/jobs/queue';
import { logError } from '@/lib/log';
import { isProviderError } from '@/lib/providers/types';
import { refundPolicy } from './config';
import { AT_PROVIDER, recordRefundStep, stateIn, SYSTEM } from './machine';
import { checkRefund, flagPayment, sendRefund } from './send';
import { expireBatches } from './bulk';

const oneRefund = z.object({ refundId: z.number().int().positive() });

/** Sends an approved refund to its provider (lib/refunds/send.ts). One per refund at a time. */
export const refundSendQueue = defineQueue({
  name: 'refunds-send',
  title: 'Send an approved refund to its provider',
  data: oneRefund,
  policy: 'stately',
  retryLimit: 6,
  retryDelay: 15,
  expireInSeconds: 120,
  concurrency: 8,
  sendOptions: (d) => ({ singletonKey: `refund:${d.refundId}` }),
  async run({ refundId }, { db, providers }) {
    const out = await sendRefund(db, providers, refundId);
    if (out.result === 'not_sent') throw new RetryableJobError(`The refund did not reach the provider: ${out.why}`);
    // In flight: ask soon, so the page shows the end without waiting for the tracker's minute.
    if (out.result === 'unknown' || (out.result === 'sent' && out.state !== 'succeeded' && out.state !== 'failed')) {
      await queueRefundCheck(refundId, out.result === 'unknown' ? 5 : 3);
    }
    return out;
  },
});

/** Asks the provider where one refund in flight stands; provider errors are retried with backoff. */
export const refundCheckQueue = defineQueue({
  name: 'refunds-check',
  title: 'Ask the provider where a refund stands',
  data: oneRefund,
  policy: 'stately',
  retryLimit: 5,
  retryDelay: 15,
  expireInSeconds: 120,
  concurrency: 4,
  sendOptions: (d) => ({ singletonKey: `refund:${d.refundId}` }),
  async run({ refundId }, { db, providers }) {
    try {
      const out = await checkRefund(db, providers, refundId);
      if (out.state === 'approved') await sendJob(refundSendQueue, { refundId });
      return out;
    } catch (err) {
      if (isProviderError(err)) throw new RetryableJobError(`The provider could not be asked: ${err.code}`);
      throw err;
    }
  },
});

export async function queueRefundSend(refundId: number): Promise<void> {
  try {
    await sendJob(refundSendQueue, { refundId });
  } catch (err) {
    // The tracker queues approved refunds nobody is sending, 30 s after their approval.
    logError(`[refunds] refund ${refundId}: the send could not be queued (the tracker will):`, err);
  }
}

export async function queueRefundCheck(refundId: number, afterSeconds = 0): Promise<void> {
  try {
    await sendJob(refundCheckQueue, { refundId }, afterSeconds > 0 ? { startAfter: afterSeconds } : {});
  } catch (err) {
    logError(`[refunds] refund ${refundId}: the check could not be queued (the tracker will):`, err);
  }
}

/**
 * Every minute (`refunds-track`): requests past their time expire; approved refunds nobody is
 * sending (30 s after approval) are queued again; refunds in flight are asked about, each less often as it ages (a
 * quarter of its age, 1 minute to 6 hours); one with no final answer after REFUND_STUCK_DAYS
 * raises its payment's `refund_stuck` flag, which opens a case (and the alert counts it).
 */
export async function trackRefunds(db: Db, now = new Date()): Promise<{ expired: number; resent: number; checked: number; stuck: number; batchesExpired: number }> {
  const expired = await db.transaction(async (tx) => {
    const rows = await tx
      .update(refunds)
      .set({ state: 'expired', finalAt: sql`now()`, version: sql`${refunds.version} + 1`, updatedAt: sql`now()` })
      .where(sql`${refunds.state} = 'requested' AND ${refunds.expiresAt} <= ${now}`)
      .returning();
    for (const r of rows) await recordRefundStep(tx, SYSTEM('refunds-track'), r, { action: 'expired', from: 'requested', to: 'expired' });
    return rows.length;
  });
  const stale = await queryRows<{ id: number }>(
    db,
    sql`SELECT id FROM refunds WHERE state = 'approved' AND updated_at < ${new Date(now.getTime() - 30_000)} ORDER BY id LIMIT 500`,
  );
  for (const r of stale) await queueRefundSend(Number(r.id));
  const due = await queryRows<{ id: number }>(
    db,
    sql`SELECT id FROM refunds
         WHERE ${stateIn(sql`state`, AT_PROVIDER)}
           AND (last_checked_at IS NULL OR last_checked_at <
                ${now}::timestamptz - least(interval '6 hours', greatest(interval '1 minute', (${now}::timestamptz - coalesce(sent_at, updated_at)) / 4)))
         ORDER BY coalesce(last_checked_at, sent_at) NULLS FIRST LIMIT 200`,
  );
  for (const r of due) await queueRefundCheck(Number(r.id));
  const stuck = await queryRows<{ transaction_row_id: number }>(
    db,
    sql`SELECT DISTINCT r.transaction_row_id FROM refunds r JOIN transactions t ON t.id = r.transaction_row_id
         WHERE ${stateIn(sql`r.state`, AT_PROVIDER)}
           AND coalesce(r.sent_at, r.decided_at) < ${new Date(now.getTime() - refundPolicy().stuckDays * 86_400_000)}
           AND NOT ('refund_stuck' = ANY (t.flags))`,
  );
  for (const s of stuck) await flagPayment(db, Number(s.transaction_row_id), 'refund_stuck');
  // Bulk batches follow their requests (lib/refunds/bulk.ts).
  const batchesExpired = await expireBatches(db, now);
  return { expired, resent: stale.length, checked: due.length, stuck: stuck.length, batchesExpired };
}

export const refundTrackTask = defineScheduledTask({
  name: 'refunds-track',
  title: 'Expire refund requests, resend lost ones, follow refunds in flight',
  cron: '* * * * *',
  run: ({ db }) => trackRefunds(db),
});

/**
 * The Juspay webhook's `afterAccepted` part for refunds: a refund event (or any event of a payment
 * with refunds in flight) is a claim; PayOps asks the order status API, which says where each stands.
 * Never throws: a check not queued here is queued by the tracker.
 */
export async function refundsAfterAccepted(db: Db, paymentId: number): Promise<void> {
  try {
    const rows = await queryRows<{ id: number }>(db, sql`SELECT id FROM refunds WHERE transaction_row_id = ${paymentId} AND ${stateIn(sql`state`, AT_PROVIDER)}`);
    for (const r of rows) await queueRefundCheck(Number(r.id));
  } catch (err) {
    logError(`[refunds] payment ${paymentId}: refund checks after a webhook could not be queued (the tracker will):`, err);
  }
}
