import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { alertDeliveries, alerts, type AlertTransitionKind } from '@/db/schema';
import { isDatabaseUnavailable } from '@/lib/errors';
import { RetryableJobError } from '@/lib/jobs/errors';
import { postSignedJson } from '@/lib/http/signed-post';
import { buildAlertMessage } from './message';

export interface DeliverAlertJob {
  alertId: number;
  transition: AlertTransitionKind;
}

export interface DeliverAlertOptions {
  /** ALERT_WEBHOOK_URL; unset: nothing is sent and the message is recorded as not configured. */
  url?: string;
  /** ALERT_WEBHOOK_SECRET; unset (embedded demo only, see startupProblems): sent unsigned. */
  secret?: string;
  timeoutMs: number;
  /** PAYOPS_PUBLIC_URL, for the link to /alerts in the message. */
  publicUrl?: string;
  fetchImpl?: typeof fetch;
  /** The clock of the signature's timestamp (tests). */
  now?: () => Date;
}

export type DeliverAlertResult =
  | { status: 'delivered'; httpStatus: number; attempts: number }
  | { status: 'already_delivered' }
  | { status: 'not_configured' };

const USER_AGENT = 'PayOps-Alerts/1';
// Past the request's own deadline: a sender that died mid-request frees the message after this.
const LEASE_EXTRA_MS = 5_000;

/**
 * Posts one transition of an alert to ALERT_WEBHOOK_URL, signed, and records the outcome on its
 * alert_deliveries row. Idempotent: once delivered, a re-run sends nothing. A network error, a
 * timeout, a 5xx or a 429 throws RetryableJobError (the queue tries again later); a redirect or
 * any other 4xx throws a plain Error (the receiver refuses this message; a retry would not help).
 *
 * The receiver's address may itself be a secret (a Slack webhook URL is), so neither it nor the
 * receiver's reply goes into an error, a log line or the database: only "HTTP 503", "no answer
 * within 5000 ms", "network error (ECONNREFUSED)".
 */
export async function deliverAlert(db: Db, job: DeliverAlertJob, options: DeliverAlertOptions): Promise<DeliverAlertResult> {
  try {
    return await deliver(db, job, options);
  } catch (err) {
    if (!(err instanceof DeliveryError) && isDatabaseUnavailable(err)) {
      throw new RetryableJobError(`alert ${job.alertId} ${job.transition}: the database did not answer`, { cause: err });
    }
    throw err;
  }
}

/** What the receiver did, recorded: a plain Error or a RetryableJobError is thrown afterwards. */
class DeliveryError extends Error {}

async function deliver(db: Db, job: DeliverAlertJob, options: DeliverAlertOptions): Promise<DeliverAlertResult> {
  const label = `alert ${job.alertId} ${job.transition}`;
  const where = and(eq(alertDeliveries.alertId, job.alertId), eq(alertDeliveries.transition, job.transition));
  const [row] = await db
    .select({ alert: alerts, delivery: alertDeliveries })
    .from(alertDeliveries)
    .innerJoin(alerts, eq(alerts.id, alertDeliveries.alertId))
    .where(where);
  if (!row) throw new DeliveryError(`${label}: no such message to send`);
  if (row.delivery.deliveredAt) return { status: 'already_delivered' };
  if (!options.url) {
    await db.update(alertDeliveries).set({ state: 'not_configured' }).where(and(where, sql`${alertDeliveries.deliveredAt} IS NULL`));
    return { status: 'not_configured' };
  }

  // Claim the message for this attempt: two jobs for one message never post at once.
  const lease = sql`now() + ${options.timeoutMs + LEASE_EXTRA_MS}::int * interval '1 millisecond'`;
  const [claimed] = await queryRows<{ attempts: number }>(
    db,
    sql`UPDATE alert_deliveries SET attempts = attempts + 1, last_attempt_at = now(), in_flight_until = ${lease}
         WHERE alert_id = ${job.alertId} AND transition = ${job.transition} AND delivered_at IS NULL
           AND (in_flight_until IS NULL OR in_flight_until < now())
        RETURNING attempts`,
  );
  if (!claimed) {
    const [again] = await db.select({ deliveredAt: alertDeliveries.deliveredAt }).from(alertDeliveries).where(where);
    if (again?.deliveredAt) return { status: 'already_delivered' };
    throw new RetryableJobError(`${label}: another sender is posting it right now`);
  }

  const body = JSON.stringify(buildAlertMessage(row.alert, job.transition, { publicUrl: options.publicUrl }));
  const outcome = await postSignedJson({
    url: options.url,
    body,
    secret: options.secret,
    deliveryId: `${job.alertId}-${job.transition}`,
    userAgent: USER_AGENT,
    timeoutMs: options.timeoutMs,
    fetchImpl: options.fetchImpl,
    now: options.now,
  });

  const record = (set: Record<string, unknown>) => db.update(alertDeliveries).set({ ...set, inFlightUntil: null }).where(where);
  if (outcome.kind === 'delivered') {
    try {
      await db
        .update(alertDeliveries)
        .set({ state: 'delivered', deliveredAt: sql`now()`, httpStatus: outcome.status, lastError: null, inFlightUntil: null })
        .where(where);
    } catch (err) {
      // Sent, but not recorded: a retry sends it again, with the same X-PayOps-Delivery id.
      throw new RetryableJobError(`${label}: delivered, but the delivery could not be recorded`, { cause: err });
    }
    return { status: 'delivered', httpStatus: outcome.status, attempts: claimed.attempts };
  }
  if (outcome.kind === 'retry') {
    await record({ state: 'retrying', httpStatus: outcome.status, lastError: outcome.why });
    throw new RetryableJobError(outcome.status === null ? `${label}: ${outcome.why}` : `${label}: the receiver answered HTTP ${outcome.status}`);
  }
  await record({ state: 'failed', httpStatus: outcome.status, lastError: outcome.why });
  throw new DeliveryError(`${label}: ${outcome.why}`);
}
