import type { Alert, AlertNumbers, AlertSeverity, AlertTransitionKind } from '@/db/schema';
import { formatIst, toIsoIst } from '@/lib/time';

/**
 * The outgoing message of an alert transition: a Slack-compatible `text` line (an incoming
 * webhook shows it as is) beside the same facts as JSON for any other receiver. The body of one
 * transition is the same on every retry — only the signature's timestamp changes — so a receiver
 * may compare repeats.
 */
export interface AlertMessage {
  text: string;
  alert: {
    id: number;
    rule: string;
    key: string;
    severity: AlertSeverity;
    /** What this message announces. */
    transition: AlertTransitionKind;
    /** The alert's state as of this message: 'open' for an opening, 'resolved' for a resolution. */
    status: 'open' | 'resolved';
    title: string;
    summary: string;
    openedAt: string;
    resolvedAt: string | null;
    durationMinutes: number | null;
    /** The numbers that tripped it (opening) or the numbers at resolution. */
    numbers: AlertNumbers;
    openedNumbers: AlertNumbers;
    url: string;
  };
}

type MessageAlert = Pick<Alert, 'id' | 'rule' | 'key' | 'severity' | 'title' | 'openedSummary' | 'summary' | 'openedNumbers' | 'numbers' | 'openedAt' | 'resolvedAt'>;

const SEVERITY_MARK: Record<AlertSeverity, string> = { critical: '🔴 CRITICAL', warning: '🟠 WARNING' };

/** Slack reads `&`, `<` and `>` as markup: the three characters it asks to escape. */
export function slackEscape(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** 45 s → "1 min", 83 min → "1 h 23 min", 26 h → "1 d 2 h". To the nearest minute, never "0 min". */
export function formatDuration(ms: number): string {
  const totalMinutes = Math.max(1, Math.round(ms / 60_000));
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const mins = totalMinutes % 60;
  if (days) return hours ? `${days} d ${hours} h` : `${days} d`;
  if (hours) return mins ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}

/** `/alerts#alert-<id>` under PayOps' public address (a path prefix kept); the bare path without one. */
export function alertUrl(id: number, publicUrl?: string): string {
  const path = `alerts#alert-${id}`;
  return publicUrl ? new URL(path, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).href : `/${path}`;
}

export function buildAlertMessage(alert: MessageAlert, transition: AlertTransitionKind, options: { publicUrl?: string } = {}): AlertMessage {
  const resolved = transition === 'resolved';
  if (resolved && !alert.resolvedAt) throw new Error(`alert ${alert.id} has no resolution to announce`);
  const url = alertUrl(alert.id, options.publicUrl);
  const durationMs = resolved ? alert.resolvedAt!.getTime() - alert.openedAt.getTime() : null;
  const summary = resolved ? alert.summary : alert.openedSummary;
  const link = options.publicUrl ? ` <${url}|Open in PayOps>` : '';
  const title = slackEscape(alert.title);
  const text = resolved
    ? `✅ RESOLVED · ${SEVERITY_MARK[alert.severity].split(' ')[1]} · *${title}* after ${formatDuration(durationMs!)}. ${slackEscape(summary)} ` +
      `Opened ${formatIst(alert.openedAt)}, resolved ${formatIst(alert.resolvedAt!)}.${link}`
    : `${SEVERITY_MARK[alert.severity]} · *${title}*. ${slackEscape(summary)} Opened ${formatIst(alert.openedAt)}.${link}`;
  return {
    text,
    alert: {
      id: alert.id,
      rule: alert.rule,
      key: alert.key,
      severity: alert.severity,
      transition,
      status: resolved ? 'resolved' : 'open',
      title: alert.title,
      summary,
      openedAt: toIsoIst(alert.openedAt),
      resolvedAt: resolved ? toIsoIst(alert.resolvedAt!) : null,
      durationMinutes: durationMs === null ? null : Math.round(durationMs / 60_000),
      numbers: resolved ? alert.numbers : alert.openedNumbers,
      openedNumbers: alert.openedNumbers,
      url,
    },
  };
}
