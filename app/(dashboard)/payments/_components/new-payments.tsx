'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { LiveIndicator, useCoalesced, useLiveEvents } from '@/app/_components/live';

interface Found {
  after: number;
  filters: string;
  count: number;
  capped: boolean;
}

/**
 * "3 new payments — show them": payments matching this search recorded since the page was
 * rendered (`after`, the newest payment row then), counted by the server for the page's own
 * filters whenever a payment is created. Nothing moves under the reader's eyes until asked.
 */
export function NewPayments({ after, liveFrom, filters, onFirstPage }: { after: number; liveFrom: number; filters: string; onFirstPage: boolean }) {
  const router = useRouter();
  const [found, setFound] = useState<Found | null>(null);
  const current = useRef({ after, filters });
  useEffect(() => {
    current.current = { after, filters };
  });
  const recount = useCoalesced(async () => {
    const asked = current.current;
    const res = await fetch(`/api/live/payments?after=${asked.after}${asked.filters ? `&${asked.filters}` : ''}`, { cache: 'no-store' });
    if (!res.ok) return;
    const { count, capped } = (await res.json()) as { count: number; capped: boolean };
    setFound({ ...asked, count, capped });
  });
  const status = useLiveEvents('payments', liveFrom, (n) => {
    if (n.type === 'resync' || n.event.kind === 'created') recount();
  });
  // A count for an older render (the page was refreshed, or the search changed) is stale.
  const shown = found && found.after === after && found.filters === filters && found.count > 0 ? found : null;
  const show = () => (onFirstPage ? router.refresh() : router.push(filters ? `/payments?${filters}` : '/payments'));
  return (
    <div className="flex min-h-8 items-center gap-3">
      {shown && (
        <button type="button" onClick={show} data-testid="new-payments" className="rounded-full bg-indigo-600 px-3 py-1 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">
          {shown.count.toLocaleString('en-IN')}
          {shown.capped ? '+' : ''} new {shown.count === 1 && !shown.capped ? 'payment' : 'payments'} — show them
        </button>
      )}
      <LiveIndicator status={status} />
    </div>
  );
}
