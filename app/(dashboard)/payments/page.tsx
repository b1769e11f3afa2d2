import type { Metadata } from 'next';
import { Suspense } from 'react';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { liveSnapshot } from '@/lib/live/events';
import { parseSearchLenient, searchHref, toSearchParams } from '@/lib/payments/search-params';
import { NewPayments } from './_components/new-payments';
import { Notices } from './_components/notices';
import { PaymentResults, ResultsSkeleton } from './_components/payment-results';
import { SearchForm } from './_components/search-form';

export const metadata: Metadata = { title: 'Payments' };

export default async function PaymentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission('payments.read');
  // A bad parameter is dropped with a notice: a stale link still shows payments, never an error page.
  const { search, kept, notices } = parseSearchLenient(toSearchParams(await searchParams));
  // Read before the results: whatever is recorded after it is announced as new, not lost.
  const live = await liveSnapshot(await getDb());
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-semibold tracking-tight">Payments</h1>
        {can(user.role, 'payments.export') && (
          // A download, not a page: every matching row, streamed (app/(dashboard)/payments/export).
          <a href={searchHref('/payments/export', kept, { cursor: null })} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50">
            Export CSV
          </a>
        )}
      </div>
      <SearchForm values={kept} />
      <Notices notices={notices} />
      <NewPayments after={live.paymentId} liveFrom={live.eventId} filters={searchHref('', kept, { cursor: null }).replace(/^\?/, '')} onFirstPage={!search.cursor} />
      <Suspense key={searchHref('', kept)} fallback={<ResultsSkeleton />}>
        <PaymentResults query={{ ...search, matchNames: true }} kept={kept} />
      </Suspense>
    </div>
  );
}
