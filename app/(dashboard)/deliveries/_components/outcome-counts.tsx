import Link from 'next/link';
import { getDb } from '@/db/client';
import { countDeliveriesByOutcome } from '@/lib/deliveries/queries';

const DAY_MS = 86_400_000;
const CARDS = [
  { outcome: 'accepted', label: 'Accepted', tone: 'text-emerald-700' },
  { outcome: 'duplicate', label: 'Duplicates', tone: 'text-slate-700' },
  { outcome: 'rejected', label: 'Refused', tone: 'text-red-700' },
] as const;

export async function OutcomeCounts() {
  const counts = await countDeliveriesByOutcome(await getDb(), new Date(Date.now() - DAY_MS));
  return (
    <dl className="grid grid-cols-3 gap-2 sm:gap-4" aria-label="Deliveries in the last 24 hours">
      {CARDS.map((c) => (
        // The whole card is the link (stretched over it), while the list keeps its term and figure.
        <div key={c.outcome} className="relative rounded-lg border border-slate-200 bg-white px-3 py-3 hover:border-slate-300 sm:px-4">
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">
            {c.label}
            <span className="max-sm:sr-only"> · last 24 h</span>
          </dt>
          <dd className={`mt-1 text-2xl font-semibold tabular-nums ${c.tone}`}>
            <Link href={`/deliveries?outcome=${c.outcome}`} className="after:absolute after:inset-0">
              {counts[c.outcome].toLocaleString('en-IN')}
              <span className="sr-only"> {c.label.toLowerCase()}: show them</span>
            </Link>
          </dd>
        </div>
      ))}
    </dl>
  );
}
