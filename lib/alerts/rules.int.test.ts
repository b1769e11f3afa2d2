import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { alerts, type Alert } from '@/db/schema';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { verifyAuditChain } from '@/lib/audit/verify';
import type { AlertConfig } from './config';
import { ALERT_RULES, ALERTS_ACTOR, evaluateAlerts, findRule, undeliveredTransitions } from './rules';
import { addDeliveries, addOtpAttempts, addPayments, clearAlertData, createFakePgBoss, DAY, HOUR, MINUTE, testConfig } from './testing';

const NOW = new Date('2026-11-20T06:30:00.000Z');
const ago = (ms: number, from = NOW) => new Date(from.getTime() - ms);
const later = (ms: number, from = NOW) => new Date(from.getTime() + ms);

describe.each(await testDatabaseKinds())('alert rules on $kind', ({ create }) => {
  let t: TestDb;
  const db = () => t.handle.db;
  const rule = (name: string) => [findRule(name)!];
  const evaluate = (name: string, o: { now?: Date; config?: Partial<AlertConfig> } = {}) =>
    evaluateAlerts(db(), { now: o.now ?? NOW, config: testConfig(o.config), rules: rule(name) });
  const allAlerts = () => db().select().from(alerts).orderBy(alerts.id);
  const openAlerts = async () => (await allAlerts()).filter((a) => a.resolvedAt === null);
  const keys = (rows: Alert[]) => rows.map((a) => `${a.rule}:${a.key}`);

  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  beforeEach(async () => {
    await clearAlertData(db());
  });

  /** `perDay` accepted notifications in the same `minutes` of each of the last `days` days. */
  async function usualTraffic(o: { days: number; perDay: number; minutes?: number; provider?: string }) {
    for (let k = 1; k <= o.days; k++) {
      const end = ago(k * DAY);
      await addDeliveries(db(), { provider: o.provider, count: o.perDay, from: ago((o.minutes ?? 15) * MINUTE, end), to: end });
    }
  }

  describe('provider_silent', () => {
    it('opens when a provider busy at this time on most days has sent nothing for 15 minutes', async () => {
      await usualTraffic({ days: 7, perDay: 6 });
      await addDeliveries(db(), { count: 1, from: ago(20 * MINUTE), to: ago(20 * MINUTE) });
      // Refusals are not notifications: a provider whose every request is refused is silent too.
      await addDeliveries(db(), { outcome: 'rejected', count: 3, from: ago(10 * MINUTE), to: NOW });
      const transitions = await evaluate('provider_silent');
      expect(transitions).toHaveLength(1);
      const [alert] = await openAlerts();
      expect(alert).toMatchObject({ rule: 'provider_silent', key: 'enkash', severity: 'critical', title: 'Enkash: no notifications' });
      expect(alert.openedNumbers).toEqual({ windowMinutes: 15, minutesSilent: 20, lastNotificationAt: ago(20 * MINUTE).toISOString(), busyDays: 7, minExpected: 5 });
      expect(alert.openedSummary).toBe('No notification accepted for 20 minutes; on 7 of the last 7 days the same 15 minutes brought 5 or more.');
      expect(transitions).toEqual([{ alertId: alert.id, transition: 'opened' }]);
    });

    it('stays closed while notifications arrive, or when this time of day is usually quiet', async () => {
      await usualTraffic({ days: 7, perDay: 6 });
      await addDeliveries(db(), { count: 1, from: ago(5 * MINUTE), to: ago(5 * MINUTE) });
      expect(await evaluate('provider_silent')).toEqual([]);

      await clearAlertData(db());
      // Busy on only 3 of 7 days (on a deployment older than that), or too few on each: silence here is normal.
      await usualTraffic({ days: 3, perDay: 6 });
      await addDeliveries(db(), { count: 1, from: ago(6 * DAY + 3 * 60 * MINUTE), to: ago(6 * DAY + 3 * 60 * MINUTE) });
      expect(await evaluate('provider_silent')).toEqual([]);
      await clearAlertData(db());
      await usualTraffic({ days: 7, perDay: 4 });
      expect(await evaluate('provider_silent')).toEqual([]);
      expect(await allAlerts()).toEqual([]);
    });

    it('on a deployment younger than 4 days, opens when steady traffic stops, and holds when it was sparse', async () => {
      // Two days old: no week to compare the hour with. Steady until 20 minutes ago, then nothing.
      await addDeliveries(db(), { count: 1, from: ago(2 * DAY), to: ago(2 * DAY) });
      await addDeliveries(db(), { count: 30, from: ago(80 * MINUTE), to: ago(20 * MINUTE) });
      const [opened] = await evaluate('provider_silent');
      expect(opened.transition).toBe('opened');
      const [alert] = await allAlerts();
      expect(alert.summary).toBe('No notification accepted for 22 minutes; the 60 minutes before brought 5 or more (less than 4 days of history to compare the same hour with).');

      await clearAlertData(db());
      await addDeliveries(db(), { count: 1, from: ago(2 * DAY), to: ago(2 * DAY) });
      await addDeliveries(db(), { count: 2, from: ago(70 * MINUTE), to: ago(20 * MINUTE) });
      expect(await evaluate('provider_silent')).toEqual([]);
    });

    it('resolves when notifications arrive again', async () => {
      await usualTraffic({ days: 7, perDay: 6 });
      await evaluate('provider_silent');
      await addDeliveries(db(), { outcome: 'duplicate', count: 1, from: later(2 * MINUTE), to: later(2 * MINUTE) });
      const [resolved] = await evaluate('provider_silent', { now: later(3 * MINUTE) });
      expect(resolved.transition).toBe('resolved');
      const [alert] = await allAlerts();
      expect(alert.resolvedAt).toEqual(later(3 * MINUTE));
      expect(alert.summary).toBe('Notifications arrive again (the last 1 minute ago).');
      expect(alert.openedNumbers.minutesSilent).toBe(24 * 60 + 2);
    });
  });

  describe('deliveries_refused', () => {
    it('opens when refusals pass the share in the last 5 minutes', async () => {
      await addDeliveries(db(), { count: 10, from: ago(4 * MINUTE), to: NOW });
      await addDeliveries(db(), { outcome: 'rejected', httpStatus: 401, count: 4, from: ago(4 * MINUTE), to: NOW });
      await addDeliveries(db(), { outcome: 'rejected', httpStatus: 400, count: 1, from: ago(4 * MINUTE), to: NOW });
      expect(await evaluate('deliveries_refused')).toHaveLength(1);
      const [alert] = await openAlerts();
      expect(alert).toMatchObject({ rule: 'deliveries_refused', key: 'enkash', severity: 'critical' });
      expect(alert.openedNumbers).toEqual({ windowMinutes: 5, total: 15, refused: 5, unauthorized: 4, invalid: 1, share: 0.3333 });
      expect(alert.openedSummary).toBe('5 of 15 deliveries refused in the last 5 min (33.3%): 4 × 401 wrong secret, 1 × 400 unreadable.');
    });

    it('stays closed below the share, below the minimum count, and for refusals older than the window', async () => {
      await addDeliveries(db(), { count: 40, from: ago(4 * MINUTE), to: NOW });
      await addDeliveries(db(), { outcome: 'rejected', count: 6, from: ago(4 * MINUTE), to: NOW }); // 13%
      expect(await evaluate('deliveries_refused')).toEqual([]);
      await clearAlertData(db());
      await addDeliveries(db(), { outcome: 'rejected', count: 4, from: ago(4 * MINUTE), to: NOW }); // 100%, but 4 < 5
      expect(await evaluate('deliveries_refused')).toEqual([]);
      await clearAlertData(db());
      await addDeliveries(db(), { outcome: 'rejected', count: 50, from: ago(20 * MINUTE), to: ago(6 * MINUTE) });
      await addDeliveries(db(), { provider: 'juspay', count: 50, from: ago(4 * MINUTE), to: NOW });
      expect(await evaluate('deliveries_refused')).toEqual([]);
    });
  });

  describe('payment_disagreements', () => {
    it('opens on provider-check mismatches plus status conflicts in the last hour', async () => {
      await addPayments(db(), { family: 'success', count: 3, from: ago(2 * HOUR), to: ago(HOUR), verification: 'mismatch', verifiedAt: ago(30 * MINUTE) });
      await addDeliveries(db(), { effect: 'conflict', count: 2, from: ago(50 * MINUTE), to: ago(MINUTE) });
      // Not counted: a mismatch verified two hours ago, a confirmed check, the other provider.
      await addPayments(db(), { family: 'success', count: 1, from: ago(3 * HOUR), to: ago(3 * HOUR), verification: 'mismatch', verifiedAt: ago(2 * HOUR) });
      await addPayments(db(), { family: 'success', count: 5, from: ago(HOUR), to: NOW, verification: 'confirmed', verifiedAt: ago(MINUTE) });
      expect(await evaluate('payment_disagreements')).toHaveLength(1);
      const [alert] = await openAlerts();
      expect(alert).toMatchObject({ key: 'enkash', severity: 'warning', title: 'Enkash: payments the provider contradicts' });
      expect(alert.openedNumbers).toEqual({ windowMinutes: 60, mismatches: 3, conflicts: 2 });
    });

    it('stays closed under the count per hour', async () => {
      await addPayments(db(), { family: 'success', count: 2, from: ago(HOUR), to: NOW, verification: 'mismatch', verifiedAt: ago(10 * MINUTE) });
      await addDeliveries(db(), { effect: 'conflict', count: 2, from: ago(50 * MINUTE), to: ago(MINUTE) });
      await addDeliveries(db(), { effect: 'conflict', count: 5, from: ago(3 * HOUR), to: ago(2 * HOUR) });
      expect(await evaluate('payment_disagreements')).toEqual([]);
    });
  });

  describe('payment_disagreements after a person resolved the case', () => {
    it('no longer counts a payment whose case is resolved', async () => {
      await addPayments(db(), { family: 'success', count: 5, from: ago(2 * HOUR), to: ago(HOUR), verification: 'mismatch', verifiedAt: ago(30 * MINUTE) });
      await db().execute(sql`UPDATE transactions SET flags = ARRAY['provider_mismatch'] WHERE verification = 'mismatch'`);
      await db().execute(sql`UPDATE cases SET state = 'resolved', resolution = 'confirmed_with_provider', resolved_at = now() WHERE id IN (SELECT id FROM cases ORDER BY id LIMIT 3)`);
      expect(await evaluate('payment_disagreements')).toEqual([]);
    });
  });

  describe('money_past_deadline', () => {
    const stuck = (id: string, daysAgo: number, status = 'PENDING_WITH_BANK') =>
      db().execute(sql`INSERT INTO transactions (provider, transaction_id, status, status_rank, status_family, txn_at)
                       VALUES ('enkash', ${id}, ${status}, 1, 'open', ${NOW.toISOString()}::timestamptz - make_interval(days => ${daysAgo}))`);
    it('opens when money is stuck at the bank past T+5 days', async () => {
      await stuck('EKLATE1', 8);
      await stuck('EKFRESH1', 2);
      expect(await evaluate('money_past_deadline')).toHaveLength(1);
      const [alert] = await openAlerts();
      expect(alert).toMatchObject({ key: 'enkash', title: 'Enkash: money stuck at the bank past the RBI deadline' });
      expect(alert.openedNumbers).toMatchObject({ pastDeadline: 1, oldestDays: 8 });
    });
    it('stays closed within the turnaround, for final payments, and once a case says the money is back', async () => {
      await stuck('EKFRESH2', 3);
      await stuck('EKDONE', 9, 'SUCCESS');
      await stuck('EKBACK', 9);
      await db().execute(sql`INSERT INTO cases (subject_type, subject_id, kind, state, resolution, resolved_at)
                             SELECT 'payment', id, 'stuck', 'resolved', 'reversed_by_bank', now() FROM transactions WHERE transaction_id = 'EKBACK'`);
      expect(await evaluate('money_past_deadline')).toEqual([]);
    });
  });

  describe('refunds_stuck', () => {
    const refund = async (id: string, state: string, sentDaysAgo: number, updatedHoursAgo = 0) => {
      await db().execute(sql`INSERT INTO transactions (provider, transaction_id, status, status_rank, status_family, txn_at, final_amount)
                             VALUES ('juspay', ${id}, 'CHARGED', 1, 'success', ${NOW.toISOString()}::timestamptz - interval '20 days', 100)`);
      // Written as a later state directly: the hold the trigger takes is the point of other tests.
      await db().execute(sql`INSERT INTO refunds (transaction_row_id, provider, request_id, amount, currency, reason, state, source, expires_at, sent_at, updated_at)
                             SELECT id, 'juspay', ${`PR${id}`}, 10, 'INR', 'test', ${state}, 'console', now(),
                                    ${NOW.toISOString()}::timestamptz - make_interval(days => ${sentDaysAgo}),
                                    ${NOW.toISOString()}::timestamptz - make_interval(hours => ${updatedHoursAgo})
                               FROM transactions WHERE transaction_id = ${id}`);
    };
    it('opens for a refund with no final answer after REFUND_STUCK_DAYS, or an unknown outcome for over an hour', async () => {
      await refund('JPRSTUCK', 'pending', 9);
      await refund('JPRFRESH', 'pending', 1);
      expect(await evaluate('refunds_stuck')).toHaveLength(1);
      const [alert] = await openAlerts();
      expect(alert).toMatchObject({ key: 'juspay', title: 'Juspay: refunds without an end' });
      expect(alert.openedNumbers).toMatchObject({ stuck: 1, unknown: 0, oldestDays: 9 });
    });
    it('stays closed for refunds in flight within their time and for final ones', async () => {
      await refund('JPRDONE', 'succeeded', 30);
      await refund('JPRNEW', 'unknown', 0, 0);
      expect(await evaluate('refunds_stuck')).toEqual([]);
    });
  });

  describe('success_rate_drop', () => {
    /** The same hour on each of the last 7 days: 9 of 10 finished payments succeeded. */
    async function usualRate() {
      for (let k = 1; k <= 7; k++) {
        await addPayments(db(), { family: 'success', count: 9, from: ago(50 * MINUTE, ago(k * DAY)), to: ago(k * DAY) });
        await addPayments(db(), { family: 'failed', count: 1, from: ago(30 * MINUTE, ago(k * DAY)), to: ago(k * DAY) });
      }
      // Another hour of those days, all failed: outside the baseline.
      await addPayments(db(), { family: 'failed', count: 50, from: ago(5 * HOUR, ago(DAY)), to: ago(3 * HOUR, ago(DAY)) });
    }

    it("opens when the last hour's success rate is well below the same hour's baseline", async () => {
      await usualRate();
      await addPayments(db(), { family: 'success', count: 12, from: ago(HOUR - MINUTE), to: NOW });
      await addPayments(db(), { family: 'failed', count: 12, from: ago(HOUR - MINUTE), to: NOW });
      await addPayments(db(), { family: 'open', count: 30, from: ago(HOUR - MINUTE), to: NOW });
      expect(await evaluate('success_rate_drop')).toHaveLength(1);
      const [alert] = await openAlerts();
      expect(alert).toMatchObject({ key: 'enkash', severity: 'critical', title: 'Enkash: success rate down' });
      expect(alert.openedNumbers).toEqual({
        windowMinutes: 60, succeeded: 12, failed: 12, rate: 0.5, baselineSucceeded: 63, baselineFailed: 7, baselineRate: 0.9, drop: 0.4,
      });
      expect(alert.openedSummary).toBe('50% of 24 finished payments succeeded in the last hour, against 90% of 70 in the same hour over the last 7 days.');
    });

    it('stays closed for a small dip, and with too few payments to judge', async () => {
      await usualRate();
      await addPayments(db(), { family: 'success', count: 17, from: ago(HOUR - MINUTE), to: NOW });
      await addPayments(db(), { family: 'failed', count: 3, from: ago(HOUR - MINUTE), to: NOW }); // 85% vs 90%
      expect(await evaluate('success_rate_drop')).toEqual([]);
      await clearAlertData(db());
      await usualRate();
      await addPayments(db(), { family: 'failed', count: 10, from: ago(HOUR - MINUTE), to: NOW }); // 0%, but 10 < 20
      expect(await evaluate('success_rate_drop')).toEqual([]);
    });
  });

  describe('otp_refusals', () => {
    it('opens when OTP sends refused by a limit pass the count per hour', async () => {
      await addOtpAttempts(db(), { outcome: 'refused_payment_limit', count: 12, at: ago(10 * MINUTE) });
      await addOtpAttempts(db(), { outcome: 'refused_cooldown', count: 5, at: ago(20 * MINUTE) });
      await addOtpAttempts(db(), { outcome: 'rate_limited_by_provider', count: 3, at: ago(30 * MINUTE) });
      expect(await evaluate('otp_refusals')).toHaveLength(1);
      const [alert] = await openAlerts();
      expect(alert).toMatchObject({ key: '', severity: 'warning', title: 'OTP sends refused by limits' });
      expect(alert.openedNumbers).toEqual({ windowMinutes: 60, refused: 20, paymentLimit: 12, cooldown: 5, agentLimit: 0, globalLimit: 0, providerLimit: 3 });
      expect(alert.openedSummary).toBe("20 OTP sends refused by a limit in the last hour (12 payment budget, 5 cooldown, 3 provider's limit).");
    });

    it('stays closed for other outcomes, older refusals, and under the count', async () => {
      await addOtpAttempts(db(), { outcome: 'refused_agent_limit', count: 19, at: ago(10 * MINUTE) });
      await addOtpAttempts(db(), { outcome: 'provider_error', count: 30, at: ago(10 * MINUTE) });
      await addOtpAttempts(db(), { outcome: 'refused_not_waiting', count: 30, at: ago(10 * MINUTE) });
      await addOtpAttempts(db(), { outcome: 'refused_global_limit', count: 30, at: ago(2 * HOUR) });
      expect(await evaluate('otp_refusals')).toEqual([]);
    });
  });

  describe('jobs_failing', () => {
    it('measures nothing before pg-boss has created its tables', async () => {
      expect(await findRule('jobs_failing')!.measure(db(), { now: NOW, config: testConfig() })).toEqual([]);
      expect(await evaluate('jobs_failing')).toEqual([]);
    });

    it('opens per queue when jobs failed for good pass the count per hour, and resolves when they stop', async () => {
      const boss = await createFakePgBoss(db());
      try {
        await boss.fail('alerts.deliver', ago(10 * MINUTE));
        await boss.fail('alerts.deliver', ago(20 * MINUTE));
        await boss.fail('alerts.deliver', ago(50 * MINUTE), ago(5 * MINUTE)); // already archived
        await boss.fail('payments.verify', ago(5 * MINUTE));
        await boss.fail('payments.verify', ago(6 * MINUTE));
        await boss.fail('payments.verify', ago(2 * HOUR));
        expect(await evaluate('jobs_failing')).toHaveLength(1);
        const [alert] = await openAlerts();
        expect(alert).toMatchObject({ rule: 'jobs_failing', key: 'alerts.deliver', title: 'Background jobs failing: alerts.deliver' });
        expect(alert.openedNumbers).toEqual({ windowMinutes: 60, failed: 3 });
        // An hour later nothing failed any more: the queue is no longer measured, and its alert resolves.
        const [resolved] = await evaluate('jobs_failing', { now: later(HOUR) });
        expect(resolved).toEqual({ alertId: alert.id, transition: 'resolved' });
        expect((await allAlerts())[0].numbers).toEqual({ windowMinutes: 60, failed: 0 });
      } finally {
        await boss.drop();
      }
    });
  });

  describe('evaluation', () => {
    async function refusing(at = NOW) {
      await addDeliveries(db(), { count: 5, from: ago(3 * MINUTE, at), to: at });
      await addDeliveries(db(), { outcome: 'rejected', count: 10, from: ago(3 * MINUTE, at), to: at });
    }

    it('is idempotent: the same data and time change nothing more', async () => {
      await refusing();
      const first = await evaluate('deliveries_refused');
      const snapshot = await allAlerts();
      const audited = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM audit_log`);
      expect(await evaluate('deliveries_refused')).toEqual([]);
      expect(await evaluate('deliveries_refused')).toEqual([]);
      expect(await allAlerts()).toEqual(snapshot);
      expect(await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM audit_log`)).toEqual(audited);
      expect(first).toHaveLength(1);
    });

    it('refreshes the numbers of an alert still open, keeping the numbers that tripped it', async () => {
      await refusing();
      await evaluate('deliveries_refused');
      await addDeliveries(db(), { outcome: 'rejected', httpStatus: 400, count: 5, from: later(MINUTE), to: later(MINUTE) });
      expect(await evaluate('deliveries_refused', { now: later(MINUTE) })).toEqual([]);
      const [alert] = await allAlerts();
      expect(alert.openedNumbers).toMatchObject({ refused: 10, total: 15 });
      expect(alert.numbers).toMatchObject({ refused: 15, total: 20, invalid: 5 });
      expect(alert.lastEvaluatedAt).toEqual(later(MINUTE));
      // An evaluation that started earlier does not overwrite the later numbers.
      await evaluate('deliveries_refused');
      expect((await allAlerts())[0].numbers).toMatchObject({ refused: 15 });
    });

    it('resolves only after the condition stayed clear for resolveAfterMinutes, and between half and the threshold it holds', async () => {
      const config = { resolveAfterMinutes: 5 };
      await refusing();
      await evaluate('deliveries_refused', { config });
      // Six minutes on, the window holds 30 accepted and 4 refused: 12%, between 10% and 20% → hold.
      await addDeliveries(db(), { count: 30, from: later(2 * MINUTE), to: later(6 * MINUTE) });
      await addDeliveries(db(), { outcome: 'rejected', count: 4, from: later(2 * MINUTE), to: later(6 * MINUTE) });
      expect(await evaluate('deliveries_refused', { now: later(6 * MINUTE), config })).toEqual([]);
      expect((await openAlerts())[0].clearSince).toBeNull();
      // Clear from minute 12 (no refusal in the window) …
      await addDeliveries(db(), { count: 30, from: later(8 * MINUTE), to: later(12 * MINUTE) });
      expect(await evaluate('deliveries_refused', { now: later(12 * MINUTE), config })).toEqual([]);
      expect((await openAlerts())[0].clearSince).toEqual(later(12 * MINUTE));
      expect(await evaluate('deliveries_refused', { now: later(16 * MINUTE), config })).toEqual([]);
      // … refusing again at minute 16 resets the clock, clear again from minute 22 …
      await refusing(later(16 * MINUTE));
      expect(await evaluate('deliveries_refused', { now: later(16 * MINUTE), config })).toEqual([]);
      expect((await openAlerts())[0].clearSince).toBeNull();
      expect(await evaluate('deliveries_refused', { now: later(22 * MINUTE), config })).toEqual([]);
      expect(await evaluate('deliveries_refused', { now: later(26 * MINUTE), config })).toEqual([]);
      // … and five minutes of clear later it resolves: one alert for all of it.
      const [resolved] = await evaluate('deliveries_refused', { now: later(27 * MINUTE), config });
      expect(resolved.transition).toBe('resolved');
      const rows = await allAlerts();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ resolvedAt: later(27 * MINUTE), clearSince: later(22 * MINUTE), numbers: { refused: 0, total: 0 } });
      expect(rows[0].summary).toBe('0 of 0 deliveries refused in the last 5 min (n/a).');
    });

    it('opens a new alert when the condition comes back after a resolution', async () => {
      await refusing();
      await evaluate('deliveries_refused');
      await evaluate('deliveries_refused', { now: later(10 * MINUTE) });
      await refusing(later(20 * MINUTE));
      const [again] = await evaluate('deliveries_refused', { now: later(20 * MINUTE) });
      expect(again.transition).toBe('opened');
      expect((await allAlerts()).map((a) => a.resolvedAt === null)).toEqual([false, true]);
    });

    it('opens one alert when several instances evaluate at once', async () => {
      await refusing();
      await addDeliveries(db(), { provider: 'juspay', outcome: 'rejected', count: 10, from: ago(4 * MINUTE), to: NOW });
      const runs = await Promise.all(Array.from({ length: 4 }, () => evaluateAlerts(db(), { now: NOW, config: testConfig(), rules: rule('deliveries_refused') })));
      expect(runs.flat().map((r) => r.transition)).toEqual(['opened', 'opened']);
      expect(keys(await openAlerts())).toEqual(['deliveries_refused:enkash', 'deliveries_refused:juspay']);
      // And the database refuses a second open alert for a rule and key whoever writes it.
      await expect(
        db().insert(alerts).values({ rule: 'deliveries_refused', key: 'enkash', severity: 'critical', title: 'x', openedSummary: 'x', summary: 'x', openedNumbers: {}, numbers: {}, openedAt: NOW, lastEvaluatedAt: NOW }),
      ).rejects.toThrow();
    });

    it('records a pending webhook message and an audit row (system actor) for each transition', async () => {
      await refusing();
      const [{ before }] = await queryRows<{ before: number }>(db(), sql`SELECT coalesce(max(id), 0)::int AS before FROM audit_log`);
      const [opened] = await evaluate('deliveries_refused');
      const [resolved] = await evaluate('deliveries_refused', { now: later(10 * MINUTE) });
      const messages = await queryRows<{ alert_id: string; transition: string; state: string; attempts: number }>(
        db(),
        sql`SELECT alert_id::text, transition, state, attempts FROM alert_deliveries ORDER BY transition`,
      );
      expect(messages).toEqual([
        { alert_id: String(opened.alertId), transition: 'opened', state: 'pending', attempts: 0 },
        { alert_id: String(resolved.alertId), transition: 'resolved', state: 'pending', attempts: 0 },
      ]);
      const audit = await queryRows<{ actor: string; action: string; target: string; details: Record<string, unknown> }>(
        db(),
        sql`SELECT actor, action, target, details FROM audit_log WHERE id > ${before} ORDER BY id`,
      );
      expect(audit.map((a) => [a.actor, a.action])).toEqual([
        [ALERTS_ACTOR, 'alerts.opened'],
        [ALERTS_ACTOR, 'alerts.resolved'],
      ]);
      expect(audit[0].details).toMatchObject({ rule: 'deliveries_refused', key: 'enkash', numbers: { refused: 10 } });
      expect((await verifyAuditChain(db())).ok).toBe(true);
      // Never picked up by a sender: the sweep finds both once they are old enough.
      expect(await undeliveredTransitions(db(), { olderThan: new Date(Date.now() + MINUTE) })).toEqual([opened, resolved]);
      expect(await undeliveredTransitions(db(), { olderThan: new Date(Date.now() - MINUTE) })).toEqual([]);
    });

    it('runs every rule on an empty database without opening anything', async () => {
      expect(await evaluateAlerts(db(), { now: NOW, config: testConfig() })).toEqual([]);
      expect(ALERT_RULES.map((r) => r.name).sort()).toEqual(
        ['deliveries_refused', 'jobs_failing', 'money_past_deadline', 'otp_refusals', 'payment_disagreements', 'provider_silent', 'refunds_stuck', 'success_rate_drop'],
      );
    });

    it('skips a rule that cannot be measured and still runs the others', async () => {
      await refusing();
      const broken = { ...findRule('otp_refusals')!, measure: () => Promise.reject(new Error('boom')) };
      const errors: unknown[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => errors.push(args);
      try {
        const transitions = await evaluateAlerts(db(), { now: NOW, config: testConfig(), rules: [broken, findRule('deliveries_refused')!] });
        expect(transitions).toHaveLength(1);
      } finally {
        console.error = original;
      }
      expect(String(errors[0])).toMatch(/otp_refusals could not be measured/);
    });
  });
});
