'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { someoneIsThere } from './live';

export interface NavLink {
  href: string;
  label: string;
  /** The queue count shown beside it (a key of `counts`). */
  badge?: string;
}

/** How often the nav's queue counts are re-read while someone is using the tab (queue pages also re-read them live). */
const COUNTS_EVERY_MS = 15_000;

/**
 * The queue counts: as the server rendered them (a live page's re-read brings new ones), and re-read
 * from /api/queues/counts every 15 s while the tab is in use — a poll rather than one more event
 * stream, since a browser allows few streams per site and the page already holds one.
 */
function useCounts(initial: Record<string, number | undefined>) {
  const [counts, setCounts] = useState(initial);
  useEffect(() => setCounts(initial), [initial]);
  const wanted = Object.keys(initial).length > 0;
  useEffect(() => {
    if (!wanted) return;
    let lastActive = Date.now();
    const active = () => void (lastActive = Date.now());
    window.addEventListener('pointermove', active, { passive: true });
    window.addEventListener('keydown', active, { passive: true });
    const t = setInterval(async () => {
      if (!someoneIsThere(Date.now(), lastActive, document.visibilityState === 'visible')) return;
      try {
        const res = await fetch('/api/queues/counts', { cache: 'no-store' });
        if (res.ok) setCounts(await res.json());
      } catch {
        // the next tick tries again
      }
    }, COUNTS_EVERY_MS);
    return () => {
      clearInterval(t);
      window.removeEventListener('pointermove', active);
      window.removeEventListener('keydown', active);
    };
  }, [wanted]);
  return counts;
}

const BASE = 'whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium';
const IDLE = `${BASE} text-slate-600 hover:bg-slate-100 hover:text-slate-900`;
const CURRENT = `${BASE} bg-slate-100 text-slate-900 ring-1 ring-inset ring-slate-200`;

/** The main navigation with the current page marked (aria-current), and the views this person pinned. */
export function NavLinks({ items, views, counts: initialCounts = {} }: { items: NavLink[]; views: { id: number; name: string; query: string }[]; counts?: Record<string, number | undefined> }) {
  const pathname = usePathname();
  const counts = useCounts(initialCounts);
  const search = useSearchParams().toString();
  const activeView = pathname === '/payments' ? views.find((v) => v.query === search) : undefined;
  const isCurrent = (href: string) => !activeView && (pathname === href || pathname.startsWith(`${href}/`));
  return (
    <nav aria-label="Main" className="flex flex-wrap items-center gap-1">
      {items.map((item) => (
        <Link key={item.href} href={item.href} aria-current={isCurrent(item.href) ? 'page' : undefined} className={isCurrent(item.href) ? CURRENT : IDLE}>
          {item.label}
          {item.badge && counts[item.badge] !== undefined && (
            <span className="ml-1.5 rounded-full bg-slate-200 px-1.5 text-xs tabular-nums text-slate-800" data-testid={`badge-${item.badge}`}>
              <span className="sr-only">: </span>
              {counts[item.badge]!.toLocaleString('en-IN')}
            </span>
          )}
        </Link>
      ))}
      {views.length > 0 && (
        <span className="flex flex-wrap items-center gap-1 border-l border-slate-200 pl-1" aria-label="Pinned views" role="group">
          {views.map((v) => {
            const current = activeView?.id === v.id;
            return (
              <Link
                key={v.id}
                href={v.query ? `/payments?${v.query}` : '/payments'}
                prefetch={false}
                aria-current={current ? 'page' : undefined}
                className={`${current ? CURRENT : IDLE} max-w-48 truncate`}
                title={v.name}
              >
                <span aria-hidden className="mr-1 text-amber-600">★</span>
                {v.name}
              </Link>
            );
          })}
        </span>
      )}
    </nav>
  );
}
