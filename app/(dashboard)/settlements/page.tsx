import type { Metadata } from 'next';
import Link from 'next/link';
import { Cell, DataTable } from '@/app/_components/data-table';
import { groupIndian, IstTime, Money } from '@/app/_components/format';
import { BUTTON, LINK } from '@/app/_components/ui';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { dayLabel } from '@/lib/finance/chart';
import { countExceptions, listPayouts } from '@/lib/settlements/queries';
import { syncSettlementsAction } from './actions';
import { Notice } from './_components/exceptions';

export const metadata: Metadata = { title: 'Settlements' };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const PAGE = 60;

/** Enkash payouts by day: UTR, status, totals, GST on fees, how much matched, open exceptions. */
export default async function SettlementsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission('settlements.read');
  const params = await searchParams;
  const before = first(params.before);
  const db = await getDb();
  const [payouts, counts] = await Promise.all([
    listPayouts(db, { limit: PAGE + 1, before: before && /^\d{4}-\d{2}-\d{2}$/.test(before) ? before : null }),
    countExceptions(db),
  ]);
  const more = payouts.length > PAGE;
  const shown = payouts.slice(0, PAGE);
  return (
    <div className="space-y-5">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">Settlements</h1>
          <p className="mt-1 text-sm text-slate-600">
            Enkash payouts, each line reconciled with its payment. Times IST.{' '}
            <Link href="/settlements/exceptions" prefetch={false} className={LINK}>
              {groupIndian(String(counts.open))} open exception{counts.open === 1 ? '' : 's'}
            </Link>{' '}
            ·{' '}
            <Link href="/settlements/fees" prefetch={false} className={LINK}>
              Fees and contract
            </Link>
          </p>
        </div>
        {can(user.role, 'settlements.sync') && (
          <form action={syncSettlementsAction}>
            <input type="hidden" name="back" value="/settlements" />
            <button type="submit" className={BUTTON.primary}>Sync now</button>
          </form>
        )}
      </header>
      <Notice done={first(params.done)} />
      {shown.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white px-4 py-6 text-center text-sm text-slate-600">
          No payouts yet. They are fetched from Enkash every morning; “Sync now” fetches the last days at once.
        </p>
      ) : (
        <DataTable headings={['Payout day', 'Payout', 'UTR', 'Status', 'Sales', 'Refunds', 'Fees', 'GST on fees', 'Settled', 'Matched', 'Exceptions']} caption="Payouts">
          {shown.map((p) => (
            <tr key={p.id} className="hover:bg-slate-50">
              <Cell label="Payout day" className="whitespace-nowrap px-3 py-2">
                {p.payoutDay ? <time dateTime={p.payoutDay}>{dayLabel(p.payoutDay, true)}</time> : '—'}
                {p.payoutAt && (
                  <span className="block text-xs text-slate-600">
                    <IstTime value={p.payoutAt} />
                  </span>
                )}
              </Cell>
              <Cell label="Payout" className="px-3 py-2 font-mono text-xs">
                <Link href={`/settlements/${p.id}`} prefetch={false} className={LINK}>
                  {p.payoutId}
                </Link>
              </Cell>
              <Cell label="UTR" className="px-3 py-2 font-mono text-xs">{p.utr ?? '—'}</Cell>
              <Cell label="Status" className="px-3 py-2 text-xs">{[p.payoutStatus, p.payoutMode].filter(Boolean).join(' · ') || '—'}</Cell>
              <Cell label="Sales" className="px-3 py-2 text-right"><Money value={p.totalSaleAmount} currency={p.currency} /></Cell>
              <Cell label="Refunds" className="px-3 py-2 text-right"><Money value={p.totalRefundAmount} currency={p.currency} /></Cell>
              <Cell label="Fees" className="px-3 py-2 text-right"><Money value={p.totalCharges} currency={p.currency} /></Cell>
              <Cell label="GST on fees" className="px-3 py-2 text-right"><Money value={p.totalGst} currency={p.currency} /></Cell>
              <Cell label="Settled" className="px-3 py-2 text-right font-medium"><Money value={p.totalSettlementAmount} currency={p.currency} /></Cell>
              <Cell label="Matched" className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                {p.lineCount === 0 ? '—' : `${Math.floor((p.matchedLines * 1000) / p.lineCount) / 10}%`}
                <span className="block text-xs text-slate-600">
                  {groupIndian(String(p.matchedLines))} of {groupIndian(String(p.lineCount))} lines
                </span>
              </Cell>
              <Cell label="Exceptions" className="px-3 py-2 text-right">
                {p.openExceptions > 0 ? (
                  <Link href={`/settlements/${p.id}#exceptions`} prefetch={false} className="font-semibold text-amber-800 hover:underline">
                    {p.openExceptions} open
                  </Link>
                ) : (
                  <span className="text-slate-600">none open</span>
                )}
              </Cell>
            </tr>
          ))}
        </DataTable>
      )}
      {more && shown.at(-1)?.payoutDay && (
        <Link href={`/settlements?before=${shown.at(-1)!.payoutDay}`} prefetch={false} className={BUTTON.secondary}>
          Older payouts
        </Link>
      )}
    </div>
  );
}
