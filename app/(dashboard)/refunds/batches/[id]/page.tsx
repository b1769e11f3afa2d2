import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Cell, DataTable } from '@/app/_components/data-table';
import { IstTime, Money } from '@/app/_components/format';
import { LiveRefresh } from '@/app/_components/live';
import { BUTTON, INPUT, LABEL, LINK } from '@/app/_components/ui';
import { getDb } from '@/db/client';
import { requirePagePermission, steppedUp } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { formulaSafe } from '@/lib/csv';
import { liveSnapshot } from '@/lib/live/events';
import { batchProgress, batchRefunds, batchRows, getBatch, sameFileBatches, VERDICT_WORDS } from '@/lib/refunds/bulk';
import { holdWords } from '@/lib/refunds/decide';
import { approveRefundBatchAction, confirmRefundBatchAction, rejectRefundBatchAction } from '../../bulk/actions';
import { refundStateLabel } from '../../_components/refund-state';
import { BATCH_STATE_WORDS, NOTICES, OUTCOME_WORDS } from './words';

export const metadata: Metadata = { title: 'Refund batch' };

const ROWS_SHOWN = 2000;

/** One uploaded file: every row's verdict, the decision buttons for this person, and the refunds' progress, live. */
export default async function RefundBatchPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission('refunds.read');
  const raw = (await params).id;
  if (!/^\d{1,15}$/.test(raw)) notFound();
  const db = await getDb();
  const batch = await getBatch(db, Number(raw));
  if (!batch) notFound();
  const [current, again, live] = await Promise.all([batchRefunds(db, batch.id), sameFileBatches(db, batch), liveSnapshot(db)]);
  const rows = batchRows(batch);
  const progress = batchProgress(current.values());
  const doneParam = (await searchParams).done;
  const notice = NOTICES[Array.isArray(doneParam) ? doneParam[0] : (doneParam ?? '')];
  const verdictCounts = rows.reduce<Record<string, number>>((acc, r) => ((acc[r.verdict] = (acc[r.verdict] ?? 0) + 1), acc), {});
  const requestedBy = [...current.values()][0]?.requestedBy ?? null;
  const uploader = batch.createdBy === user.id;
  const canConfirm = batch.state === 'draft' && can(user.role, 'refunds.request') && batch.validRows > 0;
  const canApprove = batch.state === 'requested' && can(user.role, 'refunds.approve') && !uploader && requestedBy !== user.id;
  const canReject =
    (batch.state === 'draft' && (uploader || can(user.role, 'refunds.approve'))) ||
    (batch.state === 'requested' && ((can(user.role, 'refunds.approve') && !uploader) || requestedBy === user.id));
  const heldRows = [...current.values()].filter((r) => r.state === 'requested' && r.holds.length > 0);
  return (
    <div className="space-y-5">
      <Link href="/refunds/bulk" prefetch={false} className="text-sm font-medium text-indigo-700 hover:underline">
        ← Bulk refunds
      </Link>
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-xs font-medium uppercase tracking-wide text-slate-600">Refund batch #{batch.id}</p>
          <h1 className="break-all text-xl font-semibold tracking-tight">{batch.fileName}</h1>
          <p className="mt-1 text-sm text-slate-600">
            Uploaded by {batch.uploader ?? 'someone'} <IstTime value={batch.createdAt} /> · {BATCH_STATE_WORDS[batch.state] ?? batch.state}
            {batch.decidedAt && (
              <>
                {' '}by {batch.decider ?? 'someone'} <IstTime value={batch.decidedAt} />
              </>
            )}
            {batch.decisionNote && <> · “{batch.decisionNote}”</>}
          </p>
          <p className="mt-1 font-mono text-xs text-slate-500" title="SHA-256 of the file as uploaded">
            SHA-256 {batch.fileSha256}
          </p>
        </div>
        <div className="flex items-center gap-3">
          {progress.inFlight && <LiveRefresh topics="payments" after={live.eventId} />}
          {can(user.role, 'payments.export') && (
            <a href={`/refunds/batches/${batch.id}/result`} download className={BUTTON.secondary}>
              Download result
            </a>
          )}
        </div>
      </header>
      {notice && (
        <p role="status" className={`rounded-lg border px-4 py-2 text-sm ${notice[1] === 'ok' ? 'border-emerald-200 bg-emerald-50 text-emerald-900' : 'border-amber-200 bg-amber-50 text-amber-900'}`}>
          {notice[0]}
        </p>
      )}
      {again.length > 0 && (
        <p role="status" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          The same file was uploaded before:{' '}
          {again.map((b, i) => (
            <span key={b.id}>
              {i > 0 && ', '}
              <Link href={`/refunds/batches/${b.id}`} prefetch={false} className={LINK}>
                batch #{b.id}
              </Link>{' '}
              ({BATCH_STATE_WORDS[b.state] ?? b.state})
            </span>
          ))}
          . Make sure these refunds are not asked for twice.
        </p>
      )}

      <dl className="grid grid-cols-2 gap-3 md:grid-cols-4" aria-label="Batch totals">
        {(
          [
            ['Rows', String(rows.length)],
            ['Valid rows', String(batch.validRows)],
            ['Refused rows', String(batch.invalidRows)],
          ] as const
        ).map(([label, value]) => (
          <div key={label} className="rounded-xl border border-slate-200 bg-white px-3 py-3 shadow-sm">
            <dt className="text-xs font-medium text-slate-600">{label}</dt>
            <dd className="mt-1 font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
        <div className="rounded-xl border border-slate-200 bg-white px-3 py-3 shadow-sm">
          <dt className="text-xs font-medium text-slate-600">Total of valid rows</dt>
          <dd className="mt-1 font-semibold tabular-nums"><Money value={batch.total} /></dd>
        </div>
      </dl>
      <p className="text-sm text-slate-600">
        {Object.entries(verdictCounts)
          .map(([v, n]) => `${VERDICT_WORDS[v as keyof typeof VERDICT_WORDS] ?? v}: ${n}`)
          .join(' · ')}
      </p>

      {current.size > 0 && (
        <section aria-label="Progress" className="space-y-1">
          <h2 className="text-base font-semibold">Refunds</h2>
          <p className="text-sm text-slate-700" data-testid="batch-progress">
            {Object.entries(progress.byState)
              .map(([s, n]) => `${refundStateLabel(s)}: ${n}`)
              .join(' · ')}
          </p>
        </section>
      )}

      {(canConfirm || canApprove || canReject) && (
        <section className="flex flex-wrap items-start gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          {canConfirm && (
            <form action={confirmRefundBatchAction}>
              <input type="hidden" name="batchId" value={batch.id} />
              <button type="submit" className={BUTTON.primary}>
                Confirm: ask for {batch.validRows} refund(s), <Money value={batch.total} />
              </button>
              <p className="mt-1 text-xs text-slate-600">Refused rows are left out. Someone else approves the batch next.</p>
            </form>
          )}
          {canApprove && (
            <form action={approveRefundBatchAction} className="min-w-72 flex-1 space-y-2">
              <input type="hidden" name="batchId" value={batch.id} />
              <label htmlFor="approve-note" className={LABEL}>
                Note {heldRows.length > 0 ? `(required: ${heldRows.length} row(s) with holds — ${[...new Set(heldRows.flatMap((r) => r.holds))].map(holdWords).join('; ')})` : '(optional)'}
              </label>
              <textarea id="approve-note" name="note" rows={2} maxLength={1000} required={heldRows.length > 0} className={INPUT} />
              <button type="submit" className={BUTTON.primary}>
                Approve {current.size} refund(s)
              </button>
              {!steppedUp(user) && <p className="text-xs text-slate-600">You will be asked for a code from your authenticator app first.</p>}
            </form>
          )}
          {canReject && (
            <form action={rejectRefundBatchAction} className="min-w-72 flex-1 space-y-2">
              <input type="hidden" name="batchId" value={batch.id} />
              <label htmlFor="reject-note" className={LABEL}>
                {batch.state === 'draft' ? 'Discard this draft (note optional)' : 'Why it is rejected'}
              </label>
              <textarea id="reject-note" name="note" rows={2} maxLength={1000} className={INPUT} />
              <button type="submit" className={BUTTON.secondary}>
                {batch.state === 'draft' ? 'Discard' : 'Reject the batch'}
              </button>
            </form>
          )}
        </section>
      )}

      <section className="space-y-2">
        <h2 className="text-base font-semibold">Rows</h2>
        {rows.length > ROWS_SHOWN && <p className="text-sm text-slate-600">The first {ROWS_SHOWN} of {rows.length} rows; the result CSV has every row.</p>}
        <DataTable headings={['Row', 'Transaction id', 'Amount', 'Reason', 'Verdict', 'Refund']} caption="The file's rows and their verdicts">
          {rows.slice(0, ROWS_SHOWN).map((r) => {
            const refund = r.refundId ? current.get(r.refundId) : undefined;
            return (
              <tr key={r.row}>
                <Cell label="Row" className="px-3 py-2 text-xs tabular-nums text-slate-600">{r.row}</Cell>
                <Cell label="Transaction id" className="break-all px-3 py-2 font-mono text-xs">
                  {r.paymentId ? (
                    <Link href={`/payments/${r.paymentId}`} prefetch={false} className={LINK}>
                      {formulaSafe(r.transactionId)}
                    </Link>
                  ) : (
                    formulaSafe(r.transactionId) || '—'
                  )}
                  {r.provider && <span className="ml-1 text-slate-500">({r.provider})</span>}
                </Cell>
                <Cell label="Amount" className="px-3 py-2 text-right">{r.amount ? <Money value={r.amount} /> : <span className="font-mono text-xs">{formulaSafe(r.amountText) || '—'}</span>}</Cell>
                <Cell label="Reason" className="max-w-xs break-words px-3 py-2 text-xs">{formulaSafe(r.reason) || '—'}</Cell>
                <Cell label="Verdict" className={`px-3 py-2 text-xs ${r.verdict === 'ok' ? 'text-emerald-800' : 'text-amber-800'}`}>
                  <span className="font-medium">{VERDICT_WORDS[r.verdict] ?? r.verdict}</span>
                  {r.message && <span className="block text-slate-600">{r.message}</span>}
                  {r.holds && r.holds.length > 0 && <span className="block text-slate-600">Holds: {r.holds.map(holdWords).join('; ')}</span>}
                  {r.outcome && r.outcome !== 'approved' && (
                    <span className="block text-amber-800">
                      {OUTCOME_WORDS[r.outcome] ?? r.outcome}
                      {r.outcomeMessage && <>: {r.outcomeMessage}</>}
                    </span>
                  )}
                </Cell>
                <Cell label="Refund" className="px-3 py-2 text-xs">
                  {refund ? (
                    <>
                      <span className="font-medium">{refundStateLabel(refund.state)}</span>
                      {refund.providerRefundId && <span className="block font-mono">{refund.providerRefundId}</span>}
                      {refund.arn && <span className="block font-mono">ARN {refund.arn}</span>}
                    </>
                  ) : (
                    '—'
                  )}
                </Cell>
              </tr>
            );
          })}
        </DataTable>
      </section>
    </div>
  );
}
