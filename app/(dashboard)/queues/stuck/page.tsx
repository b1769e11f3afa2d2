import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable, Cell } from '@/app/_components/data-table';
import { CardLabel, Money, StatusBadge } from '@/app/_components/format';
import { LiveRefresh } from '@/app/_components/live';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { liveSnapshot } from '@/lib/live/events';
import { modeLabel, providerLabel } from '@/lib/payments/labels';
import { stuckAtBankQueue } from '@/lib/queues/stuck';
import { TAT_RULES } from '@/lib/queues/tat';
import { formatIst, formatIstDate } from '@/lib/time';
import { QueueKeys } from '../_components/queue-keys';
import { QueueTabs, queueTabs } from '../_components/queue-tabs';
import { countsFor } from '../data';

export const metadata: Metadata = { title: 'Money stuck at the bank' };

const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)_(\d{1,15})$/;

/** Customers who may have been debited for a payment that is not final, oldest first, against the RBI turnaround. */
export default async function StuckPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission('queues.stuck');
  const sp = await searchParams;
  const m = typeof sp.after === 'string' ? CURSOR.exec(sp.after) : null;
  const db = await getDb();
  const live = await liveSnapshot(db);
  const now = new Date();
  const [page, counts] = await Promise.all([stuckAtBankQueue(db, { now, after: m ? { txnAt: m[1], id: Number(m[2]) } : null }), countsFor(user, now)]);
  const rule = TAT_RULES[TAT_RULES.length - 1];
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Money stuck at the bank</h1>
        <LiveRefresh topics="payments" after={live.eventId} />
      </div>
      <QueueTabs tabs={queueTabs(counts)} current="/queues/stuck" />
      <p className="text-sm text-slate-600">
        Payments where the customer may have been debited but the payment is not final (pending with the bank, authorised, authorising, or failed after a success was
        reported), oldest first. RBI turnaround (circular of 20 Sep 2019) — {rule.label.toLowerCase()}: the money must be back by T+{rule.reverseWithinDays} days,
        then ₹{rule.compensationPerDayRupees} per day of delay is owed to the customer.{' '}
        {counts.stuckPastDeadline !== undefined && (
          <strong className="font-semibold text-red-800" data-testid="past-deadline-count">
            {counts.stuckPastDeadline.toLocaleString('en-IN')} past the deadline.
          </strong>
        )}
      </p>
      {page.rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600" data-testid="queue-empty">
          No money is stuck at the bank.
        </p>
      ) : (
        <QueueKeys label="Payments with money stuck at the bank">
          <DataTable headings={['Payment', 'Amount', 'Method', 'Days', 'Back by', 'Compensation']} caption="Payments with money stuck at the bank">
            {page.rows.map((r) => (
              <tr key={r.id} data-queue-row data-past-deadline={r.tat.pastDeadline || undefined} className={`focus-within:bg-indigo-50 ${r.tat.pastDeadline ? 'bg-red-50' : ''}`}>
                <Cell label="Payment" className="px-3 py-2">
                  <Link data-queue-link href={`/payments/${r.id}`} prefetch={false} className="break-all font-mono text-xs font-medium text-indigo-700 hover:underline">
                    {r.transactionId}
                  </Link>
                  <span className="mt-0.5 flex flex-wrap items-center gap-1 text-xs text-slate-600">
                    {providerLabel(r.provider)} <StatusBadge status={r.status} family={r.statusFamily} />
                  </span>
                </Cell>
                <Cell label="Amount" className="px-3 py-2">
                  <Money value={r.finalAmount} currency={r.currency} />
                </Cell>
                <Cell label="Method" className="px-3 py-2">
                  {r.paymentMode ? modeLabel(r.paymentMode) : '—'}
                  {(r.cardScheme || r.cardLast4) && (
                    <span className="block text-xs text-slate-600">
                      <CardLabel scheme={r.cardScheme} last4={r.cardLast4} />
                    </span>
                  )}
                </Cell>
                <Cell label="Days" className="px-3 py-2 tabular-nums" title={formatIst(r.txnAt)}>
                  {r.tat.daysElapsed} {r.tat.daysElapsed === 1 ? 'day' : 'days'}
                </Cell>
                <Cell label="Back by" className="px-3 py-2">
                  <span className={r.tat.pastDeadline ? 'font-semibold text-red-800' : ''}>{formatIstDate(r.tat.returnBy)}</span>
                  {r.tat.pastDeadline && <span className="block text-xs font-medium text-red-800">past deadline, {r.tat.daysLate} {r.tat.daysLate === 1 ? 'day' : 'days'} late</span>}
                </Cell>
                <Cell label="Compensation" className="px-3 py-2">
                  {r.tat.pastDeadline ? <Money value={r.tat.compensation} className="font-semibold text-red-800" /> : <span className="text-slate-600">none yet</span>}
                </Cell>
              </tr>
            ))}
          </DataTable>
        </QueueKeys>
      )}
      {page.next && (
        <Link className="inline-block text-sm font-medium text-indigo-700 hover:underline" href={`/queues/stuck?after=${page.next.txnAt}_${page.next.id}`}>
          Next page →
        </Link>
      )}
    </div>
  );
}
