import Link from 'next/link';
import type { QueueCounts } from '@/lib/queues/counts';

export interface QueueTab {
  href: string;
  label: string;
  count?: number;
}

/** The queues this role may open, with their counts; the current one marked. */
export function QueueTabs({ tabs, current }: { tabs: QueueTab[]; current: string }) {
  return (
    <nav aria-label="Queues" className="flex flex-wrap gap-1 border-b border-slate-200 pb-2">
      {tabs.map((t) => (
        <Link
          key={t.href}
          href={t.href}
          aria-current={t.href === current ? 'page' : undefined}
          className={`rounded-md px-2.5 py-1.5 text-sm font-medium ${t.href === current ? 'bg-slate-100 text-slate-900 ring-1 ring-inset ring-slate-200' : 'text-slate-600 hover:bg-slate-100'}`}
        >
          {t.label}
          {t.count !== undefined && <span className="ml-1.5 rounded-full bg-slate-200 px-1.5 text-xs tabular-nums text-slate-800">{t.count.toLocaleString('en-IN')}</span>}
        </Link>
      ))}
    </nav>
  );
}

export function queueTabs(counts: QueueCounts): QueueTab[] {
  const tabs: QueueTab[] = [];
  if (counts.waitingOtp !== undefined) tabs.push({ href: '/queues/waiting-otp', label: 'Waiting for OTP', count: counts.waitingOtp });
  if (counts.review !== undefined) tabs.push({ href: '/queues/review', label: 'Needs review', count: counts.review });
  if (counts.stuck !== undefined) tabs.push({ href: '/queues/stuck', label: 'Money stuck at the bank', count: counts.stuck });
  return tabs;
}
