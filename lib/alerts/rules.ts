import { sql } from 'drizzle-orm';
import { refundPolicy } from '@/lib/refunds/config';
import { AT_PROVIDER, stateIn } from '@/lib/refunds/machine';
import { queryRows, type Db, type DbOrTx } from '@/db/client';
import { notMoneyBack, pastDeadlineSql } from '@/lib/queues/stuck';
import { alertDeliveries, alerts, OTP_LIMIT_REFUSALS, STUCK_AT_BANK, type Alert, type AlertNumbers, type AlertSeverity, type AlertTransitionKind } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { logError } from '@/lib/log';
import type { AlertConfig } from './config';

/**
 * Alert rules and their evaluation. Each rule is one entry: what it measures (one SQL query over
 * the last minutes or hour, cheap on millions of rows — the indexes are named beside each query),
 * when that trips it, and how to say it in words. `evaluateAlerts` runs every rule and opens,
 * updates or resolves one alert per rule and key (the key is a provider or a job queue).
 *
 * A rule's measurement has three levels, so a value hovering at the threshold does not flap:
 * - firing: opens an alert (or keeps one open);
 * - hold: keeps an open alert open, opens none (between the threshold and half of it, or too
 *   little data to judge);
 * - ok: clear. An open alert resolves once it has been clear for `resolveAfterMinutes`.
 */

export type AlertLevel = 'firing' | 'hold' | 'ok';
/** Who needs to know: money alerts are shown to finance as well, operations alerts to admins only. */
export type AlertAudience = 'money' | 'operations';

export interface RuleContext {
  now: Date;
  config: AlertConfig;
}

export interface AlertRule<N extends AlertNumbers = AlertNumbers> {
  name: string;
  severity: AlertSeverity;
  audience: AlertAudience;
  /** The alert's title for a key, e.g. "Enkash: no notifications". */
  title(key: string): string;
  /** One row per key: `{ key, ...numbers }`. Numbers are ints, floats, ISO text or null. */
  measure(db: DbOrTx, ctx: RuleContext): Promise<(N & { key: string })[]>;
  level(numbers: N, config: AlertConfig): AlertLevel;
  /** The numbers in words: what was measured and against what. */
  summary(numbers: N, config: AlertConfig): string;
  /** The numbers of an open alert's key that the measurement no longer lists (nothing counted). */
  idle?: N;
}

export interface AlertTransition {
  alertId: number;
  transition: AlertTransitionKind;
}

/** Providers whose notifications PayOps receives (deliveries.provider, transactions.provider). */
export const ALERT_PROVIDERS = ['enkash', 'juspay'] as const;
const PROVIDER_NAMES: Record<string, string> = { enkash: 'Enkash', juspay: 'Juspay' };
export const providerName = (key: string) => PROVIDER_NAMES[key] ?? key;

/** pg-boss' schema (its default). It exists only once pg-boss has started against this database. */
export const PGBOSS_SCHEMA = 'pgboss';

const HOUR_MINUTES = 60;
const BASELINE_DAYS = 7;
// "Most of the last 7 days": a provider quiet at this time on a typical day is not silent.
const BUSY_DAYS_NEEDED = 4;

// ── SQL helpers ──────────────────────────────────────────────────────────────────────────────
const instant = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const minutes = (n: number) => sql`(${n}::int * interval '1 minute')`;
const providers = () => sql`unnest(ARRAY[${sql.join(ALERT_PROVIDERS.map((p) => sql`${p}::text`), sql`, `)}]) AS p(provider)`;
const textList = (items: readonly string[]) => sql.raw(items.map((i) => `'${i.replaceAll("'", "''")}'`).join(', '));

const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);
const percent = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 1000) / 10}%`);
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-IN')} ${n === 1 ? one : many}`;

/** The usual three levels of a count against a threshold: firing at it, clear below half of it. */
function countLevel(count: number, threshold: number): AlertLevel {
  if (count >= threshold) return 'firing';
  return count * 2 < threshold ? 'ok' : 'hold';
}

function defineRule<N extends AlertNumbers>(rule: AlertRule<N>): AlertRule {
  return rule as unknown as AlertRule;
}

// ── The rules ────────────────────────────────────────────────────────────────────────────────

type SilenceNumbers = {
  windowMinutes: number;
  minutesSilent: number | null;
  lastNotificationAt: string | null;
  busyDays: number;
  minExpected: number;
  /** Days since the provider's first notification (a young deployment has no week to compare with). */
  historyDays?: number;
  /** Notifications in the 4 windows before it went quiet. */
  before?: number;
};

/**
 * A provider stopped sending: no accepted (or duplicate) notification for `silenceMinutes`, while on
 * at least 4 of the last 7 days the same minutes of the day brought `silenceMinExpected` or more.
 * A provider that is quiet at this hour anyway never trips it. A deployment (or demo) with less than
 * 4 days of history has no week to compare with: there a provider that brought `silenceMinExpected`
 * or more in the 4 windows before it went quiet trips it instead. Index: deliveries (provider,
 * outcome, received_at) — one descent for the last notification, at most `silenceMinExpected`
 * entries per earlier day.
 */
const providerSilent = defineRule<SilenceNumbers>({
  name: 'provider_silent',
  severity: 'critical',
  audience: 'operations',
  title: (key) => `${providerName(key)}: no notifications`,
  async measure(db, { now, config }) {
    const at = instant(now);
    const window = minutes(config.silenceMinutes);
    // The last notification: `x >= v AND x <= v` rather than `x = v` on purpose. With equalities the
    // planner may walk deliveries_received_at_idx backwards, filtering out every other provider's
    // rows since this one went quiet (thousands per minute of silence); ranges leave the ORDER BY
    // only the (provider, outcome, received_at) index can give, so it is one descent of that index.
    const last = (outcome: string) => sql`(SELECT d.received_at FROM deliveries d
       WHERE d.provider >= p.provider AND d.provider <= p.provider AND d.outcome >= ${outcome} AND d.outcome <= ${outcome}
         AND d.received_at <= ${at}
       ORDER BY d.provider DESC, d.outcome DESC, d.received_at DESC LIMIT 1)`;
    const rows = await queryRows<{ key: string; last_at: string | Date | null; busy_days: number }>(
      db,
      sql`SELECT p.provider AS key,
                 greatest(${last('accepted')}, ${last('duplicate')}) AS last_at,
                 (SELECT count(*)::int FROM generate_series(1, ${BASELINE_DAYS}::int) AS k(day)
                   WHERE (SELECT count(*) FROM (
                           SELECT 1 FROM deliveries d
                            WHERE d.provider = p.provider AND d.outcome IN ('accepted', 'duplicate')
                              AND d.received_at > ${at} - k.day * interval '1 day' - ${window}
                              AND d.received_at <= ${at} - k.day * interval '1 day'
                            LIMIT ${config.silenceMinExpected}::int) x) >= ${config.silenceMinExpected}::int) AS busy_days
            FROM ${providers()}`,
    );
    // Only for a provider with less than BUSY_DAYS_NEEDED days of history: its traffic just before the silence.
    const young = await queryRows<{ key: string; first_at: string | Date | null; before: number }>(
      db,
      sql`SELECT p.provider AS key,
                 (SELECT min(d.received_at) FROM deliveries d WHERE d.provider = p.provider AND d.outcome = 'accepted') AS first_at,
                 (SELECT count(*)::int FROM (
                    SELECT 1 FROM deliveries d
                     WHERE d.provider = p.provider AND d.outcome IN ('accepted', 'duplicate')
                       AND d.received_at <= ${at}
                       AND d.received_at > (SELECT max(e.received_at) FROM deliveries e
                                             WHERE e.provider = p.provider AND e.outcome = 'accepted' AND e.received_at <= ${at}) - 4 * ${window}
                     LIMIT ${config.silenceMinExpected}::int) x) AS before
            FROM ${providers()}`,
    );
    return rows.map((r) => {
      const last = r.last_at === null ? null : new Date(r.last_at);
      const y = young.find((x) => x.key === r.key);
      const historyDays = y?.first_at ? Math.floor((now.getTime() - new Date(y.first_at).getTime()) / 86_400_000) : 0;
      return {
        key: r.key,
        windowMinutes: config.silenceMinutes,
        minutesSilent: last ? Math.floor((now.getTime() - last.getTime()) / 60_000) : null,
        lastNotificationAt: last?.toISOString() ?? null,
        busyDays: Number(r.busy_days),
        minExpected: config.silenceMinExpected,
        ...(historyDays < BUSY_DAYS_NEEDED ? { historyDays, before: Number(y?.before ?? 0) } : {}),
      };
    });
  },
  level(n, config) {
    const silent = n.minutesSilent === null || n.minutesSilent >= config.silenceMinutes;
    if (!silent) return 'ok';
    // Silent, but not at a time it is usually busy: keep an open alert, open none.
    if (n.busyDays >= BUSY_DAYS_NEEDED) return 'firing';
    return n.historyDays !== undefined && (n.before ?? 0) >= n.minExpected ? 'firing' : 'hold';
  },
  summary(n) {
    const silence = n.minutesSilent === null ? 'No notification accepted in the records' : `No notification accepted for ${plural(n.minutesSilent, 'minute')}`;
    if (n.minutesSilent !== null && n.minutesSilent < n.windowMinutes) {
      return `Notifications arrive again (the last ${plural(n.minutesSilent, 'minute')} ago).`;
    }
    if (n.historyDays !== undefined && n.busyDays < BUSY_DAYS_NEEDED) {
      return `${silence}; the ${4 * n.windowMinutes} minutes before brought ${n.before ?? 0}${(n.before ?? 0) >= n.minExpected ? ' or more' : ''} (less than ${BUSY_DAYS_NEEDED} days of history to compare the same hour with).`;
    }
    return `${silence}; on ${n.busyDays} of the last ${BASELINE_DAYS} days the same ${n.windowMinutes} minutes brought ${n.minExpected} or more.`;
  },
});

type RefusedNumbers = { windowMinutes: number; total: number; refused: number; unauthorized: number; invalid: number; share: number | null };

/**
 * Deliveries refused (401 a wrong or rotated secret, 400 a payload PayOps cannot read) above a
 * share of a provider's deliveries in the last few minutes. Index: deliveries (provider, outcome,
 * received_at), one range per outcome.
 */
const deliveriesRefused = defineRule<RefusedNumbers>({
  name: 'deliveries_refused',
  severity: 'critical',
  audience: 'operations',
  title: (key) => `${providerName(key)}: webhook deliveries refused`,
  async measure(db, { now, config }) {
    const at = instant(now);
    const rows = await queryRows<{ key: string; total: number; refused: number; unauthorized: number; invalid: number }>(
      db,
      sql`SELECT p.provider AS key,
                 count(d.outcome)::int AS total,
                 count(*) FILTER (WHERE d.outcome = 'rejected')::int AS refused,
                 count(*) FILTER (WHERE d.outcome = 'rejected' AND d.http_status = 401)::int AS unauthorized,
                 count(*) FILTER (WHERE d.outcome = 'rejected' AND d.http_status = 400)::int AS invalid
            FROM ${providers()}
            LEFT JOIN deliveries d
              ON d.provider = p.provider AND d.outcome IN ('accepted', 'duplicate', 'rejected')
             AND d.received_at > ${at} - ${minutes(config.refusedWindowMinutes)} AND d.received_at <= ${at}
           GROUP BY p.provider`,
    );
    return rows.map((r) => ({
      key: r.key,
      windowMinutes: config.refusedWindowMinutes,
      total: r.total,
      refused: r.refused,
      unauthorized: r.unauthorized,
      invalid: r.invalid,
      share: share(r.refused, r.total),
    }));
  },
  level(n, config) {
    const s = n.share ?? 0;
    if (n.refused >= config.refusedMinCount && s >= config.refusedShare) return 'firing';
    return n.refused * 2 < config.refusedMinCount || s * 2 < config.refusedShare ? 'ok' : 'hold';
  },
  summary(n) {
    const why = [n.unauthorized && `${n.unauthorized} × 401 wrong secret`, n.invalid && `${n.invalid} × 400 unreadable`].filter(Boolean).join(', ');
    return `${n.refused} of ${plural(n.total, 'delivery', 'deliveries')} refused in the last ${n.windowMinutes} min (${percent(n.share)})${why ? `: ${why}` : ''}.`;
  },
});

type DisagreementNumbers = { windowMinutes: number; mismatches: number; conflicts: number };

/**
 * Payments the providers contradict: the status API disagreed with a notification (verification
 * 'mismatch', partial index transactions_mismatch_verified_at_idx), or a notification contradicted
 * a final status (a delivery whose effect was 'conflict', partial index
 * deliveries_conflict_received_at_idx), per provider in the last hour. A payment whose case a person
 * has resolved no longer counts (a later contradiction reopens the case, and counts again).
 */
const paymentDisagreements = defineRule<DisagreementNumbers>({
  name: 'payment_disagreements',
  severity: 'warning',
  audience: 'money',
  title: (key) => `${providerName(key)}: payments the provider contradicts`,
  async measure(db, { now }) {
    const at = instant(now);
    const since = sql`${at} - ${minutes(HOUR_MINUTES)}`;
    const rows = await queryRows<{ key: string; mismatches: number; conflicts: number }>(
      db,
      sql`SELECT p.provider AS key,
                 (SELECT count(*)::int FROM transactions t
                   WHERE t.verification = 'mismatch' AND t.verified_at > ${since} AND t.verified_at <= ${at} AND t.provider = p.provider
                     AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.subject_type = 'payment' AND c.subject_id = t.id AND c.kind = 'provider_mismatch' AND c.state = 'resolved')) AS mismatches,
                 (SELECT count(*)::int FROM deliveries d
                   WHERE d.effect = 'conflict' AND d.received_at > ${since} AND d.received_at <= ${at}
                     AND d.provider = p.provider AND d.outcome = 'accepted'
                     AND NOT EXISTS (SELECT 1 FROM transactions t JOIN cases c ON c.subject_type = 'payment' AND c.subject_id = t.id
                                      WHERE t.transaction_id = d.transaction_id AND t.provider = d.provider AND c.kind = 'status_conflict' AND c.state = 'resolved')) AS conflicts
            FROM ${providers()}`,
    );
    return rows.map((r) => ({ key: r.key, windowMinutes: HOUR_MINUTES, mismatches: r.mismatches, conflicts: r.conflicts }));
  },
  level: (n, config) => countLevel(n.mismatches + n.conflicts, config.mismatchPerHour),
  summary: (n) =>
    `${plural(n.mismatches + n.conflicts, 'payment')} contradicted in the last hour: ${n.mismatches} where the provider's status API disagreed with a notification, ` +
    `${n.conflicts} where a notification contradicted a final status.`,
});

type PastDeadlineNumbers = { pastDeadline: number; oldestDays: number | null };

/**
 * Money stuck at the bank past its RBI deadline (lib/queues/stuck.ts, lib/queues/tat.ts): every such
 * payment costs the merchant ₹100 a day to the customer. Per provider; partial index
 * transactions_stuck_at_bank_idx. Fires at `stuckPastDeadline` payments (default 1).
 */
const moneyPastDeadline = defineRule<PastDeadlineNumbers>({
  name: 'money_past_deadline',
  severity: 'warning',
  audience: 'money',
  title: (key) => `${providerName(key)}: money stuck at the bank past the RBI deadline`,
  async measure(db, { now }) {
    const rows = await queryRows<{ key: string; past: number; oldest: Date | string | null }>(
      db,
      sql`SELECT p.provider AS key,
                 (SELECT count(*)::int FROM transactions t WHERE ${STUCK_AT_BANK} AND t.provider = p.provider AND ${notMoneyBack} AND ${pastDeadlineSql(now)}) AS past,
                 (SELECT min(t.txn_at) FROM transactions t WHERE ${STUCK_AT_BANK} AND t.provider = p.provider AND ${notMoneyBack} AND ${pastDeadlineSql(now)}) AS oldest
            FROM ${providers()}`,
    );
    return rows.map((r) => ({
      key: r.key,
      pastDeadline: r.past,
      oldestDays: r.oldest === null ? null : Math.floor((now.getTime() - new Date(r.oldest).getTime()) / 86_400_000),
    }));
  },
  level: (n, config) => (n.pastDeadline >= config.stuckPastDeadline ? 'firing' : 'ok'),
  summary: (n) =>
    `${plural(n.pastDeadline, 'payment')} with the customer's money stuck at the bank past the RBI turnaround (T+5 days, then ₹100 a day to the customer)` +
    (n.oldestDays === null ? '.' : `; the oldest began ${n.oldestDays} days ago.`),
});

type RefundsStuckNumbers = { stuck: number; unknown: number; oldestDays: number | null };

/**
 * Refunds that left (or may have left) the merchant with no end in sight: no final answer from the
 * provider after REFUND_STUCK_DAYS, or a send whose outcome is unknown for more than an hour. Read
 * from refunds_open_idx (refunds not final). Fires at one.
 */
const refundsStuck = defineRule<RefundsStuckNumbers>({
  name: 'refunds_stuck',
  severity: 'warning',
  audience: 'money',
  title: (key) => `${providerName(key)}: refunds without an end`,
  async measure(db, { now }) {
    const stuckBefore = new Date(now.getTime() - refundPolicy().stuckDays * 86_400_000);
    const unknownBefore = new Date(now.getTime() - 3_600_000);
    const rows = await queryRows<{ key: string; stuck: number; unknown: number; oldest: Date | string | null }>(
      db,
      sql`SELECT p.provider AS key,
                 count(r.id) FILTER (WHERE ${stateIn(sql`r.state`, AT_PROVIDER)} AND coalesce(r.sent_at, r.decided_at) < ${stuckBefore})::int AS stuck,
                 count(r.id) FILTER (WHERE r.state = 'unknown' AND r.updated_at < ${unknownBefore})::int AS unknown,
                 min(coalesce(r.sent_at, r.decided_at)) AS oldest
            FROM ${providers()} LEFT JOIN refunds r ON r.provider = p.provider AND ${stateIn(sql`r.state`, AT_PROVIDER)}
           GROUP BY p.provider`,
    );
    return rows.map((r) => ({
      key: r.key,
      stuck: r.stuck,
      unknown: r.unknown,
      oldestDays: r.oldest === null ? null : Math.floor((now.getTime() - new Date(r.oldest).getTime()) / 86_400_000),
    }));
  },
  level: (n) => (n.stuck + n.unknown > 0 ? 'firing' : 'ok'),
  summary: (n) =>
    `${plural(n.stuck, 'refund')} with no final answer from the provider after ${refundPolicy().stuckDays} days, ${plural(n.unknown, 'refund')} whose send has had no answer for over an hour` +
    (n.oldestDays === null ? '.' : `; the oldest in flight was sent ${n.oldestDays} days ago.`),
});

type SuccessRateNumbers = {
  windowMinutes: number;
  succeeded: number;
  failed: number;
  rate: number | null;
  baselineSucceeded: number;
  baselineFailed: number;
  baselineRate: number | null;
  drop: number | null;
};

/**
 * The share of finished payments (success / (success + failed); still-open and cancelled ones
 * left out) in the last hour, against the same hour on each of the last 7 days taken together.
 * Index: transactions (provider, txn_at, id), eight one-hour ranges per provider.
 */
const successRateDrop = defineRule<SuccessRateNumbers>({
  name: 'success_rate_drop',
  severity: 'critical',
  audience: 'money',
  title: (key) => `${providerName(key)}: success rate down`,
  async measure(db, { now }) {
    const at = instant(now);
    // LATERAL: one index range per provider and day on transactions (provider, txn_at, id); a plain
    // join let the planner hash the whole table (6 s on a million payments).
    const rows = await queryRows<{ key: string; s: number; f: number; bs: number; bf: number }>(
      db,
      sql`SELECT p.provider AS key,
                 coalesce(sum(c.s) FILTER (WHERE w.day = 0), 0)::int AS s,
                 coalesce(sum(c.f) FILTER (WHERE w.day = 0), 0)::int AS f,
                 coalesce(sum(c.s) FILTER (WHERE w.day > 0), 0)::int AS bs,
                 coalesce(sum(c.f) FILTER (WHERE w.day > 0), 0)::int AS bf
            FROM ${providers()}
           CROSS JOIN generate_series(0, ${BASELINE_DAYS}::int) AS w(day)
           CROSS JOIN LATERAL (
             SELECT count(*) FILTER (WHERE t.status_family = 'success') AS s,
                    count(*) FILTER (WHERE t.status_family = 'failed') AS f
               FROM transactions t
              WHERE t.provider = p.provider
                AND t.txn_at > ${at} - w.day * interval '1 day' - ${minutes(HOUR_MINUTES)}
                AND t.txn_at <= ${at} - w.day * interval '1 day'
           ) c
           GROUP BY p.provider`,
    );
    return rows.map((r) => {
      const rate = share(r.s, r.s + r.f);
      const baselineRate = share(r.bs, r.bs + r.bf);
      const drop = rate !== null && baselineRate !== null ? Math.round((baselineRate - rate) * 10_000) / 10_000 : null;
      return {
        key: r.key,
        windowMinutes: HOUR_MINUTES,
        succeeded: r.s,
        failed: r.f,
        rate,
        baselineSucceeded: r.bs,
        baselineFailed: r.bf,
        baselineRate,
        drop,
      };
    });
  },
  level(n, config) {
    const enough = n.succeeded + n.failed >= config.successRateMinCount && n.baselineSucceeded + n.baselineFailed >= config.successRateMinCount;
    // Too few payments to judge either way: an open alert stays open, none opens.
    if (!enough || n.drop === null) return 'hold';
    if (n.drop >= config.successRateDrop) return 'firing';
    return n.drop * 2 < config.successRateDrop ? 'ok' : 'hold';
  },
  summary(n, config) {
    const finished = n.succeeded + n.failed;
    const base = `${percent(n.rate)} of ${plural(finished, 'finished payment')} succeeded in the last hour, against ${percent(n.baselineRate)} ` +
      `of ${(n.baselineSucceeded + n.baselineFailed).toLocaleString('en-IN')} in the same hour over the last ${BASELINE_DAYS} days`;
    return finished < config.successRateMinCount ? `${base} (too few payments to judge).` : `${base}.`;
  },
});

type OtpRefusalNumbers = {
  windowMinutes: number;
  refused: number;
  paymentLimit: number;
  cooldown: number;
  agentLimit: number;
  globalLimit: number;
  providerLimit: number;
};

/**
 * OTP sends refused because a limit was reached, all payments and agents together, in the last
 * hour: agents (or the checkout) hammering resend, or a provider's own limit. Partial index
 * otp_attempts_limit_refusals_idx (its list is OTP_LIMIT_REFUSALS, as here).
 */
const otpRefusals = defineRule<OtpRefusalNumbers>({
  name: 'otp_refusals',
  severity: 'warning',
  audience: 'operations',
  title: () => 'OTP sends refused by limits',
  async measure(db, { now }) {
    const at = instant(now);
    const rows = await queryRows<Omit<OtpRefusalNumbers, 'windowMinutes'>>(
      db,
      sql`SELECT count(*)::int AS refused,
                 count(*) FILTER (WHERE outcome = 'refused_payment_limit')::int AS "paymentLimit",
                 count(*) FILTER (WHERE outcome = 'refused_cooldown')::int AS cooldown,
                 count(*) FILTER (WHERE outcome = 'refused_agent_limit')::int AS "agentLimit",
                 count(*) FILTER (WHERE outcome = 'refused_global_limit')::int AS "globalLimit",
                 count(*) FILTER (WHERE outcome = 'rate_limited_by_provider')::int AS "providerLimit"
            FROM otp_attempts
           WHERE outcome IN (${textList(OTP_LIMIT_REFUSALS)})
             AND created_at > ${at} - ${minutes(HOUR_MINUTES)} AND created_at <= ${at}`,
    );
    return rows.map((r) => ({ key: '', windowMinutes: HOUR_MINUTES, ...r }));
  },
  level: (n, config) => countLevel(n.refused, config.otpRefusalsPerHour),
  summary(n) {
    const parts = [
      [n.paymentLimit, 'payment budget'],
      [n.cooldown, 'cooldown'],
      [n.agentLimit, 'agent hourly limit'],
      [n.globalLimit, 'global hourly limit'],
      [n.providerLimit, "provider's limit"],
    ]
      .filter(([count]) => count)
      .map(([count, what]) => `${count} ${what}`);
    return `${plural(n.refused, 'OTP send')} refused by a limit in the last hour${parts.length ? ` (${parts.join(', ')})` : ''}.`;
  },
});

type JobNumbers = { windowMinutes: number; failed: number };

/**
 * Background jobs of one queue failed for good (retries spent) in the last hour, read from
 * pg-boss' own tables: `job`, and `archive` in case failed jobs were archived within the hour.
 * Neither table exists before pg-boss first starts (nor ever on PGlite), so the rule then measures
 * nothing. The job table has no index on completed_on: this scans the jobs pg-boss keeps (its
 * retention bounds them), once a minute.
 */
const jobsFailing = defineRule<JobNumbers>({
  name: 'jobs_failing',
  severity: 'warning',
  audience: 'operations',
  title: (key) => `Background jobs failing: ${key}`,
  async measure(db, { now }) {
    const [exists] = await queryRows<{ job: boolean; archive: boolean }>(
      db,
      sql`SELECT to_regclass(${`${PGBOSS_SCHEMA}.job`}) IS NOT NULL AS job, to_regclass(${`${PGBOSS_SCHEMA}.archive`}) IS NOT NULL AS archive`,
    );
    if (!exists.job) return [];
    const at = instant(now);
    const since = sql`${at} - ${minutes(HOUR_MINUTES)}`;
    const schema = sql.identifier(PGBOSS_SCHEMA);
    const archived = exists.archive
      ? sql`UNION ALL
            SELECT name FROM ${schema}.archive
             WHERE state = 'failed' AND archived_on > ${since} AND completed_on > ${since} AND completed_on <= ${at}`
      : sql``;
    const rows = await queryRows<{ key: string; failed: number }>(
      db,
      sql`SELECT name AS key, count(*)::int AS failed FROM (
            SELECT name FROM ${schema}.job WHERE state = 'failed' AND completed_on > ${since} AND completed_on <= ${at}
            ${archived}
          ) f GROUP BY name ORDER BY name`,
    );
    return rows.map((r) => ({ key: r.key, windowMinutes: HOUR_MINUTES, failed: r.failed }));
  },
  level: (n, config) => countLevel(n.failed, config.jobFailuresPerHour),
  summary: (n) => `${plural(n.failed, 'job')} failed for good in the last hour (retries spent).`,
  idle: { windowMinutes: HOUR_MINUTES, failed: 0 },
});

/** Every rule, in the order the page lists them. */
export const ALERT_RULES: readonly AlertRule[] = [providerSilent, deliveriesRefused, successRateDrop, paymentDisagreements, moneyPastDeadline, refundsStuck, jobsFailing, otpRefusals];

export function findRule(name: string, rules: readonly AlertRule[] = ALERT_RULES): AlertRule | undefined {
  return rules.find((r) => r.name === name);
}

/** Rule names a reader may see: money rules with `money`, every rule with `all`. */
export function visibleRuleNames(scope: 'money' | 'all', rules: readonly AlertRule[] = ALERT_RULES): string[] {
  return rules.filter((r) => scope === 'all' || r.audience === 'money').map((r) => r.name);
}

// ── Evaluation ───────────────────────────────────────────────────────────────────────────────

/** Who opens and resolves alerts in the audit log. */
export const ALERTS_ACTOR = 'system:alerts';

export interface EvaluateOptions {
  now: Date;
  config: AlertConfig;
  /** The rules to run (tests); every rule by default. */
  rules?: readonly AlertRule[];
}

/**
 * Measures every rule at `now` and moves the alerts: opens one for a firing rule and key (at most
 * one open per rule and key — the partial unique index alerts_open_rule_key_uq decides between
 * instances evaluating at once), refreshes the numbers of one still open, resolves one clear for
 * `resolveAfterMinutes`. Each opening and resolution is one transaction with its pending webhook
 * message (alert_deliveries) and its audit row. Running it again at the same `now` on the same
 * data changes nothing more. Returns the transitions, for the caller to deliver.
 *
 * A rule that cannot be measured (a bug, a timeout) is logged and skipped; its open alerts stay as
 * they are, and the other rules still run.
 */
export async function evaluateAlerts(db: Db, options: EvaluateOptions): Promise<AlertTransition[]> {
  const { now, config } = options;
  const rules = options.rules ?? ALERT_RULES;
  const open = await db.select().from(alerts).where(sql`${alerts.resolvedAt} IS NULL`);
  const transitions: AlertTransition[] = [];

  for (const rule of rules) {
    let measured: (AlertNumbers & { key: string })[];
    try {
      measured = await rule.measure(db, { now, config });
    } catch (err) {
      logError(`[alerts] rule ${rule.name} could not be measured; its alerts are left as they are`, err);
      continue;
    }
    const byKey = new Map(measured.map(({ key, ...numbers }) => [key, numbers as AlertNumbers]));
    for (const alert of open) {
      if (alert.rule === rule.name && !byKey.has(alert.key)) byKey.set(alert.key, rule.idle ?? alert.numbers);
    }
    for (const [key, numbers] of byKey) {
      const current = open.find((a) => a.rule === rule.name && a.key === key);
      const level = rule.level(numbers, config);
      const summary = rule.summary(numbers, config);
      const t = current ? await advance(db, rule, current, { level, numbers, summary, now, config }) : level === 'firing' ? await openAlert(db, rule, { key, numbers, summary, now }) : null;
      if (t) transitions.push(t);
    }
  }
  return transitions;
}

async function openAlert(
  db: Db,
  rule: AlertRule,
  o: { key: string; numbers: AlertNumbers; summary: string; now: Date },
): Promise<AlertTransition | null> {
  return db.transaction(async (tx) => {
    const numbers = JSON.stringify(o.numbers);
    const title = rule.title(o.key);
    // ON CONFLICT on the partial unique index: a second instance opening the same alert gets no row.
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`INSERT INTO alerts (rule, key, severity, title, opened_summary, summary, opened_numbers, numbers, opened_at, last_evaluated_at)
          VALUES (${rule.name}, ${o.key}, ${rule.severity}, ${title}, ${o.summary}, ${o.summary}, ${numbers}::jsonb, ${numbers}::jsonb, ${instant(o.now)}, ${instant(o.now)})
          ON CONFLICT (rule, key) WHERE resolved_at IS NULL DO NOTHING
          RETURNING id`,
    );
    if (!row) return null;
    const alertId = Number(row.id);
    await tx.insert(alertDeliveries).values({ alertId, transition: 'opened' });
    await recordAudit(tx, {
      actor: ALERTS_ACTOR,
      action: 'alerts.opened',
      target: `alert:${alertId}`,
      outcome: 'opened',
      details: { rule: rule.name, key: o.key, severity: rule.severity, title, summary: o.summary, numbers: o.numbers },
    });
    return { alertId, transition: 'opened' as const };
  });
}

async function advance(
  db: Db,
  rule: AlertRule,
  alert: Alert,
  o: { level: AlertLevel; numbers: AlertNumbers; summary: string; now: Date; config: AlertConfig },
): Promise<AlertTransition | null> {
  const numbers = JSON.stringify(o.numbers);
  const at = instant(o.now);
  // `last_evaluated_at <= now`: an evaluation that started earlier never overwrites a later one.
  const still = sql`id = ${alert.id} AND resolved_at IS NULL AND last_evaluated_at <= ${at}`;
  if (o.level !== 'ok') {
    await db.execute(sql`UPDATE alerts SET numbers = ${numbers}::jsonb, summary = ${o.summary}, last_evaluated_at = ${at}, clear_since = NULL WHERE ${still}`);
    return null;
  }
  const clearSince = alert.clearSince ?? o.now;
  if (o.now.getTime() - clearSince.getTime() < o.config.resolveAfterMinutes * 60_000) {
    await db.execute(
      sql`UPDATE alerts SET numbers = ${numbers}::jsonb, summary = ${o.summary}, last_evaluated_at = ${at}, clear_since = coalesce(clear_since, ${at}) WHERE ${still}`,
    );
    return null;
  }
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`UPDATE alerts SET numbers = ${numbers}::jsonb, summary = ${o.summary}, last_evaluated_at = ${at},
                 clear_since = coalesce(clear_since, ${at}), resolved_at = ${at}
           WHERE ${still} RETURNING id`,
    );
    if (!row) return null;
    await tx.insert(alertDeliveries).values({ alertId: alert.id, transition: 'resolved' });
    await recordAudit(tx, {
      actor: ALERTS_ACTOR,
      action: 'alerts.resolved',
      target: `alert:${alert.id}`,
      outcome: 'resolved',
      details: { rule: rule.name, key: alert.key, severity: alert.severity, title: alert.title, summary: o.summary, numbers: o.numbers },
    });
    return { alertId: alert.id, transition: 'resolved' as const };
  });
}

/**
 * Messages of transitions no sender ever picked up (the process stopped between the transition
 * and its queueing): for a periodic job to queue again. Sending them twice is harmless.
 */
export async function undeliveredTransitions(db: DbOrTx, params: { olderThan: Date; limit?: number }): Promise<AlertTransition[]> {
  const rows = await queryRows<{ alert_id: number; transition: AlertTransitionKind }>(
    db,
    sql`SELECT alert_id, transition FROM alert_deliveries
         WHERE delivered_at IS NULL AND state = 'pending' AND attempts = 0 AND created_at < ${instant(params.olderThan)}
         ORDER BY created_at LIMIT ${params.limit ?? 100}::int`,
  );
  return rows.map((r) => ({ alertId: Number(r.alert_id), transition: r.transition }));
}
