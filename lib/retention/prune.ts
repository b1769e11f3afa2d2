import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { env } from '@/lib/env';
import { defineScheduledTask } from '@/lib/jobs/queue';
import { pruneLiveEvents } from '@/lib/live/events';

const BATCH = 5000;
// One run stops after this long and the next one carries on: never one long lock-holding sweep.
const RUN_BUDGET_MS = 60_000;

export interface PruneReport {
  deliveryBodies: number;
  eventPayloads: number;
  otpRateWindows: number;
  /** Live-update events older than a day (a page further behind than that reloads instead of catching up). */
  liveEvents: number;
  /** The cut-off: bodies and payloads received before it were removed. */
  before: string;
}

/**
 * Retention: delivery bodies and event payloads hold personal data (cardholder names) and would
 * grow without end. Older than `days`, they are removed — the rows stay, with their hashes,
 * outcomes, statuses and amounts, so counts and the audit trail stay whole (the audit log is
 * never pruned). Expired OTP rate windows go too (hourly windows; two hours back is safe). Each
 * statement is one batch, so nothing holds locks for long; idempotent.
 */
export async function pruneExpired(db: Db, params: { days: number; now?: Date; budgetMs?: number }): Promise<PruneReport> {
  const now = params.now ?? new Date();
  const before = new Date(now.getTime() - params.days * 86_400_000);
  const deadline = Date.now() + (params.budgetMs ?? RUN_BUDGET_MS);
  const batches = async (statement: SQL): Promise<number> => {
    let total = 0;
    for (;;) {
      const [{ n }] = await queryRows<{ n: number | string }>(db, statement);
      total += Number(n);
      if (Number(n) < BATCH || Date.now() > deadline) return total;
    }
  };
  const deliveryBodies = await batches(sql`
    WITH batch AS (
      SELECT id FROM deliveries WHERE body IS NOT NULL AND received_at < ${before} ORDER BY received_at LIMIT ${BATCH}
    ), pruned AS (
      UPDATE deliveries d SET body = NULL, body_pruned_at = ${now} FROM batch WHERE d.id = batch.id RETURNING 1
    ) SELECT count(*) AS n FROM pruned`);
  const eventPayloads = await batches(sql`
    WITH batch AS (
      SELECT id FROM payment_events WHERE payload IS NOT NULL AND received_at < ${before} ORDER BY received_at LIMIT ${BATCH}
    ), pruned AS (
      UPDATE payment_events e SET payload = NULL, payload_pruned_at = ${now} FROM batch WHERE e.id = batch.id RETURNING 1
    ) SELECT count(*) AS n FROM pruned`);
  const [{ n: windows }] = await queryRows<{ n: number | string }>(
    db,
    sql`WITH gone AS (DELETE FROM otp_rate_windows WHERE window_start < ${new Date(now.getTime() - 2 * 3_600_000)} RETURNING 1) SELECT count(*) AS n FROM gone`,
  );
  const liveEvents = await pruneLiveEvents(db, new Date(now.getTime() - 86_400_000));
  return { deliveryBodies, eventPayloads, otpRateWindows: Number(windows), liveEvents, before: before.toISOString() };
}

/** Hourly. Finished jobs are pruned by pg-boss itself (archived after an hour, deleted after 7 days). */
export const retentionQueue = defineScheduledTask({
  name: 'retention-prune',
  title: 'Remove personal data past its retention period',
  cron: '17 * * * *',
  retryDelay: 60,
  expireInSeconds: 600,
  async run({ db }) {
    const report = await pruneExpired(db, { days: env().RETENTION_DAYS });
    if (report.deliveryBodies || report.eventPayloads || report.otpRateWindows || report.liveEvents) {
      console.log(
        `[retention] removed ${report.deliveryBodies} delivery bodies and ${report.eventPayloads} event payloads received before ${report.before}, ${report.otpRateWindows} expired OTP rate windows and ${report.liveEvents} live-update events`,
      );
    }
    return report;
  },
});
