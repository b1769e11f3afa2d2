'use client';

import Link from 'next/link';
import { useState } from 'react';
import { LiveIndicator, useLiveEvents, useLiveRefresh } from '@/app/_components/live';

/**
 * New deliveries appear as they are recorded: on the first page the list re-reads itself; on an
 * older page (keyset, nothing shifts under the reader) a link back to the newest says how many came.
 */
export function LiveDeliveries({ after, onFirstPage, outcome }: { after: number; onFirstPage: boolean; outcome?: string }) {
  const refresh = useLiveRefresh();
  const [missed, setMissed] = useState(0);
  const status = useLiveEvents('deliveries', after, (n) => {
    if (n.type === 'event' && outcome && n.event.kind !== outcome) return;
    if (onFirstPage) refresh();
    else if (n.type === 'event') setMissed((m) => m + 1);
  });
  return (
    <div className="flex items-center gap-3">
      {missed > 0 && !onFirstPage && (
        <Link href={outcome ? `/deliveries?outcome=${outcome}` : '/deliveries'} onClick={() => setMissed(0)} className="text-sm font-medium text-indigo-600 hover:underline">
          {missed} new {missed === 1 ? 'delivery' : 'deliveries'} — show the newest
        </Link>
      )}
      <LiveIndicator status={status} />
    </div>
  );
}
