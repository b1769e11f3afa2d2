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
    <dl className="grid grid-cols-3 gap-4" aria-label="Deliveries in the last 24 hours">
      {CARDS.map((c) => (
        <Link key={c.outcome} href={`/deliveries?outcome=${c.outcome}`} className="rounded-lg border border-slate-200 bg-white px-4 py-3 hover:border-slate-300">
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{c.label} · last 24 h</dt>
          <dd className={`mt-1 text-2xl font-semibold tabular-nums ${c.tone}`}>{counts[c.outcome].toLocaleString('en-IN')}</dd>
        </Link>
      ))}
    </dl>
  );
}
