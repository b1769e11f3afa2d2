import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertDeliveries, alerts } from '@/db/schema';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { deliveryText, describeNumbers } from './present';
import { listAlertHistory, listOpenAlerts, summariseOpenAlerts, visibleRulesFor } from './queries';

describe('who sees which alerts', () => {
  it('admins every rule, finance the money ones, support none', () => {
    expect(visibleRulesFor('admin')).toEqual(['provider_silent', 'deliveries_refused', 'success_rate_drop', 'payment_disagreements', 'money_past_deadline', 'refunds_stuck', 'jobs_failing', 'otp_refusals']);
    expect(visibleRulesFor('finance')).toEqual(['success_rate_drop', 'payment_disagreements', 'money_past_deadline', 'refunds_stuck']);
    expect(visibleRulesFor('support')).toBeNull();
  });
});

describe.each(await testDatabaseKinds())('alert queries on $kind', ({ create }) => {
  let t: TestDb;
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 6, minute));
  const ids: Record<string, number> = {};
  const ALL = visibleRulesFor('admin')!;

  beforeAll(async () => {
    t = await create();
    const add = async (name: string, rule: string, severity: 'critical' | 'warning', opened: number, resolved: number | null) => {
      const [row] = await t.handle.db
        .insert(alerts)
        .values({
          rule, key: name, severity, title: `${name} title`, openedSummary: `${name} opened`, summary: `${name} now`,
          openedNumbers: { windowMinutes: 5, share: 0.25 }, numbers: { windowMinutes: 5, share: 0 },
          openedAt: at(opened), lastEvaluatedAt: at(resolved ?? opened), resolvedAt: resolved === null ? null : at(resolved),
        })
        .returning({ id: alerts.id });
      ids[name] = row.id;
      await t.handle.db.insert(alertDeliveries).values({ alertId: row.id, transition: 'opened', state: 'delivered', attempts: 2, deliveredAt: at(opened) });
    };
    await add('openWarning', 'jobs_failing', 'warning', 30, null);
    await add('openCritical', 'deliveries_refused', 'critical', 10, null);
    await add('openMoney', 'payment_disagreements', 'warning', 20, null);
    for (let i = 0; i < 5; i++) await add(`old${i}`, i % 2 ? 'success_rate_drop' : 'provider_silent', 'critical', i, i + 30);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('lists open alerts critical first, then newest, each with its messages', async () => {
    const open = await listOpenAlerts(t.handle.db, { rules: ALL });
    expect(open.map((a) => a.key)).toEqual(['openCritical', 'openWarning', 'openMoney']);
    expect(open[0].deliveries).toEqual([{ transition: 'opened', state: 'delivered', attempts: 2, deliveredAt: at(10), lastError: null }]);
    expect((await listOpenAlerts(t.handle.db, { rules: visibleRulesFor('finance')! })).map((a) => a.key)).toEqual(['openMoney']);
    expect(await listOpenAlerts(t.handle.db, { rules: [] })).toEqual([]);
  });

  it('pages through the history newest opening first without skipping or repeating', async () => {
    const seen: string[] = [];
    let cursor: number | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await listAlertHistory(t.handle.db, { rules: ALL, cursor, limit: 2 });
      seen.push(...page.rows.map((r) => r.key));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(['old4', 'old3', 'old2', 'old1', 'old0']);
    expect((await listAlertHistory(t.handle.db, { rules: ['success_rate_drop'] })).rows.map((r) => r.key)).toEqual(['old3', 'old1']);
  });

  it('summarises the open ones for the banner', async () => {
    expect(await summariseOpenAlerts(t.handle.db, { rules: ALL })).toEqual({ count: 3, critical: 1, titles: ['openCritical title', 'openWarning title', 'openMoney title'] });
    expect(await summariseOpenAlerts(t.handle.db, { rules: visibleRulesFor('finance')! })).toEqual({ count: 1, critical: 0, titles: ['openMoney title'] });
  });

  it('says the numbers and the message state in words', () => {
    expect(describeNumbers({ rate: null, share: 0.25, busyDays: 6, windowMinutes: 5, lastNotificationAt: '2026-11-20T06:10:00.000Z', extra: 1 })).toEqual([
      { label: 'Window', value: '5 min' },
      { label: 'Last notification', value: '20 Nov 2026, 11:40:00 IST' },
      { label: 'Busy days of the last 7', value: '6' },
      { label: 'Refused share', value: '25%' },
      { label: 'Success rate', value: '—' },
      { label: 'extra', value: '1' },
    ]);
    expect(deliveryText({ transition: 'opened', state: 'delivered', attempts: 2, deliveredAt: at(10), lastError: null })).toBe(
      'Opening message: delivered 20 Nov 2026, 11:40:00 IST (attempt 2)',
    );
    expect(deliveryText({ transition: 'resolved', state: 'retrying', attempts: 3, deliveredAt: null, lastError: 'HTTP 503: the receiver is unavailable; tried again later' })).toBe(
      'Resolution message: not delivered yet, retrying after 3 attempts — HTTP 503: the receiver is unavailable; tried again later',
    );
  });
});
