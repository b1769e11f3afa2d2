import type { Metadata } from 'next';
import { StatusBadge } from '@/app/_components/format';
import { BUTTON } from '@/app/_components/ui';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { dayLabel } from '@/lib/finance/chart';
import { addDays, financeRangeFromParams, todayIst, type FinanceRange } from '@/lib/finance/range';
import { financeTotals, type CurrencyTotals } from '@/lib/finance/totals';
import { modeLabel } from '@/lib/payments/labels';
import { RangePicker, type Preset } from './_components/range-picker';
import { Summary } from './_components/summary';
import { TotalsTable, type TotalsLine } from './_components/totals-table';
import { VolumeChart } from './_components/volume-chart';

export const metadata: Metadata = { title: 'Finance' };

type Params = Record<string, string | string[] | undefined>;

const paymentsHref = (params: Record<string, string>) => `/payments?${new URLSearchParams(params)}`;

function presets(): Preset[] {
  const today = todayIst();
  const monthStart = `${today.slice(0, 8)}01`;
  const lastMonthEnd = addDays(monthStart, -1);
  return [
    ...[7, 30, 90].map((n) => ({ label: `${n} days`, from: addDays(today, 1 - n), to: today })),
    { label: 'This month', from: monthStart, to: today },
    { label: 'Last month', from: `${lastMonthEnd.slice(0, 8)}01`, to: lastMonthEnd },
  ];
}

/**
 * The day table: a day with payments is a line opening its payments; two or more empty days in
 * a row are one quiet line ("3 – 20 Mar"), so a long range is not dozens of rows of zeros.
 */
function dayLines(days: CurrencyTotals['days']): TotalsLine[] {
  const lines: TotalsLine[] = [];
  for (let i = 0; i < days.length; ) {
    const d = days[i];
    if (d.count > 0) {
      lines.push({ key: d.day, label: <time dateTime={d.day}>{dayLabel(d.day, true)}</time>, totals: d, href: paymentsHref({ from: d.day, to: d.day }) });
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < days.length && days[j + 1].count === 0) j++;
    const label = i === j ? dayLabel(d.day, true) : `${dayLabel(d.day, true)} – ${dayLabel(days[j].day, true)} (${j - i + 1} days)`;
    lines.push({ key: d.day, label, totals: d, quiet: true });
    i = j + 1;
  }
  return lines;
}

function CurrencyBlock({ totals, range, previousRange, several }: { totals: CurrencyTotals; range: FinanceRange; previousRange: FinanceRange; several: boolean }) {
  const within = (r: FinanceRange) => ({ from: r.from, to: r.to });
  const currency = totals.currency || null;
  const name = totals.currency || 'Currency not reported';
  return (
    <section className="space-y-6" aria-label={name}>
      {several && <h2 className="text-lg font-semibold tracking-tight">{name}</h2>}
      <Summary totals={totals} previousRange={previousRange} />
      <VolumeChart days={totals.days} />
      <TotalsTable
        caption={`By status${several ? ` (${name})` : ''}`}
        head="Status"
        showRate={false}
        currency={currency}
        total={totals.total}
        lines={totals.byStatus.map((s) => ({
          key: s.status,
          label: <StatusBadge status={s.status} family={s.statusFamily} />,
          totals: s,
          href: paymentsHref({ status: s.status, ...within(range) }),
        }))}
      />
      <TotalsTable
        caption={`By payment mode${several ? ` (${name})` : ''}`}
        head="Payment mode"
        currency={currency}
        total={totals.total}
        lines={totals.byMode.map((m) => ({
          key: m.paymentMode ?? '',
          label: m.paymentMode ? modeLabel(m.paymentMode) : <span className="text-slate-600">Not reported</span>,
          totals: m,
          href: m.paymentMode ? paymentsHref({ paymentMode: m.paymentMode, ...within(range) }) : undefined,
        }))}
      />
      <TotalsTable caption={`By day (IST)${several ? ` (${name})` : ''}`} head="Day" currency={currency} total={totals.total} lines={dayLines(totals.days)} />
    </section>
  );
}

export default async function FinancePage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requirePagePermission('finance.read');
  const { range, error } = financeRangeFromParams(await searchParams);
  const totals = await financeTotals(await getDb(), range);
  const within = (r: FinanceRange) => ({ from: r.from, to: r.to });
  const exportHref = `/payments/export?${new URLSearchParams(within(range))}`;

  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">Finance</h1>
          <p className="mt-1 text-sm text-slate-600">
            {dayLabel(range.from, true)} – {dayLabel(range.to, true)} · IST days, both included
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <RangePicker from={range.from} to={range.to} presets={presets()} />
          {can(user.role, 'payments.export') && (
            <a href={exportHref} download className={BUTTON.primary}>
              Export CSV
            </a>
          )}
        </div>
      </header>

      {error && (
        <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          The range in the address could not be shown: {error}. This is the last 30 days instead.
        </p>
      )}

      {totals.currencies.length === 0 && (
        <p className="rounded-lg border border-slate-200 bg-white px-4 py-6 text-center text-sm text-slate-600">No payments in this range or the one before.</p>
      )}
      {totals.currencies.map((c) => (
        <CurrencyBlock key={c.currency} totals={c} range={range} previousRange={totals.previousRange} several={totals.currencies.length > 1} />
      ))}
      <p className="text-xs text-slate-600">
        Gross is the final amount of successful payments (success, partially refunded, refunded); refunds are the part given back (a
        partly refunded payment counts only its refunded part, once its amount is known from a settlement); net is gross less refunds.
        Success rate counts successful payments out of payments with a final outcome — successful, failed or cancelled; payments still
        open are left out. Payments the provider contradicted (its status check disagreed, or it sent two final statuses) are counted
        apart as unconfirmed. Currencies are never added together. Amounts are summed exactly and shown rounded to the paisa (hover
        for the exact value). Each comparison is with the same number of days just before.
      </p>
    </div>
  );
}
