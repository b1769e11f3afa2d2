import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { parseDeliverySearch, type DeliverySearch } from '@/lib/deliveries/search-params';
import { DeliverySearch as DeliverySearchForm } from './_components/delivery-search';
import { liveSnapshot } from '@/lib/live/events';
import { DeliveryTable } from './_components/delivery-table';
import { LiveDeliveries } from './_components/live-deliveries';
import { OutcomeCounts } from './_components/outcome-counts';

export const metadata: Metadata = { title: 'Deliveries' };

const FILTERS: { label: string; outcome?: DeliverySearch['outcome'] }[] = [
  { label: 'All' },
  { label: 'Refused only', outcome: 'rejected' },
  { label: 'Accepted', outcome: 'accepted' },
  { label: 'Duplicates', outcome: 'duplicate' },
];

export default async function DeliveriesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePagePermission('deliveries.read');
  const { search, invalid } = parseDeliverySearch(await searchParams);
  const live = await liveSnapshot(await getDb());
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Webhook deliveries</h1>
        <p className="mt-1 text-sm text-slate-600">Every request that reached a webhook, newest first: accepted, duplicate or refused, and why.</p>
        <div className="mt-2">
          <LiveDeliveries after={live.eventId} onFirstPage={!search.cursor} outcome={search.outcome} />
        </div>
      </div>
      <Suspense fallback={<div className="h-20 animate-pulse rounded-lg bg-slate-100" />}>
        <OutcomeCounts />
      </Suspense>
      <div className="flex flex-wrap items-center justify-between gap-3">
      <nav aria-label="Filter by outcome" className="flex flex-wrap gap-1 text-sm">
        {FILTERS.map((f) => {
          const current = search.outcome === f.outcome;
          const params = new URLSearchParams(Object.entries({ outcome: f.outcome, q: search.q }).filter((e): e is [string, string] => !!e[1]));
          return (
            <Link
              key={f.label}
              href={params.size ? `/deliveries?${params}` : '/deliveries'}
              aria-current={current ? 'page' : undefined}
              className={`rounded-md px-3 py-1.5 font-medium ${current ? 'bg-slate-900 text-white' : 'text-slate-600 hover:bg-slate-100'}`}
            >
              {f.label}
            </Link>
          );
        })}
      </nav>
        <div className="w-full md:w-96">
          <DeliverySearchForm q={search.q} outcome={search.outcome} />
        </div>
      </div>
      {invalid && (
        <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
          The address had a filter or page this list does not understand; showing all deliveries.
        </p>
      )}
      <Suspense key={JSON.stringify(search)} fallback={<p className="text-sm text-slate-600">Loading deliveries…</p>}>
        <DeliveryTable search={search} />
      </Suspense>
    </div>
  );
}
