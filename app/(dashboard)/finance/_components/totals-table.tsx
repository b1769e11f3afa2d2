import Link from 'next/link';
import { Dash, groupIndian, Money } from '@/app/_components/format';
import type { Totals } from '@/lib/finance/totals';

export interface TotalsLine {
  key: string;
  label: React.ReactNode;
  totals: Totals;
  /** The payments this line sums, on the payments list. */
  href?: string;
  /** A run of empty days shown as one line: muted, no link. */
  quiet?: boolean;
}

export function SuccessRate({ totals }: { totals: Totals }) {
  if (totals.successRate === null) return <Dash />;
  return <span title={`${totals.successCount} of ${totals.finalCount} final payments succeeded`}>{totals.successRate}%</span>;
}

const NUM = 'px-4 py-2 text-right tabular-nums whitespace-nowrap';

/** One table for every breakdown (day, status, mode): the same columns, the same grand total. */
export function TotalsTable({ caption, head, lines, total, showRate = true, currency = 'INR' }: { caption: string; head: string; lines: TotalsLine[]; total?: Totals; showRate?: boolean; currency?: string | null }) {
  const cells = (t: Totals) => (
    <>
      <td data-label="Payments" className={NUM}>{groupIndian(String(t.count))}</td>
      <td data-label="Gross" className={NUM}><Money value={t.gross} currency={currency} /></td>
      <td data-label="Refunds" className={NUM}><Money value={t.refunds} currency={currency} /></td>
      <td data-label="Net" className={NUM}><Money value={t.net} currency={currency} /></td>
      {showRate && <td data-label="Success rate" className={NUM}><SuccessRate totals={t} /></td>}
      <td data-label="MDR + GST" className={NUM}><Money value={t.fees} currency={currency} /></td>
    </>
  );
  return (
    <section className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm md:overflow-x-auto">
      <table className="stack-table w-full text-sm">
        <caption className="border-b border-slate-200 px-4 py-3 text-left text-sm font-medium text-slate-900">{caption}</caption>
        <thead className="bg-slate-50 text-xs font-medium text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2 text-left font-medium">{head}</th>
            <th scope="col" className="px-4 py-2 text-right font-medium">Payments</th>
            <th scope="col" className="px-4 py-2 text-right font-medium">Gross</th>
            <th scope="col" className="px-4 py-2 text-right font-medium">Refunds</th>
            <th scope="col" className="px-4 py-2 text-right font-medium">Net</th>
            {showRate && <th scope="col" className="px-4 py-2 text-right font-medium">Success rate</th>}
            <th scope="col" className="px-4 py-2 text-right font-medium">MDR + GST</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {lines.length === 0 && (
            <tr>
              <td colSpan={showRate ? 7 : 6} className="px-4 py-6 text-center text-slate-600">No payments in this range.</td>
            </tr>
          )}
          {lines.map((line) => (
            <tr key={line.key} className={line.quiet ? 'text-slate-600' : 'text-slate-700 hover:bg-slate-50'}>
              <th scope="row" data-label={head} className="whitespace-nowrap px-4 py-2 text-left font-normal">
                {line.href ? (
                  <Link href={line.href} prefetch={false} className="font-medium text-indigo-700 hover:underline">
                    {line.label}
                  </Link>
                ) : (
                  line.label
                )}
              </th>
              {line.quiet ? (
                <td colSpan={showRate ? 6 : 5} className="px-4 py-2 text-slate-600" data-label="">
                  No payments
                </td>
              ) : (
                cells(line.totals)
              )}
            </tr>
          ))}
        </tbody>
        {total && (
          <tfoot className="border-t border-slate-200 bg-slate-50 font-semibold text-slate-900">
            <tr>
              <th scope="row" className="px-4 py-2 text-left">Total</th>
              {cells(total)}
            </tr>
          </tfoot>
        )}
      </table>
    </section>
  );
}
