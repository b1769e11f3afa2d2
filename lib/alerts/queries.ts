import { and, desc, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { alertDeliveries, alerts, type Alert, type AlertDelivery, type Role } from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { visibleRuleNames } from './rules';

export const ALERTS_PAGE_SIZE = 50;

/** The rules a role may see, or null for none: finance the money ones, admins all (permissions.ts). */
export function visibleRulesFor(role: Role): string[] | null {
  if (can(role, 'alerts.read_all')) return visibleRuleNames('all');
  if (can(role, 'alerts.read')) return visibleRuleNames('money');
  return null;
}

export type AlertRow = Alert & { deliveries: Pick<AlertDelivery, 'transition' | 'state' | 'attempts' | 'deliveredAt' | 'lastError'>[] };

/** Open alerts of these rules: critical first, then newest. The partial index alerts_open_rule_key_uq holds exactly these. */
export async function listOpenAlerts(db: DbOrTx, params: { rules: string[] }): Promise<AlertRow[]> {
  if (params.rules.length === 0) return [];
  const rows = await db
    .select()
    .from(alerts)
    .where(and(isNull(alerts.resolvedAt), inArray(alerts.rule, params.rules)))
    .orderBy(sql`${alerts.severity} = 'critical' DESC`, desc(alerts.openedAt), desc(alerts.id));
  return withDeliveries(db, rows);
}

export interface AlertHistoryPage {
  rows: AlertRow[];
  /** The id to pass as `cursor` for the next page; null on the last page. */
  nextCursor: number | null;
}

/** Resolved alerts of these rules, newest opening first, keyset-paginated on (opened_at, id). */
export async function listAlertHistory(db: DbOrTx, params: { rules: string[]; cursor?: number; limit?: number }): Promise<AlertHistoryPage> {
  if (params.rules.length === 0) return { rows: [], nextCursor: null };
  const limit = params.limit ?? ALERTS_PAGE_SIZE;
  const where: SQL[] = [isNotNull(alerts.resolvedAt), inArray(alerts.rule, params.rules)];
  if (params.cursor) where.push(sql`(${alerts.openedAt}, ${alerts.id}) < (SELECT a.opened_at, a.id FROM alerts a WHERE a.id = ${params.cursor})`);
  const rows = await db
    .select()
    .from(alerts)
    .where(and(...where))
    .orderBy(desc(alerts.openedAt), desc(alerts.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { rows: await withDeliveries(db, page), nextCursor: rows.length > limit ? page.at(-1)!.id : null };
}

export interface OpenAlertsSummary {
  count: number;
  critical: number;
  /** Titles of the first few, most severe first. */
  titles: string[];
}

/** For the banner: how many alerts are open among these rules. */
export async function summariseOpenAlerts(db: DbOrTx, params: { rules: string[] }): Promise<OpenAlertsSummary> {
  if (params.rules.length === 0) return { count: 0, critical: 0, titles: [] };
  const rows = await db
    .select({ title: alerts.title, severity: alerts.severity })
    .from(alerts)
    .where(and(isNull(alerts.resolvedAt), inArray(alerts.rule, params.rules)))
    .orderBy(sql`${alerts.severity} = 'critical' DESC`, desc(alerts.openedAt), desc(alerts.id));
  return { count: rows.length, critical: rows.filter((r) => r.severity === 'critical').length, titles: rows.slice(0, 3).map((r) => r.title) };
}

async function withDeliveries(db: DbOrTx, rows: Alert[]): Promise<AlertRow[]> {
  if (rows.length === 0) return [];
  const deliveries = await db
    .select({
      alertId: alertDeliveries.alertId,
      transition: alertDeliveries.transition,
      state: alertDeliveries.state,
      attempts: alertDeliveries.attempts,
      deliveredAt: alertDeliveries.deliveredAt,
      lastError: alertDeliveries.lastError,
    })
    .from(alertDeliveries)
    .where(inArray(alertDeliveries.alertId, rows.map((r) => r.id)))
    .orderBy(alertDeliveries.createdAt);
  return rows.map((row) => ({ ...row, deliveries: deliveries.filter((d) => d.alertId === row.id).map(({ alertId: _, ...d }) => d) }));
}
