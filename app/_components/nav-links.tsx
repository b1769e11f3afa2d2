'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';

export interface NavLink {
  href: string;
  label: string;
}

const BASE = 'whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium';
const IDLE = `${BASE} text-slate-600 hover:bg-slate-100 hover:text-slate-900`;
const CURRENT = `${BASE} bg-slate-100 text-slate-900 ring-1 ring-inset ring-slate-200`;

/** The main navigation with the current page marked (aria-current), and the views this person pinned. */
export function NavLinks({ items, views }: { items: NavLink[]; views: { id: number; name: string; query: string }[] }) {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  const activeView = pathname === '/payments' ? views.find((v) => v.query === search) : undefined;
  const isCurrent = (href: string) => !activeView && (pathname === href || pathname.startsWith(`${href}/`));
  return (
    <nav aria-label="Main" className="flex flex-wrap items-center gap-1">
      {items.map((item) => (
        <Link key={item.href} href={item.href} aria-current={isCurrent(item.href) ? 'page' : undefined} className={isCurrent(item.href) ? CURRENT : IDLE}>
          {item.label}
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
