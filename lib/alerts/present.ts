import type { AlertDelivery, AlertNumbers } from '@/db/schema';
import { formatIst } from '@/lib/time';

// The numbers of every rule (lib/alerts/rules.ts) as people read them on /alerts.
const LABELS: Record<string, string> = {
  windowMinutes: 'Window',
  minutesSilent: 'Silent for',
  lastNotificationAt: 'Last notification',
  busyDays: 'Busy days of the last 7',
  minExpected: 'Usual at least',
  before: 'In the 4 windows before',
  historyDays: 'Days of history',
  total: 'Deliveries',
  refused: 'Refused',
  unauthorized: '401 wrong secret',
  invalid: '400 unreadable',
  share: 'Refused share',
  mismatches: 'Status API disagreed',
  conflicts: 'Status conflicts',
  succeeded: 'Succeeded',
  failed: 'Failed',
  rate: 'Success rate',
  baselineSucceeded: 'Usually succeeded',
  baselineFailed: 'Usually failed',
  baselineRate: 'Usual success rate',
  drop: 'Drop',
  paymentLimit: 'Payment budget',
  cooldown: 'Cooldown',
  agentLimit: 'Agent hourly limit',
  globalLimit: 'Global hourly limit',
  providerLimit: "Provider's limit",
  pastDeadline: 'Past the RBI deadline',
  oldestDays: 'Oldest (days)',
};
const PERCENT = new Set(['share', 'rate', 'baselineRate', 'drop']);
const MINUTES = new Set(['windowMinutes', 'minutesSilent']);

const ORDER = Object.keys(LABELS);

/** The numbers labelled, in the order above (jsonb keeps keys in its own order, not the rule's). */
export function describeNumbers(numbers: AlertNumbers): { label: string; value: string }[] {
  const rank = (key: string) => (ORDER.includes(key) ? ORDER.indexOf(key) : ORDER.length);
  return Object.entries(numbers)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([key, v]) => ({ label: LABELS[key] ?? key, value: formatValue(key, v) }));
}

function formatValue(key: string, v: number | string | null): string {
  if (v === null) return '—';
  if (typeof v === 'number') {
    if (PERCENT.has(key)) return `${Math.round(v * 1000) / 10}%`;
    if (MINUTES.has(key)) return `${v.toLocaleString('en-IN')} min`;
    return v.toLocaleString('en-IN');
  }
  if (key.endsWith('At') && !Number.isNaN(Date.parse(v))) return formatIst(new Date(v));
  return v;
}

const STATE_TEXT: Record<AlertDelivery['state'], string> = {
  pending: 'waiting to be sent',
  delivered: 'delivered',
  retrying: 'not delivered yet, retrying',
  failed: 'refused by the receiver',
  not_configured: 'not sent (no ALERT_WEBHOOK_URL)',
};

/** "opened message: delivered 29 Nov 2026, 07:12:03 IST" and the like. */
export function deliveryText(d: Pick<AlertDelivery, 'transition' | 'state' | 'attempts' | 'deliveredAt' | 'lastError'>): string {
  const what = d.transition === 'opened' ? 'Opening message' : 'Resolution message';
  if (d.state === 'delivered' && d.deliveredAt) return `${what}: delivered ${formatIst(d.deliveredAt)}${d.attempts > 1 ? ` (attempt ${d.attempts})` : ''}`;
  const tries = d.attempts ? ` after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}` : '';
  return `${what}: ${STATE_TEXT[d.state]}${tries}${d.lastError ? ` — ${d.lastError}` : ''}`;
}
