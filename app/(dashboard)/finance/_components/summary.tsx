import { groupIndian, Money } from '@/app/_components/format';
import { dayLabel } from '@/lib/finance/chart';
import type { FinanceTotals, Totals } from '@/lib/finance/totals';
import { moneyUnits } from '@/lib/finance/chart';
import { SuccessRate } from './totals-table';

/** The change against the previous period, in words and colour: "▲ 12.5% vs 1–30 Jan". */
function Delta({ now, before, kind, period }: { now: string | number | null; before: string | number | null; kind: 'money' | 'count' | 'points'; period: string }) {
  if (now === null || before === null) return <dd className="mt-1 text-xs text-slate-600">{before === null ? `no final payments in ${period}` : 'no comparison'}</dd>;
  let text: string;
  let up: boolean | null;
  if (kind === 'points') {
    const diff = Math.round((Number(now) - Number(before)) * 10) / 10;
    up = diff === 0 ? null : diff > 0;
    text = diff === 0 ? 'no change' : `${diff > 0 ? '▲' : '▼'} ${Math.abs(diff).toFixed(1)} points`;
  } else {
    // Exact units (BigInt) for money; a percentage is only ever for the eye.
    const a = kind === 'money' ? moneyUnits(String(now)) : BigInt(now);
    const b = kind === 'money' ? moneyUnits(String(before)) : BigInt(before);
    if (b === 0n) {
      if (a !== 0n) return <dd className="mt-1 text-xs text-slate-600">{`none in ${period}`}</dd>;
      up = null;
      text = 'no change';
    } else {
      const permille = Number(((a - b) * 1000n) / b);
      up = permille === 0 ? null : permille > 0;
      text = permille === 0 ? 'no change' : `${permille > 0 ? '▲' : '▼'} ${(Math.abs(permille) / 10).toFixed(1)}%`;
    }
  }
  const tone = up === null ? 'text-slate-600' : up ? 'text-emerald-700' : 'text-red-700';
  return (
    <dd className={`mt-1 text-xs ${tone}`}>
      {text} <span className="text-slate-600">vs {period}</span>
    </dd>
  );
}

function Stat({ label, note, children, delta }: { label: string; note?: string; children: React.ReactNode; delta?: React.ReactNode }) {
  return (
    <div className="min-w-0 rounded-xl border border-slate-200 bg-white px-3 py-3 shadow-sm sm:px-4">
      <dt className="text-xs font-medium text-slate-600">{label}</dt>
      <dd className="mt-1 text-lg font-semibold tracking-tight text-slate-900 tabular-nums sm:text-xl">{children}</dd>
      {delta}
      {note && <dd className="mt-1 text-xs text-slate-600">{note}</dd>}
    </div>
  );
}

/** The grand totals of the range as headline figures, each against the same number of days before. */
export function Summary({ total, previous }: { total: Totals; previous: FinanceTotals['previous'] }) {
  const period = previous.range.days === 1 ? dayLabel(previous.range.from) : `${dayLabel(previous.range.from)} – ${dayLabel(previous.range.to)}`;
  const d = (now: string | number | null, before: string | number | null, kind: 'money' | 'count' | 'points') => <Delta now={now} before={before} kind={kind} period={period} />;
  return (
    <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" aria-label="Totals of the range">
      <Stat label="Gross volume" note="final amount, every status" delta={d(total.gross, previous.gross, 'money')}>
        <Money value={total.gross} />
      </Stat>
      <Stat label="Successful" note="success, partially refunded, refunded" delta={d(total.successful, previous.successful, 'money')}>
        <Money value={total.successful} />
      </Stat>
      <Stat label="Success rate" note={`${groupIndian(String(total.successCount))} of ${groupIndian(String(total.finalCount))} final payments`} delta={d(total.successRate, previous.successRate, 'points')}>
        <SuccessRate totals={total} />
      </Stat>
      <Stat label="Payments" note={`${groupIndian(String(total.count - total.finalCount))} still open`} delta={d(total.count, previous.count, 'count')}>
        {groupIndian(String(total.count))}
      </Stat>
      <Stat label="MDR + GST" note="every status" delta={d(total.mdrGst, previous.mdrGst, 'money')}>
        <Money value={total.mdrGst} />
      </Stat>
      <Stat label="Surcharge collected" note="incl. GST, successful payments" delta={d(total.surcharge, previous.surcharge, 'money')}>
        <Money value={total.surcharge} />
      </Stat>
    </dl>
  );
}
