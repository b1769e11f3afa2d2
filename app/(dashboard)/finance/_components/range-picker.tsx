import Link from 'next/link';
import type { FinanceRange } from '@/lib/finance/range';

export interface Preset {
  label: string;
  from: string;
  to: string;
}

const hrefOf = (from: string, to: string) => `/finance?${new URLSearchParams({ from, to })}`;

/** Presets as links and a plain GET form: the range lives in the URL, no script needed. */
export function RangePicker({ range, presets }: { range: FinanceRange; presets: Preset[] }) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      <nav aria-label="Ranges" className="flex rounded-lg border border-slate-200 bg-white p-0.5 text-sm shadow-sm">
        {presets.map((p) => {
          const active = p.from === range.from && p.to === range.to;
          return (
            <Link
              key={p.label}
              href={hrefOf(p.from, p.to)}
              aria-current={active ? 'page' : undefined}
              className={`rounded-md px-3 py-1 font-medium ${active ? 'bg-slate-900 text-white' : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900'}`}
            >
              {p.label}
            </Link>
          );
        })}
      </nav>
      <form action="/finance" method="get" className="flex items-center gap-2 text-sm">
        <label className="sr-only" htmlFor="finance-from">From (IST day)</label>
        <input id="finance-from" type="date" name="from" defaultValue={range.from} required className="rounded-lg border border-slate-200 bg-white px-2 py-1 tabular-nums shadow-sm" />
        <span aria-hidden className="text-slate-400">–</span>
        <label className="sr-only" htmlFor="finance-to">To (IST day, included)</label>
        <input id="finance-to" type="date" name="to" defaultValue={range.to} required className="rounded-lg border border-slate-200 bg-white px-2 py-1 tabular-nums shadow-sm" />
        <button type="submit" className="rounded-lg border border-slate-200 bg-white px-3 py-1 font-medium text-slate-700 shadow-sm hover:bg-slate-50">
          Apply
        </button>
      </form>
    </div>
  );
}
