import type { Metadata } from 'next';
import Link from 'next/link';
import { Cell, DataTable } from '@/app/_components/data-table';
import { IstTime, Money } from '@/app/_components/format';
import { LiveRefresh } from '@/app/_components/live';
import { RelativeTime } from '@/app/_components/relative-time';
import { BUTTON } from '@/app/_components/ui';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { liveSnapshot } from '@/lib/live/events';
import { providerLabel } from '@/lib/payments/labels';
import { holdWords } from '@/lib/refunds/decide';
import { listRefunds, REFUND_TABS, type RefundTab } from '@/lib/refunds/queries';
import { RefundStateBadge } from './_components/refund-state';

export const metadata: Metadata = { title: 'Refunds' };

const TABS = Object.keys(REFUND_TABS) as RefundTab[];

/**
 * Refunds across payments: awaiting a decision (oldest first: the longest waiting is decided
 * first), in flight at the providers, and done. A refund is asked for and decided on its payment's
 * page; this is where approvers find them and support sees where the money is.
 */
export default async function RefundsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission('refunds.read');
  const sp = await searchParams;
  const tab: RefundTab = TABS.includes(sp.tab as RefundTab) ? (sp.tab as RefundTab) : 'awaiting';
  const db = await getDb();
  const live = await liveSnapshot(db);
  const { rows, counts } = await listRefunds(db, tab);
  const mayApprove = can(user.role, 'refunds.approve');
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Refunds</h1>
        <LiveRefresh topics="payments" after={live.eventId} />
        {can(user.role, 'refunds.request') && (
          <Link href="/refunds/bulk" className={`ml-auto ${BUTTON.secondary}`}>
            Bulk refunds from a CSV
          </Link>
        )}
      </div>
      <p className="max-w-3xl text-sm text-slate-600">
        Finance asks for a refund on the payment’s page; someone else {mayApprove ? '(you, or another approver)' : '(an approver)'} approves it with a fresh code from their authenticator app, and PayOps sends it and follows it until the provider says it is done.
      </p>
      <nav aria-label="Refund lists" className="flex flex-wrap gap-2 text-sm">
        {TABS.map((t) => (
          <Link
            key={t}
            href={`/refunds?tab=${t}`}
            aria-current={t === tab ? 'page' : undefined}
            className={`rounded-md px-2 py-1 ${t === tab ? 'bg-indigo-600 font-semibold text-white' : 'text-indigo-700 hover:underline'}`}
          >
            {REFUND_TABS[t].label} ({counts[t].toLocaleString('en-IN')})
          </Link>
        ))}
      </nav>
      {rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600" data-testid="refunds-empty">
          {tab === 'awaiting' ? 'No refund is waiting for a decision.' : tab === 'in_flight' ? 'No refund is on its way right now.' : 'No refund has finished yet.'}
        </p>
      ) : (
        <DataTable caption={REFUND_TABS[tab].label} headings={['Payment', 'Amount', 'State', 'Reason', 'Asked', tab === 'awaiting' ? 'Needs' : 'Decided', tab === 'awaiting' ? 'Expires' : 'Bank reference']}>
          {rows.map((r) => (
            <tr key={r.id} data-testid="refund-row" data-refund-id={r.id}>
              <Cell label="Payment" className="px-3 py-2">
                <Link href={`/payments/${r.paymentId}#refund-${r.id}`} prefetch={false} className="break-all font-mono text-xs font-medium text-indigo-700 hover:underline">
                  {r.transactionId}
                </Link>
                <span className="block text-xs text-slate-600">
                  {providerLabel(r.provider)} · of <Money value={r.paymentAmount} currency={r.currency} />
                </span>
              </Cell>
              <Cell label="Amount" className="px-3 py-2 text-right font-medium tabular-nums">
                <Money value={r.amount} currency={r.currency} />
              </Cell>
              <Cell label="State" className="px-3 py-2">
                <RefundStateBadge state={r.state} />
              </Cell>
              <Cell label="Reason" className="max-w-xs px-3 py-2 text-sm [overflow-wrap:anywhere]">
                {r.reason}
              </Cell>
              <Cell label="Asked" className="px-3 py-2 text-xs">
                {r.requestedByName ?? 'someone'}
                {r.requestedBy === user.id && ' (you)'}
                <span className="block text-slate-600">
                  <RelativeTime value={r.requestedAt.toISOString()} />
                </span>
              </Cell>
              <Cell label={tab === 'awaiting' ? 'Needs' : 'Decided'} className="px-3 py-2 text-xs">
                {tab === 'awaiting' ? (r.holds.length ? r.holds.map(holdWords).join('; ') : 'An approval') : (r.decidedByName ?? '—')}
              </Cell>
              <Cell label={tab === 'awaiting' ? 'Expires' : 'Bank reference'} className="px-3 py-2 font-mono text-xs">
                {tab === 'awaiting' ? <IstTime value={r.expiresAt} /> : (r.arn ?? '—')}
              </Cell>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
