import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Cell, DataTable } from '@/app/_components/data-table';
import { groupIndian, IstTime, Money, StatusBadge } from '@/app/_components/format';
import { BUTTON, LINK } from '@/app/_components/ui';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { getPayout, listExceptions, payoutLines } from '@/lib/settlements/queries';
import { ExceptionTable, Notice } from '../_components/exceptions';

export const metadata: Metadata = { title: 'Payout' };

const OUTCOME: Record<string, [string, string]> = {
  matched: ['Matched', 'text-emerald-800'],
  amount_differs: ['Amount differs', 'text-amber-800'],
  unknown_payment: ['Unknown to PayOps', 'text-amber-800'],
  settled_twice: ['Settled twice', 'text-amber-800'],
  excess_fee: ['Fee above contract', 'text-amber-800'],
  unchecked: ['Not checked yet', 'text-slate-600'],
};
const LINES_SHOWN = 500;

/** One payout: its totals, its exceptions first, then every line linked to its payment. */
export default async function PayoutPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission('settlements.read');
  const raw = (await params).id;
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : null;
  if (id === null) notFound();
  const db = await getDb();
  const payout = await getPayout(db, id);
  if (!payout) notFound();
  const [lines, exceptions] = await Promise.all([payoutLines(db, id, { limit: LINES_SHOWN }), listExceptions(db, { payoutRowId: id, state: 'all' })]);
  const done = (await searchParams).done;
  const c = payout.currency;
  return (
    <div className="space-y-5">
      <Link href="/settlements" prefetch={false} className="text-sm font-medium text-indigo-700 hover:underline">
        ← Settlements
      </Link>
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-xs font-medium uppercase tracking-wide text-slate-600">Enkash payout</p>
          <h1 className="font-mono text-xl font-semibold tracking-tight">{payout.payoutId}</h1>
          <p className="mt-1 text-sm text-slate-600">
            {payout.payoutAt ? <>Paid <IstTime value={payout.payoutAt} /></> : 'Not paid yet'} · UTR <span className="font-mono">{payout.utr ?? '—'}</span> ·{' '}
            {[payout.payoutStatus, payout.payoutMode].filter(Boolean).join(' · ')}
            {payout.transferResponseReason && <> · {payout.transferResponseReason}</>}
          </p>
        </div>
        {can(user.role, 'settlements.export') && (
          <a href={`/settlements/${payout.id}/export`} download className={BUTTON.secondary}>
            Export CSV
          </a>
        )}
      </header>
      <Notice done={Array.isArray(done) ? done[0] : done} />
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-8" aria-label="Payout totals">
        {(
          [
            ['Sales', payout.totalSaleAmount],
            ['Refunds', payout.totalRefundAmount],
            ['Fees', payout.totalCharges],
            ['GST on fees', payout.totalGst],
            ['Chargebacks', payout.refundChargebackAmount],
            ['Adjustments', payout.adjustmentAmount],
            ['Carried forward', payout.carryForwardAmount],
            ['Settled', payout.totalSettlementAmount],
          ] as const
        ).map(([label, value]) => (
          <div key={label} className="rounded-xl border border-slate-200 bg-white px-3 py-3 shadow-sm">
            <dt className="text-xs font-medium text-slate-600">{label}</dt>
            <dd className="mt-1 font-semibold tabular-nums"><Money value={value} currency={c} /></dd>
          </div>
        ))}
      </dl>
      <p className="text-xs text-slate-600">
        GST on fees is input tax the merchant can claim: it is listed per payout in the CSV and in{' '}
        <Link href="/settlements/fees" prefetch={false} className={LINK}>Fees</Link>.
        {' '}{groupIndian(String(payout.matchedLines))} of {groupIndian(String(payout.lineCount))} lines matched their payment exactly.
      </p>

      <section id="exceptions" className="scroll-mt-4 space-y-2">
        <h2 className="text-base font-semibold">Exceptions</h2>
        <ExceptionTable rows={exceptions} back={`/settlements/${payout.id}`} canResolve={can(user.role, 'settlements.resolve')} showPayout={false} />
      </section>

      <section className="space-y-2">
        <h2 className="text-base font-semibold">Lines</h2>
        {payout.lineCount > LINES_SHOWN && (
          <p className="text-sm text-slate-600">
            The first {LINES_SHOWN} of {groupIndian(String(payout.lineCount))} lines, those with a problem first; the CSV has every line.
          </p>
        )}
        <DataTable headings={['#', 'Payment', 'Type', 'Outcome', 'Sale', 'Payment amount', 'Fee', 'GST', 'Contracted fee + GST', 'Settled']} caption="Payout lines">
          {lines.map((l) => {
            const [label, tone] = OUTCOME[l.outcome] ?? [l.outcome, 'text-slate-700'];
            return (
              <tr key={l.id}>
                <Cell label="#" className="px-3 py-2 text-xs text-slate-600 tabular-nums">{l.lineNo}</Cell>
                <Cell label="Payment" className="px-3 py-2 font-mono text-xs">
                  {l.transactionRowId ? (
                    <Link href={`/payments/${l.transactionRowId}`} prefetch={false} className={LINK}>
                      {l.settlementTransactionId}
                    </Link>
                  ) : (
                    l.settlementTransactionId
                  )}
                  {l.paymentStatus && (
                    <span className="ml-1 align-middle">
                      <StatusBadge status={l.paymentStatus} family={l.paymentStatusFamily ?? 'open'} />
                    </span>
                  )}
                </Cell>
                <Cell label="Type" className="px-3 py-2 text-xs">{l.transactionType ?? '—'}</Cell>
                <Cell label="Outcome" className={`px-3 py-2 text-xs font-medium ${tone}`}>{label}</Cell>
                <Cell label="Sale" className="px-3 py-2 text-right"><Money value={l.saleAmount} currency={c} /></Cell>
                <Cell label="Payment amount" className="px-3 py-2 text-right"><Money value={l.paymentAmount} currency={c} /></Cell>
                <Cell label="Fee" className="px-3 py-2 text-right"><Money value={l.charges} currency={c} /></Cell>
                <Cell label="GST" className="px-3 py-2 text-right"><Money value={l.taxAmount} currency={c} /></Cell>
                <Cell label="Contracted fee + GST" className="px-3 py-2 text-right">
                  {l.expectedCharges !== null ? (
                    <>
                      <Money value={l.expectedCharges} currency={c} /> + <Money value={l.expectedTax} currency={c} />
                    </>
                  ) : (
                    <span className="text-xs text-slate-600">{l.transactionType === 'SALE' && l.transactionRowId ? 'no contracted rate' : '—'}</span>
                  )}
                </Cell>
                <Cell label="Settled" className="px-3 py-2 text-right"><Money value={l.settlementAmount} currency={c} /></Cell>
              </tr>
            );
          })}
        </DataTable>
      </section>
    </div>
  );
}
