import type { Metadata } from 'next';
import { StatusBadge } from '@/app/_components/format';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { dayLabel } from '@/lib/finance/chart';
import { addDays, financeRangeFromParams, todayIst } from '@/lib/finance/range';
import { financeTotals } from '@/lib/finance/totals';
import { RangePicker } from './_components/range-picker';
import { Summary } from './_components/summary';
import { TotalsTable } from './_components/totals-table';
import { VolumeChart } from './_components/volume-chart';

export const metadata: Metadata = { title: 'Finance' };

type Params = Record<string, string | string[] | undefined>;

export default async function FinancePage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requirePagePermission('finance.read');
  const { range, error } = financeRangeFromParams(await searchParams);
  const totals = await financeTotals(await getDb(), range);

  const today = todayIst();
  const presets = [7, 30, 90].map((n) => ({ label: `${n} days`, from: addDays(today, 1 - n), to: today }));
  const exportHref = `/payments/export?${new URLSearchParams({ from: range.from, to: range.to })}`;

  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">Finance</h1>
          <p className="mt-1 text-sm text-slate-500">
            {dayLabel(range.from, true)} – {dayLabel(range.to, true)} · IST days, both included
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <RangePicker range={range} presets={presets} />
          {can(user.role, 'payments.export') && (
            <a href={exportHref} download className="rounded-lg bg-[#635bff] px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-[#5147e5]">
              Export CSV
            </a>
          )}
        </div>
      </header>

      {error && (
        <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          The range in the address was not valid ({error}); showing the last 30 days instead.
        </p>
      )}

      <Summary total={totals.total} />
      <VolumeChart days={totals.days} />
      <p className="text-xs text-slate-500">
        Success rate counts successful payments (success, partially refunded, refunded) out of payments with a final outcome — successful,
        failed or cancelled. Payments still open (created, pending with the bank, authorised) are left out. Gross is the final amount of
        every payment; amounts are summed exactly and shown rounded to the paisa (hover for the exact value).
      </p>

      <TotalsTable
        caption="By status"
        head="Status"
        showRate={false}
        total={totals.total}
        lines={totals.byStatus.map((s) => ({ key: s.status, label: <StatusBadge status={s.status} family={s.statusFamily} />, totals: s }))}
      />
      <TotalsTable
        caption="By payment mode"
        head="Payment mode"
        total={totals.total}
        lines={totals.byMode.map((m) => ({ key: m.paymentMode ?? '', label: m.paymentMode ?? <span className="text-slate-400">Not reported</span>, totals: m }))}
      />

      <TotalsTable
        caption="By day (IST)"
        head="Day"
        total={totals.total}
        lines={totals.days.map((d) => ({ key: d.day, label: <time dateTime={d.day}>{dayLabel(d.day, true)}</time>, totals: d }))}
      />
    </div>
  );
}
