import Link from 'next/link';
import { getDb } from '@/db/client';
import type { Role } from '@/db/schema';
import { summariseOpenAlerts, visibleRulesFor } from '@/lib/alerts/queries';
import { logError } from '@/lib/log';

/** A bar above every dashboard page while an alert the role may see is open; links to /alerts. */
export async function AlertBanner({ role }: { role: Role }) {
  const rules = visibleRulesFor(role);
  if (!rules) return null;
  let summary;
  try {
    summary = await summariseOpenAlerts(await getDb(), { rules });
  } catch (err) {
    // The banner is a convenience: a failed read must not take the page down with it.
    logError('[alerts] banner: open alerts could not be read', err);
    return null;
  }
  if (summary.count === 0) return null;
  const critical = summary.critical > 0;
  const more = summary.count - summary.titles.length;
  return (
    // A landmark, not role="alert": it is on every page while open, and would be announced on each.
    <aside aria-label="Open alerts" className={`border-b ${critical ? 'border-red-200 bg-red-50 text-red-900' : 'border-amber-200 bg-amber-50 text-amber-900'}`}>
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-3 gap-y-1 px-6 py-2 text-sm">
        <span className="font-semibold">
          {summary.count === 1 ? '1 alert open' : `${summary.count} alerts open`}
          {critical && summary.critical !== summary.count ? ` (${summary.critical} critical)` : ''}:
        </span>
        <span>
          {summary.titles.join(' · ')}
          {more > 0 ? ` and ${more} more` : ''}
        </span>
        <Link href="/alerts" className="ml-auto font-medium underline underline-offset-2">
          See alerts
        </Link>
      </div>
    </aside>
  );
}
