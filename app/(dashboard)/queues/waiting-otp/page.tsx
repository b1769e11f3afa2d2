import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable, Cell } from '@/app/_components/data-table';
import { CardLabel, Dash, Money, StatusBadge } from '@/app/_components/format';
import { LiveRefresh } from '@/app/_components/live';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { liveSnapshot } from '@/lib/live/events';
import { providerLabel } from '@/lib/payments/labels';
import { otpLimits, describeOutcome } from '@/lib/otp/policy';
import { waitingForOtpQueue } from '@/lib/queues/waiting-otp';
import { formatIst } from '@/lib/time';
import { Age, ClosesIn, Until } from '../_components/countdown';
import { QueueKeys } from '../_components/queue-keys';
import { QueueTabs, queueTabs } from '../_components/queue-tabs';
import { countsFor } from '../data';

export const metadata: Metadata = { title: 'Waiting for OTP' };

const OUTCOME_SHORT: Record<string, string> = {
  sent: 'sent',
  validated: 'passed on',
  provider_timeout_unknown: 'no answer',
  outcome_unknown: 'unknown',
  provider_error: 'provider error',
  provider_refused: 'refused by provider',
  rate_limited_by_provider: 'provider limit',
};

/** Customers waiting for an OTP right now, newest first; live. Support and admin: they resend. */
export default async function WaitingOtpPage() {
  const user = await requirePagePermission('queues.waiting_otp');
  const db = await getDb();
  const live = await liveSnapshot(db);
  const now = new Date();
  const limits = otpLimits();
  const [rows, counts] = await Promise.all([waitingForOtpQueue(db, { now, windowMinutes: limits.windowMinutes, maxPerPayment: limits.maxPerPayment }), countsFor(user, now)]);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Waiting for OTP</h1>
        <LiveRefresh topics="payments" after={live.eventId} />
      </div>
      <QueueTabs tabs={queueTabs(counts)} current="/queues/waiting-otp" />
      <p className="text-sm text-slate-600">
        Payments waiting for the customer&rsquo;s OTP, within the {limits.windowMinutes}-minute OTP window, newest first. Open one for the OTP console; it shows as
        yours to other agents while you have it open.
      </p>
      {rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600" data-testid="queue-empty">
          Nobody is waiting for an OTP right now. New payments appear here as they arrive.
        </p>
      ) : (
        <QueueKeys label="Payments waiting for an OTP">
          <DataTable headings={['Payment', 'Age', 'Amount', 'Card', 'Provider', 'OTPs sent', 'Last attempt', 'Window closes', '']} caption="Payments waiting for an OTP">
            {rows.map((r) => (
              <tr key={r.id} data-queue-row data-payment-id={r.id} className="focus-within:bg-indigo-50">
                <Cell label="Payment" className="px-3 py-2">
                  <Link data-queue-link href={`/payments/${r.id}#otp`} prefetch={false} className="break-all font-mono text-xs font-medium text-indigo-700 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
                    {r.transactionId}
                  </Link>
                  <span className="mt-0.5 block">
                    <StatusBadge status={r.status} family="open" />
                  </span>
                </Cell>
                <Cell label="Age" className="px-3 py-2" title={formatIst(r.txnAt)}>
                  <Age from={r.txnAt.toISOString()} />
                </Cell>
                <Cell label="Amount" className="px-3 py-2">
                  <Money value={r.finalAmount} currency={r.currency} />
                </Cell>
                <Cell label="Card" className="px-3 py-2">
                  {r.cardScheme || r.cardLast4 ? <CardLabel scheme={r.cardScheme} last4={r.cardLast4} /> : <Dash />}
                </Cell>
                <Cell label="Provider" className="px-3 py-2">
                  {providerLabel(r.provider)}
                </Cell>
                <Cell label="OTPs sent" className="px-3 py-2 tabular-nums">
                  {r.sent} / {r.sendLimit}
                </Cell>
                <Cell label="Last attempt" className="px-3 py-2">
                  {r.lastAttemptAt && r.lastOutcome ? (
                    <span title={describeOutcome(r.lastOutcome, { kind: r.lastAttemptKind as never })}>
                      {OUTCOME_SHORT[r.lastOutcome] ?? r.lastOutcome.replaceAll('_', ' ')}, <Age from={r.lastAttemptAt.toISOString()} /> ago
                    </span>
                  ) : r.lastAttemptAt ? (
                    'in progress'
                  ) : (
                    <Dash />
                  )}
                </Cell>
                <Cell label="Window closes" className="px-3 py-2" title={formatIst(r.windowEndsAt)}>
                  <ClosesIn at={r.windowEndsAt.toISOString()} />
                </Cell>
                <Cell label="Who" className="px-3 py-2">
                  {r.claim && r.claim.userId !== user.id && (
                    <Until until={r.claim.expiresAt.toISOString()}>
                      <span className="whitespace-nowrap rounded-md bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-inset ring-amber-600/30" data-testid="claimed-by">
                        {r.claim.name} is on this
                      </span>
                    </Until>
                  )}
                  {r.claim && r.claim.userId === user.id && <span className="text-xs text-slate-600">You have it open</span>}
                </Cell>
              </tr>
            ))}
          </DataTable>
        </QueueKeys>
      )}
    </div>
  );
}
