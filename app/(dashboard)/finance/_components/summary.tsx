import { groupIndian, Money } from '@/app/_components/format';
import type { Totals } from '@/lib/finance/totals';
import { SuccessRate } from './totals-table';

function Stat({ label, note, children }: { label: string; note?: string; children: React.ReactNode }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tracking-tight text-slate-900 tabular-nums">{children}</dd>
      {note && <dd className="mt-1 text-xs text-slate-500">{note}</dd>}
    </div>
  );
}

/** The grand totals of the range, as headline figures. */
export function Summary({ total }: { total: Totals }) {
  return (
    <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
      <Stat label="Gross volume" note="final amount, every status"><Money value={total.gross} /></Stat>
      <Stat label="Successful" note="success, partially refunded, refunded"><Money value={total.successful} /></Stat>
      <Stat label="Success rate" note={`${groupIndian(String(total.successCount))} of ${groupIndian(String(total.finalCount))} final payments`}>
        <SuccessRate totals={total} />
      </Stat>
      <Stat label="Payments" note={`${groupIndian(String(total.count - total.finalCount))} still open`}>{groupIndian(String(total.count))}</Stat>
      <Stat label="MDR + GST" note="every status"><Money value={total.mdrGst} /></Stat>
      <Stat label="Surcharge collected" note="incl. GST, successful payments"><Money value={total.surcharge} /></Stat>
    </dl>
  );
}
