import { groupIndian, Money } from '@/app/_components/format';
import { dayLabel } from '@/lib/finance/chart';
import type { FinanceRange } from '@/lib/finance/range';
import type { CurrencyTotals, Totals } from '@/lib/finance/totals';
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

/**
 * The grand totals of one currency's range as headline figures, each against the same number of
 * days before: money taken (gross), given back (refunds) and kept (net) apart; payments the
 * provider contradicted counted apart, never in these figures.
 */
export function Summary({ totals, previousRange }: { totals: CurrencyTotals; previousRange: FinanceRange }) {
  const { total, previous, currency } = totals;
  const period = previousRange.days === 1 ? dayLabel(previousRange.from) : `${dayLabel(previousRange.from)} – ${dayLabel(previousRange.to)}`;
  const d = (now: string | number | null, before: string | number | null, kind: 'money' | 'count' | 'points') => <Delta now={now} before={before} kind={kind} period={period} />;
  const cur = currency || null;
  return (
    <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" aria-label={`Totals of the range${currency ? ` in ${currency}` : ''}`}>
      <Stat label="Gross" note="successful payments’ final amount" delta={d(total.gross, previous.gross, 'money')}>
        <Money value={total.gross} currency={cur} />
      </Stat>
      <Stat
        label="Refunds"
        note={total.refundUnknown > 0 ? `${groupIndian(String(total.refundUnknown))} partly refunded, amount not known yet` : 'refunded part of each payment'}
        delta={d(total.refunds, previous.refunds, 'money')}
      >
        <Money value={total.refunds} currency={cur} />
      </Stat>
      <Stat label="Net" note="gross − refunds" delta={d(total.net, previous.net, 'money')}>
        <Money value={total.net} currency={cur} />
      </Stat>
      <Stat label="Success rate" note={`${groupIndian(String(total.successCount))} of ${groupIndian(String(total.finalCount))} final payments`} delta={d(total.successRate, previous.successRate, 'points')}>
        <SuccessRate totals={total} />
      </Stat>
      <Stat label="Payments" note={`${groupIndian(String(total.count - total.finalCount))} still open`} delta={d(total.count, previous.count, 'count')}>
        {groupIndian(String(total.count))}
      </Stat>
      <Stat
        label="Unconfirmed"
        note="the provider disagreed: not in these figures"
        delta={<dd className="mt-1 text-xs text-slate-600">{groupIndian(String(totals.unconfirmed.count))} payments</dd>}
      >
        <Money value={totals.unconfirmed.amount} currency={cur} />
      </Stat>
    </dl>
  );
}
