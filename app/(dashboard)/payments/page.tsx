import type { Metadata } from 'next';
import { Suspense } from 'react';
import { requirePagePermission } from '@/lib/auth/guards';
import { parseSearchLenient, searchHref, toSearchParams } from '@/lib/payments/search-params';
import { Notices } from './_components/notices';
import { PaymentResults, ResultsSkeleton } from './_components/payment-results';
import { SearchForm } from './_components/search-form';

export const metadata: Metadata = { title: 'Payments' };

export default async function PaymentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePagePermission('payments.read');
  // A bad parameter is dropped with a notice: a stale link still shows payments, never an error page.
  const { search, kept, notices } = parseSearchLenient(toSearchParams(await searchParams));
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold tracking-tight">Payments</h1>
      <SearchForm values={kept} />
      <Notices notices={notices} />
      <Suspense key={searchHref('', kept)} fallback={<ResultsSkeleton />}>
        <PaymentResults query={{ ...search, matchNames: true }} kept={kept} />
      </Suspense>
    </div>
  );
}
