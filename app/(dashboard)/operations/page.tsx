import type { Metadata } from 'next';
import Link from 'next/link';
import { IstTime } from '@/app/_components/format';
import { DataTable } from '@/app/_components/data-table';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { listJobsNeedingAttention, listQueues } from '@/lib/jobs/operations';
import { jobAction } from './actions';

export const metadata: Metadata = { title: 'Operations' };

const NOTICES: Record<string, { ok: boolean; text: string }> = {
  retried: { ok: true, text: 'The job was queued for one more try.' },
  cancelled: { ok: true, text: 'The job was cancelled: it will not run.' },
  conflict: { ok: false, text: 'That job had already changed (another admin, or it ran). The list below is current.' },
  forbidden: { ok: false, text: 'Only admins can change jobs.' },
  invalid: { ok: false, text: 'That job could not be found.' },
};

const n = (v: number) => v.toLocaleString('en-IN');

export default async function OperationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePagePermission('operations.manage');
  const db = await getDb();
  const [queues, jobs, params] = await Promise.all([listQueues(db), listJobsNeedingAttention(db), searchParams]);
  const notice = NOTICES[String(params.done ?? '')];
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Operations</h1>
        <p className="mt-1 text-sm text-slate-600">
          Background jobs: checks with the providers, the sweeper, alerts, retention. A job that failed on a provider error or timeout is retried with backoff; one that exhausts its retries, or fails for another reason, waits here for a person.
        </p>
      </div>
      {notice && (
        <p role="status" className={`rounded-md px-3 py-2 text-sm ${notice.ok ? 'bg-emerald-50 text-emerald-800' : 'bg-amber-50 text-amber-900'}`}>
          {notice.text}
        </p>
      )}
      <section aria-labelledby="queues-h" className="space-y-2">
        <h2 id="queues-h" className="text-base font-semibold">Queues</h2>
        <DataTable headings={['Queue', 'Waiting', 'Retrying', 'Running', 'Failed', 'Done (24 h)', 'Schedule', 'Last run']}>
          {queues.map((q) => (
            <tr key={q.name} data-testid="queue-row">
              <td className="px-3 py-2">
                <div className="font-medium">{q.title}</div>
                <div className="font-mono text-xs text-slate-500">{q.name}</div>
              </td>
              <td className="px-3 py-2 tabular-nums">{n(q.counts.created)}</td>
              <td className="px-3 py-2 tabular-nums">{n(q.counts.retry)}</td>
              <td className="px-3 py-2 tabular-nums">{n(q.counts.active)}</td>
              <td className={`px-3 py-2 tabular-nums ${q.counts.failed ? 'font-semibold text-rose-700' : ''}`}>{n(q.counts.failed)}</td>
              <td className="px-3 py-2 tabular-nums">{n(q.counts.completed)}</td>
              <td className="px-3 py-2 font-mono text-xs">{q.cron ? `${q.cron} (UTC)` : 'on demand'}</td>
              <td className="px-3 py-2 text-xs">
                {q.lastRun ? (
                  <>
                    <IstTime value={q.lastRun.at} /> · {q.lastRun.state}
                    {q.lastRun.output && q.cron ? <div className="mt-0.5 break-words font-mono text-slate-500">{summarize(q.lastRun.output)}</div> : null}
                  </>
                ) : (
                  <span className="text-slate-400">not yet</span>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
      <section aria-labelledby="jobs-h" className="space-y-2">
        <h2 id="jobs-h" className="text-base font-semibold">Failed and retrying jobs</h2>
        {jobs.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="no-failed-jobs">
            Nothing failed: every job finished or is on its way.
          </p>
        ) : (
          <DataTable headings={['Job', 'State', 'Error', 'Tries', 'When (IST)', '']}>
            {jobs.map((j) => (
              <tr key={j.id} data-testid="job-row">
                <td className="px-3 py-2">
                  <div className="font-mono text-xs">{j.queue}</div>
                  <JobSubject data={j.data} />
                  <div className="font-mono text-[11px] text-slate-400">{j.id}</div>
                </td>
                <td className="px-3 py-2">
                  <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${j.state === 'failed' ? 'bg-rose-100 text-rose-800' : 'bg-amber-100 text-amber-900'}`}>
                    {j.state === 'failed' ? 'Failed' : 'Retrying'}
                  </span>
                </td>
                <td className="max-w-md px-3 py-2 text-xs break-words">{j.error ?? <span className="text-slate-400">—</span>}</td>
                <td className="px-3 py-2 text-xs tabular-nums">
                  {j.retryCount + 1} of {j.retryLimit + 1}
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-xs">
                  {j.state === 'failed' ? 'failed ' : 'next try '}
                  <IstTime value={j.at} />
                </td>
                <td className="whitespace-nowrap px-3 py-2">
                  <form action={jobAction} className="flex gap-2">
                    <input type="hidden" name="queue" value={j.queue} />
                    <input type="hidden" name="id" value={j.id} />
                    {j.state === 'failed' && (
                      <button name="action" value="retry" className="rounded-md bg-indigo-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-indigo-500">
                        Retry
                      </button>
                    )}
                    <button name="action" value="cancel" className="rounded-md border border-slate-300 px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50">
                      Cancel
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </div>
  );
}

/** What a job is about, in words: the payment it checks, or the alert it delivers. */
function JobSubject({ data }: { data: Record<string, unknown> }) {
  if (typeof data.id === 'number') {
    return (
      <Link href={`/payments/${data.id}`} className="text-sm text-indigo-700 hover:underline">
        Payment #{data.id}
        {typeof data.cause === 'string' ? ` (${data.cause})` : ''}
      </Link>
    );
  }
  if (typeof data.alertId === 'number') {
    return (
      <Link href="/alerts" className="text-sm text-indigo-700 hover:underline">
        Alert #{data.alertId} {typeof data.transition === 'string' ? data.transition : ''}
      </Link>
    );
  }
  return null;
}

function summarize(output: unknown): string {
  const text = JSON.stringify(output);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
