'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { INPUT } from '@/app/_components/ui';

export interface Preset {
  label: string;
  from: string;
  to: string;
}

const hrefOf = (from: string, to: string) => `/finance?${new URLSearchParams({ from, to })}`;

/**
 * The range: presets and two days, all in the URL. The days always show the range on screen —
 * after a preset, Back, or a fallback — because they follow the URL, and a changed day applies
 * at once (an end before the start waits until the other day is changed too).
 */
export function RangePicker({ from, to, presets }: { from: string; to: string; presets: Preset[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const key = `${from}|${to}`;
  const [synced, setSynced] = useState(key);
  const [days, setDays] = useState({ from, to });
  if (synced !== key) {
    setSynced(key);
    setDays({ from, to });
  }
  const go = (next: { from: string; to: string }) => startTransition(() => router.push(hrefOf(next.from, next.to)));
  const change = (field: 'from' | 'to', value: string) => {
    const next = { ...days, [field]: value };
    setDays(next);
    if (next.from && next.to && next.from <= next.to) go(next);
  };
  return (
    <div className="flex flex-wrap items-center gap-3" aria-busy={pending}>
      <nav aria-label="Ranges" className="flex flex-wrap rounded-lg border border-slate-200 bg-white p-0.5 text-sm shadow-sm">
        {presets.map((p) => {
          const active = p.from === from && p.to === to;
          return (
            <a
              key={p.label}
              href={hrefOf(p.from, p.to)}
              onClick={(e) => {
                e.preventDefault();
                setDays({ from: p.from, to: p.to });
                go(p);
              }}
              aria-current={active ? 'page' : undefined}
              className={`rounded-md px-2.5 py-1 font-medium ${active ? 'bg-slate-900 text-white' : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900'}`}
            >
              {p.label}
            </a>
          );
        })}
      </nav>
      <form
        className="flex items-center gap-2 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          if (days.from && days.to) go(days);
        }}
      >
        <label className="sr-only" htmlFor="finance-from">
          From (IST day)
        </label>
        <input id="finance-from" type="date" name="from" value={days.from} max={days.to || undefined} required onChange={(e) => change('from', e.target.value)} className={`${INPUT} w-36 tabular-nums`} />
        <span aria-hidden className="text-slate-500">
          –
        </span>
        <label className="sr-only" htmlFor="finance-to">
          To (IST day, included)
        </label>
        <input id="finance-to" type="date" name="to" value={days.to} min={days.from || undefined} required onChange={(e) => change('to', e.target.value)} className={`${INPUT} w-36 tabular-nums`} />
        <button type="submit" className="sr-only">
          Apply
        </button>
      </form>
    </div>
  );
}
