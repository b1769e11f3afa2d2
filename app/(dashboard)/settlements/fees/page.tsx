import type { Metadata } from 'next';
import Link from 'next/link';
import { Cell, DataTable } from '@/app/_components/data-table';
import { Money } from '@/app/_components/format';
import { BUTTON, INPUT, LABEL, LINK } from '@/app/_components/ui';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { dayLabel } from '@/lib/finance/chart';
import { todayIst } from '@/lib/finance/range';
import { modeLabel } from '@/lib/payments/labels';
import { ENKASH_PAYMENT_MODES } from '@/lib/payments/status';
import { listRates, monthlyFees } from '@/lib/settlements/fees';
import { gstByPayout } from '@/lib/settlements/queries';
import { addRateAction, endRateAction } from '../actions';
import { Notice } from '../_components/exceptions';

export const metadata: Metadata = { title: 'Fees and contract' };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const monthLabel = (m: string) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;

/**
 * The contracted MDR (admins edit it, audited; finance reads it), fees charged against it month
 * by month, and the GST on fees per payout of a month for the input-tax-credit claim.
 */
export default async function FeesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission('settlements.read');
  const params = await searchParams;
  const db = await getDb();
  const monthParam = first(params.month);
  const month = monthParam && /^\d{4}-\d{2}$/.test(monthParam) ? monthParam : todayIst().slice(0, 7);
  const [rates, months, gst] = await Promise.all([listRates(db), monthlyFees(db, { months: 12 }), gstByPayout(db, { month })]);
  const admin = can(user.role, 'fees.manage');
  return (
    <div className="space-y-6">
      <Link href="/settlements" prefetch={false} className="text-sm font-medium text-indigo-700 hover:underline">
        ← Settlements
      </Link>
      <header>
        <h1 className="text-xl font-semibold tracking-tight">Fees and contract</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every sale line’s fee is checked against the rate in force on the payment’s day (the most specific: a card scheme beats any
          scheme), GST 18 % on top; more than the tolerance above it is an exception.
        </p>
      </header>
      <Notice done={first(params.done)} />

      <section className="space-y-2">
        <h2 className="text-base font-semibold">Fees charged vs contracted, by month of payout</h2>
        <DataTable headings={['Month', 'Sale lines', 'Fees charged', 'GST charged', 'Contracted fees', 'Contracted GST', 'Above contract', 'Lines without a rate']} caption="Fees by month">
          {months.length === 0 && (
            <tr><td colSpan={8} className="px-3 py-4 text-center text-slate-600">No payouts in the last 12 months.</td></tr>
          )}
          {months.map((m) => (
            <tr key={m.month}>
              <Cell label="Month" className="px-3 py-2"><Link href={`/settlements/fees?month=${m.month}#gst`} prefetch={false} className={LINK}>{monthLabel(m.month)}</Link></Cell>
              <Cell label="Sale lines" className="px-3 py-2 text-right tabular-nums">{m.lines}</Cell>
              <Cell label="Fees charged" className="px-3 py-2 text-right"><Money value={m.charged} /></Cell>
              <Cell label="GST charged" className="px-3 py-2 text-right"><Money value={m.gst} /></Cell>
              <Cell label="Contracted fees" className="px-3 py-2 text-right"><Money value={m.contracted} /></Cell>
              <Cell label="Contracted GST" className="px-3 py-2 text-right"><Money value={m.contractedGst} /></Cell>
              <Cell label="Above contract" className={`px-3 py-2 text-right font-medium ${m.excess.startsWith('-') || /^0(\.0+)?$/.test(m.excess) ? '' : 'text-amber-800'}`}><Money value={m.excess} /></Cell>
              <Cell label="Lines without a rate" className="px-3 py-2 text-right tabular-nums">{m.uncontracted}</Cell>
            </tr>
          ))}
        </DataTable>
      </section>

      <section id="gst" className="scroll-mt-4 space-y-2">
        <h2 className="text-base font-semibold">GST on fees by payout, {monthLabel(month)} (input tax credit)</h2>
        <DataTable headings={['Payout day', 'Payout', 'UTR', 'Fees', 'GST (lines)', 'GST (payout total)']} caption="GST on fees by payout">
          {gst.length === 0 && (
            <tr><td colSpan={6} className="px-3 py-4 text-center text-slate-600">No payouts in {monthLabel(month)}.</td></tr>
          )}
          {gst.map((g) => (
            <tr key={g.payoutRowId}>
              <Cell label="Payout day" className="px-3 py-2">{dayLabel(g.payoutDay, true)}</Cell>
              <Cell label="Payout" className="px-3 py-2 font-mono text-xs"><Link href={`/settlements/${g.payoutRowId}`} prefetch={false} className={LINK}>{g.payoutId}</Link></Cell>
              <Cell label="UTR" className="px-3 py-2 font-mono text-xs">{g.utr ?? '—'}</Cell>
              <Cell label="Fees" className="px-3 py-2 text-right"><Money value={g.charges} /></Cell>
              <Cell label="GST (lines)" className="px-3 py-2 text-right"><Money value={g.gst} /></Cell>
              <Cell label="GST (payout total)" className="px-3 py-2 text-right"><Money value={g.totalGst} /></Cell>
            </tr>
          ))}
        </DataTable>
      </section>

      <section className="space-y-2">
        <h2 className="text-base font-semibold">Contracted MDR</h2>
        <DataTable headings={['Payment mode', 'Card scheme', 'Amount band', 'Rate', 'From', 'To', ...(admin ? [''] : [])]} caption="Contracted MDR rates">
          {rates.length === 0 && (
            <tr><td colSpan={admin ? 7 : 6} className="px-3 py-4 text-center text-slate-600">No rates yet: fees are not checked until an admin adds the contract.</td></tr>
          )}
          {rates.map((r) => (
            <tr key={r.id} className={r.effectiveTo ? 'text-slate-500' : ''}>
              <Cell label="Payment mode" className="px-3 py-2">{modeLabel(r.paymentMode)}</Cell>
              <Cell label="Card scheme" className="px-3 py-2">{r.cardScheme || 'any'}</Cell>
              <Cell label="Amount band" className="px-3 py-2">
                <Money value={r.minAmount} /> – {r.maxAmount ? <Money value={r.maxAmount} /> : 'any'}
              </Cell>
              <Cell label="Rate" className="px-3 py-2 tabular-nums">
                {r.percent.replace(/\.?0+$/, '')}%{Number(r.fixedFee) > 0 && <> + <Money value={r.fixedFee} /></>} + GST
              </Cell>
              <Cell label="From" className="px-3 py-2">{dayLabel(r.effectiveFrom, true)}</Cell>
              <Cell label="To" className="px-3 py-2">{r.effectiveTo ? `before ${dayLabel(r.effectiveTo, true)}` : 'in force'}</Cell>
              {admin && (
                <Cell label="Actions" className="px-3 py-2">
                  {!r.effectiveTo && (
                    <form action={endRateAction} className="flex items-end gap-2">
                      <input type="hidden" name="id" value={r.id} />
                      <label className={LABEL}>
                        End on
                        <input type="date" name="effectiveTo" required defaultValue={todayIst()} className={`${INPUT} mt-1`} />
                      </label>
                      <button type="submit" className={BUTTON.ghost}>End</button>
                    </form>
                  )}
                </Cell>
              )}
            </tr>
          ))}
        </DataTable>
        {admin && (
          <form action={addRateAction} className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm md:grid-cols-4 xl:grid-cols-8" aria-label="Add a rate">
            <label className={LABEL}>
              Payment mode
              <select name="paymentMode" required className={`${INPUT} mt-1`}>
                {[...ENKASH_PAYMENT_MODES].map((m) => (
                  <option key={m} value={m}>{modeLabel(m)}</option>
                ))}
              </select>
            </label>
            <label className={LABEL}>
              Card scheme
              <input name="cardScheme" placeholder="any" className={`${INPUT} mt-1`} />
            </label>
            <label className={LABEL}>
              From ₹
              <input name="minAmount" inputMode="decimal" placeholder="0" className={`${INPUT} mt-1`} />
            </label>
            <label className={LABEL}>
              Below ₹
              <input name="maxAmount" inputMode="decimal" placeholder="any" className={`${INPUT} mt-1`} />
            </label>
            <label className={LABEL}>
              Percent
              <input name="percent" required inputMode="decimal" placeholder="1.8" className={`${INPUT} mt-1`} />
            </label>
            <label className={LABEL}>
              Fixed ₹
              <input name="fixedFee" inputMode="decimal" placeholder="0" className={`${INPUT} mt-1`} />
            </label>
            <label className={LABEL}>
              In force from
              <input type="date" name="effectiveFrom" required defaultValue={todayIst()} className={`${INPUT} mt-1`} />
            </label>
            <div className="flex items-end">
              <button type="submit" className={BUTTON.primary}>Add rate</button>
            </div>
          </form>
        )}
      </section>
    </div>
  );
}
