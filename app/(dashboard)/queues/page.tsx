import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { sql } from 'drizzle-orm';
import { LiveRefresh } from '@/app/_components/live';
import { getDb, queryRows } from '@/db/client';
import { requireUser } from '@/lib/auth/guards';
import { liveSnapshot } from '@/lib/live/events';
import { QueueTabs, queueTabs } from './_components/queue-tabs';
import { countsFor } from './data';

export const metadata: Metadata = { title: 'Queues' };

/** The queues at a glance; for admins with an operations summary (open alerts, failed jobs, the last hour's payments). */
export default async function QueuesPage() {
  const user = await requireUser();
  const db = await getDb();
  const live = await liveSnapshot(db);
  const counts = await countsFor(user);
  const tabs = queueTabs(counts);
  if (tabs.length === 0) redirect('/payments');
  const ops =
    user.role === 'admin'
      ? (
          await queryRows<{ alerts: number; failed_jobs: number | null; last_hour: number; unconfirmed: number }>(
            db,
            sql`SELECT (SELECT count(*)::int FROM alerts WHERE resolved_at IS NULL) AS alerts,
                       (SELECT count(*)::int FROM transactions WHERE txn_at > now() - interval '1 hour') AS last_hour,
                       (SELECT count(*)::int FROM transactions WHERE txn_at > now() - interval '1 hour' AND verification IN ('unconfirmed', 'error')) AS unconfirmed,
                       CASE WHEN to_regclass('pgboss.job') IS NULL THEN NULL
                            ELSE (SELECT count(*)::int FROM pgboss.job WHERE state = 'failed' AND completed_on > now() - interval '1 day') END AS failed_jobs`,
          )
        )[0]
      : null;
  const cards: { href: string; label: string; count?: number; words: string }[] = [
    { href: '/queues/waiting-otp', label: 'Waiting for OTP', count: counts.waitingOtp, words: 'customers waiting for an OTP right now' },
    { href: '/queues/review', label: 'Needs review', count: counts.review, words: 'open cases' },
    { href: '/queues/stuck', label: 'Money stuck at the bank', count: counts.stuck, words: `payments, ${counts.stuckPastDeadline ?? 0} past the RBI deadline` },
  ].filter((c) => c.count !== undefined);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Queues</h1>
        <LiveRefresh topics="payments" after={live.eventId} />
      </div>
      <QueueTabs tabs={tabs} current="/queues" />
      <ul className="grid gap-3 sm:grid-cols-3">
        {cards.map((c) => (
          <li key={c.href} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <Link href={c.href} className="text-sm font-semibold text-indigo-700 hover:underline">
              {c.label}
            </Link>
            <p className="mt-1 text-2xl font-semibold tabular-nums">{(c.count ?? 0).toLocaleString('en-IN')}</p>
            <p className="text-xs text-slate-600">{c.words}</p>
          </li>
        ))}
      </ul>
      {ops && (
        <section aria-labelledby="ops-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 id="ops-heading" className="text-sm font-semibold">
            Operations
          </h2>
          <dl className="mt-2 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
            <div>
              <dt className="text-xs text-slate-600">Open alerts</dt>
              <dd className="text-lg font-semibold tabular-nums">
                <Link href="/alerts" className="hover:underline">{ops.alerts}</Link>
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-600">Jobs failed (24 h)</dt>
              <dd className="text-lg font-semibold tabular-nums">
                <Link href="/operations" className="hover:underline">{ops.failed_jobs ?? '—'}</Link>
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-600">Payments (last hour)</dt>
              <dd className="text-lg font-semibold tabular-nums">{ops.last_hour}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-600">Not yet confirmed (last hour)</dt>
              <dd className="text-lg font-semibold tabular-nums">{ops.unconfirmed}</dd>
            </div>
          </dl>
        </section>
      )}
    </div>
  );
}
