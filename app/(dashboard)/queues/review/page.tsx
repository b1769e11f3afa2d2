import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable, Cell } from '@/app/_components/data-table';
import { Money, StatusBadge } from '@/app/_components/format';
import { LiveRefresh } from '@/app/_components/live';
import { RelativeTime } from '@/app/_components/relative-time';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { caseKindLabel, CASE_KINDS, resolutionLabel } from '@/lib/cases/kinds';
import { CASE_VIEWS, listCases, type CaseView } from '@/lib/cases/queries';
import { liveSnapshot } from '@/lib/live/events';
import { providerLabel } from '@/lib/payments/labels';
import { CaseButton } from '../_components/case-forms';
import { CaseStateBadge } from '../_components/case-state';
import { QueueKeys } from '../_components/queue-keys';
import { QueueTabs, queueTabs } from '../_components/queue-tabs';
import { countsFor } from '../data';

export const metadata: Metadata = { title: 'Needs review' };

const VIEW_LABEL: Record<CaseView, string> = { open: 'Open', mine: 'Mine', resolved: 'Resolved' };
const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)_(\d{1,15})$/;

/** Every flag as a case: open (oldest first), mine, resolved (latest first). */
export default async function ReviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission('cases.read');
  const sp = await searchParams;
  const view: CaseView = CASE_VIEWS.includes(sp.view as CaseView) ? (sp.view as CaseView) : 'open';
  const kind = typeof sp.kind === 'string' && Object.hasOwn(CASE_KINDS, sp.kind) ? sp.kind : null;
  const m = typeof sp.after === 'string' ? CURSOR.exec(sp.after) : null;
  const db = await getDb();
  const live = await liveSnapshot(db);
  const [page, counts] = await Promise.all([listCases(db, { view, userId: user.id, kind, after: m ? { at: m[1], id: Number(m[2]) } : null }), countsFor(user)]);
  const href = (v: CaseView, extra: Record<string, string> = {}) => `/queues/review?${new URLSearchParams({ view: v, ...(kind ? { kind } : {}), ...extra })}`;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Needs review</h1>
        <LiveRefresh topics="payments" after={live.eventId} />
      </div>
      <QueueTabs tabs={queueTabs(counts)} current="/queues/review" />
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-slate-600">Show:</span>
        {CASE_VIEWS.map((v) => (
          <Link key={v} href={href(v)} aria-current={v === view ? 'page' : undefined} className={`rounded-md px-2 py-1 ${v === view ? 'bg-indigo-600 font-semibold text-white' : 'text-indigo-700 hover:underline'}`}>
            {VIEW_LABEL[v]}
            {v === 'mine' && counts.mine !== undefined ? ` (${counts.mine})` : ''}
          </Link>
        ))}
        {kind && (
          <Link href={`/queues/review?view=${view}`} className="ml-2 rounded-md bg-slate-100 px-2 py-1 text-slate-800 hover:underline">
            {caseKindLabel(kind)} ✕
          </Link>
        )}
      </div>
      {page.rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600" data-testid="queue-empty">
          {view === 'resolved' ? 'No resolved cases yet.' : view === 'mine' ? 'You have no cases. Take one from Open.' : 'Nothing needs review. Flags become cases here as they are raised.'}
        </p>
      ) : (
        <QueueKeys label="Cases">
          <DataTable headings={['Payment', 'Flag', 'Case', 'Who', view === 'resolved' ? 'Resolved' : 'Opened', 'Amount', '']} caption="Cases">
            {page.rows.map((c) => (
              <tr key={c.id} data-queue-row data-case-id={c.id} className="focus-within:bg-indigo-50">
                <Cell label="Payment" className="px-3 py-2">
                  <Link data-queue-link href={`/payments/${c.payment.id}#case-${c.id}`} prefetch={false} className="break-all font-mono text-xs font-medium text-indigo-700 hover:underline">
                    {c.payment.transactionId}
                  </Link>
                  <span className="mt-0.5 flex flex-wrap items-center gap-1 text-xs text-slate-600">
                    {providerLabel(c.payment.provider)} <StatusBadge status={c.payment.status} family={c.payment.statusFamily} />
                  </span>
                </Cell>
                <Cell label="Flag" className="px-3 py-2">
                  <Link href={href(view, { kind: c.kind })} className="hover:underline">
                    {caseKindLabel(c.kind)}
                  </Link>
                </Cell>
                <Cell label="Case" className="px-3 py-2">
                  <CaseStateBadge state={c.state} />
                  {c.resolution && <span className="mt-0.5 block text-xs text-slate-600">{resolutionLabel(c.resolution)}</span>}
                  {c.reopenCount > 0 && <span className="mt-0.5 block text-xs text-slate-600">reopened {c.reopenCount}×</span>}
                </Cell>
                <Cell label="Who" className="px-3 py-2">
                  {c.assigneeId === user.id ? 'You' : (c.assigneeName ?? <span className="text-slate-600">Nobody yet</span>)}
                </Cell>
                <Cell label={view === 'resolved' ? 'Resolved' : 'Opened'} className="px-3 py-2">
                  <RelativeTime value={(view === 'resolved' && c.resolvedAt ? c.resolvedAt : c.openedAt).toISOString()} />
                </Cell>
                <Cell label="Amount" className="px-3 py-2">
                  <Money value={c.payment.finalAmount} currency={c.payment.currency} />
                </Cell>
                <Cell label="Action" className="px-3 py-2">
                  {c.state !== 'resolved' && c.assigneeId !== user.id && <CaseButton caseId={c.id} version={c.version} action="assign" label={c.assigneeId ? 'Take over' : 'Take it'} />}
                </Cell>
              </tr>
            ))}
          </DataTable>
        </QueueKeys>
      )}
      {page.next && (
        <Link className="inline-block text-sm font-medium text-indigo-700 hover:underline" href={href(view, { after: `${page.next.at}_${page.next.id}` })}>
          Next page →
        </Link>
      )}
    </div>
  );
}
