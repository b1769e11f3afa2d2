import type { Metadata } from 'next';
import { Suspense } from 'react';
import { BUTTON } from '@/app/_components/ui';
import { requirePagePermission } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { addDays, todayIst } from '@/lib/finance/range';
import { modeLabel, statusLabel } from '@/lib/payments/labels';
import { parseSearchLenient, searchHref, toSearchParams } from '@/lib/payments/search-params';
import { KNOWN_PAYMENT_MODES, KNOWN_STATUSES } from '@/lib/payments/status';
import { viewsFor } from '../views-data';
import { FilterChips } from './_components/filter-chips';
import { getDb } from '@/db/client';
import { liveSnapshot } from '@/lib/live/events';
import { NewPayments } from './_components/new-payments';
import { Notices } from './_components/notices';
import { PaymentFilters, type DatePreset } from './_components/payment-filters';
import { PaymentResults, ResultsSkeleton } from './_components/payment-results';
import { SavedViews } from './_components/saved-views';

export const metadata: Metadata = { title: 'Payments' };

/** Options for a code filter: the known codes in words, plus the one the URL holds if it is another. */
const options = (codes: readonly string[], current: string | undefined, label: (c: string) => string) =>
  [...codes, ...(current && !codes.includes(current) ? [current] : [])].map((c) => ({ value: c, label: label(c) }));

function datePresets(): DatePreset[] {
  const today = todayIst();
  return [
    { label: 'Today', from: today, to: today },
    { label: 'Yesterday', from: addDays(today, -1), to: addDays(today, -1) },
    { label: 'Last 7 days', from: addDays(today, -6), to: today },
    { label: 'Last 30 days', from: addDays(today, -29), to: today },
    { label: 'This month', from: `${today.slice(0, 8)}01`, to: today },
  ];
}

export default async function PaymentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission('payments.read');
  // A bad parameter is dropped with a notice: a stale link still shows payments, never an error page.
  const { search, kept, notices } = parseSearchLenient(toSearchParams(await searchParams));
  const views = can(user.role, 'views.save') ? await viewsFor(user.id) : [];
  // Codes as the parser reads them, so a hand-typed `status=failed` shows as Failed.
  const status = kept.status?.trim().toUpperCase();
  const mode = kept.paymentMode?.trim().toUpperCase();
  const { cursor: _cursor, limit: _limit, ...filters } = kept;
  // Read before the results: whatever is recorded after it is announced as new, not lost.
  const live = await liveSnapshot(await getDb());
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Payments</h1>
        <div className="flex flex-wrap items-center gap-2">
          {can(user.role, 'views.save') && <SavedViews views={views} canShare={can(user.role, 'views.share')} canManageShared={can(user.role, 'views.manage')} />}
          {can(user.role, 'payments.export') && (
            // A download, not a page: every matching row, streamed (app/(dashboard)/payments/export).
            <a href={searchHref('/payments/export', kept, { cursor: null, limit: null })} className={BUTTON.secondary}>
              Export CSV
            </a>
          )}
        </div>
      </div>
      <PaymentFilters
        values={{ ...filters, status, paymentMode: mode }}
        statuses={options(KNOWN_STATUSES, status, statusLabel)}
        modes={options(KNOWN_PAYMENT_MODES, mode, modeLabel)}
        presets={datePresets()}
      />
      <FilterChips kept={kept} />
      <Notices notices={notices} />
      <NewPayments after={live.paymentId} liveFrom={live.eventId} filters={searchHref('', kept, { cursor: null }).replace(/^\?/, '')} onFirstPage={!search.cursor} />
      <Suspense key={searchHref('', kept)} fallback={<ResultsSkeleton />}>
        <PaymentResults query={{ ...search, matchNames: true, reviewerId: user.id }} kept={kept} />
      </Suspense>
    </div>
  );
}
