import Link from 'next/link';
import { Cell, DataTable } from '@/app/_components/data-table';
import { IstTime, Money } from '@/app/_components/format';
import { Select } from '@/app/_components/select';
import { BUTTON, INPUT, LABEL, LINK } from '@/app/_components/ui';
import { KIND_LABELS, NOTE_MAX, RESOLUTION_LABELS, RESOLUTIONS } from '@/lib/settlements/exceptions';
import type { ExceptionRow } from '@/lib/settlements/queries';
import { reopenExceptionAction, resolveExceptionAction } from '../actions';

const RESOLUTION_OPTIONS = Object.entries(RESOLUTIONS).map(([value, label]) => ({ value, label }));

/** What an action said, in words, above the list (`?done=` after the redirect). */
export function Notice({ done }: { done: string | undefined }) {
  if (!done) return null;
  const synced = /^synced:(\d+):(\d+):(\d+):(\d+)$/.exec(done);
  const words: Record<string, [string, 'ok' | 'warn']> = {
    resolved: ['Exception resolved. The note is kept with it and in the audit log.', 'ok'],
    reopened: ['Exception reopened.', 'ok'],
    conflict: ['Someone changed this exception meanwhile: the list below is how it is now.', 'warn'],
    need_note: ['Nothing changed: choose a resolution and say in a note what was done.', 'warn'],
    forbidden: ['Your role cannot do that.', 'warn'],
    sync_queued: ['Sync started: it is still running, reload in a minute to see its payouts.', 'ok'],
    sync_running: ['A sync is already running: reload in a minute to see its payouts.', 'ok'],
    sync_failed: ['The sync could not read Enkash’s payouts: it will be retried; see Operations for the reason.', 'warn'],
    rate_added: ['Rate added; the rate it replaces ends the day before. Reconciliation checks fees against it from now on.', 'ok'],
    rate_ended: ['Rate ended.', 'ok'],
    rate_conflict: ['Nothing changed: a rate for this mode, scheme and band already starts on or after that day, or it is already ended.', 'warn'],
    rate_invalid: ['Nothing changed: check the mode, percent, amounts and day.', 'warn'],
  };
  const [text, tone] = synced
    ? [`Synced: ${synced[1]} payout(s) in the period, ${synced[2]} new or changed; ${synced[3]} exception(s) opened, ${synced[4]} cleared.`, 'ok' as const]
    : (words[done] ?? ['Done.', 'ok' as const]);
  return (
    <p role="status" className={`rounded-lg border px-4 py-2 text-sm ${tone === 'ok' ? 'border-emerald-200 bg-emerald-50 text-emerald-900' : 'border-amber-200 bg-amber-50 text-amber-900'}`}>
      {text}
    </p>
  );
}

export function ExceptionBadge({ e }: { e: Pick<ExceptionRow, 'state' | 'kind'> }) {
  const open = e.state === 'open';
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${open ? 'bg-amber-100 text-amber-900' : 'bg-slate-100 text-slate-700'}`}>
      {KIND_LABELS[e.kind]} · {open ? 'open' : 'resolved'}
    </span>
  );
}

/**
 * Exceptions with what each is about, its money, and the form that resolves (or reopens) it. Each
 * row is an anchor (#exception-{id}) so a payment page can link straight to it.
 */
export function ExceptionTable({ rows, back, canResolve, showPayout = true }: { rows: ExceptionRow[]; back: string; canResolve: boolean; showPayout?: boolean }) {
  if (rows.length === 0) return <p className="rounded-lg border border-slate-200 bg-white px-4 py-6 text-center text-sm text-slate-600">No exceptions here.</p>;
  return (
    <DataTable headings={['Exception', 'About', ...(showPayout ? ['Payout'] : []), 'Expected', 'Actual', 'Difference', 'Opened', '']} caption="Exceptions">
      {rows.map((e) => (
        <tr key={e.id} id={`exception-${e.id}`} className="scroll-mt-4 target:bg-indigo-50">
          <Cell label="Exception" className="px-3 py-2">
            <div className="flex flex-col gap-1">
              <ExceptionBadge e={e} />
              <span className="text-slate-700">{e.summary}</span>
              {e.reopenedCount > 0 && <span className="text-xs text-amber-800">Reopened {e.reopenedCount}× (contradicted after it was resolved)</span>}
              {e.state === 'resolved' && (
                <span className="text-xs text-slate-600">
                  {RESOLUTION_LABELS[e.resolution ?? ''] ?? e.resolution}
                  {e.resolvedBy?.startsWith('user:') ? ` by ${e.resolvedByName ?? e.resolvedBy}` : ''} {e.resolvedAt && <IstTime value={e.resolvedAt} />}
                  {e.note && <>: “{e.note}”</>}
                </span>
              )}
            </div>
          </Cell>
          <Cell label="About" className="px-3 py-2 font-mono text-xs">
            {e.transactionRowId ? (
              <Link href={`/payments/${e.transactionRowId}`} prefetch={false} className={LINK}>
                {e.settlementTransactionId ?? `#${e.transactionRowId}`}
              </Link>
            ) : (
              <span title="No payment in PayOps has this id">{e.settlementTransactionId}</span>
            )}
          </Cell>
          {showPayout && (
            <Cell label="Payout" className="px-3 py-2 font-mono text-xs">
              {e.payoutRowId ? (
                <Link href={`/settlements/${e.payoutRowId}`} prefetch={false} className={LINK}>
                  {e.payoutId}
                </Link>
              ) : (
                '—'
              )}
            </Cell>
          )}
          <Cell label="Expected" className="px-3 py-2 text-right"><Money value={e.expected} /></Cell>
          <Cell label="Actual" className="px-3 py-2 text-right"><Money value={e.actual} /></Cell>
          <Cell label="Difference" className="px-3 py-2 text-right"><Money value={e.difference} /></Cell>
          <Cell label="Opened" className="whitespace-nowrap px-3 py-2 text-xs"><IstTime value={e.openedAt} /></Cell>
          <Cell label="Actions" className="px-3 py-2">
            {canResolve && e.state === 'open' && (
              <details className="min-w-56">
                <summary className={`${BUTTON.secondary} cursor-pointer list-none`}>Resolve…</summary>
                <form action={resolveExceptionAction} className="mt-2 space-y-2">
                  <input type="hidden" name="id" value={e.id} />
                  <input type="hidden" name="back" value={`${back}#exception-${e.id}`} />
                  <Select label="Resolution" name="resolution" options={RESOLUTION_OPTIONS} required />
                  <label className={LABEL}>
                    Note
                    <textarea name="note" required maxLength={NOTE_MAX} rows={2} className={`${INPUT} mt-1`} placeholder="What was done, and with whom" />
                  </label>
                  <button type="submit" className={BUTTON.primary}>Resolve</button>
                </form>
              </details>
            )}
            {canResolve && e.state === 'resolved' && e.resolution !== 'cleared' && (
              <form action={reopenExceptionAction}>
                <input type="hidden" name="id" value={e.id} />
                <input type="hidden" name="back" value={`${back}#exception-${e.id}`} />
                <button type="submit" className={BUTTON.ghost}>Reopen</button>
              </form>
            )}
          </Cell>
        </tr>
      ))}
    </DataTable>
  );
}
