import Link from 'next/link';
import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { settlementStatement } from '@/lib/settlements/payment-line';
import { listExceptions, settlementOfPayment } from '@/lib/settlements/queries';

const TONE = {
  ok: 'border-emerald-200 bg-emerald-50 text-emerald-900',
  waiting: 'border-slate-200 bg-white text-slate-700',
  problem: 'border-amber-200 bg-amber-50 text-amber-900',
  none: 'border-slate-200 bg-white text-slate-600',
} as const;

/** One line on the payment page: where its money went (finance and admin only; the page checks). */
export async function SettlementLine({ t }: { t: { id: number; provider: string; statusFamily: string; txnAt: Date; paymentMode: string | null } }) {
  const db = await getDb();
  const [lines, exceptions] = await Promise.all([settlementOfPayment(db, t.id), listExceptions(db, { transactionRowId: t.id, state: 'all', limit: 20 })]);
  const s = settlementStatement(t, lines, exceptions, env().SETTLEMENT_DUE_DAYS);
  return (
    <section aria-label="Settlement" className={`rounded-lg border px-4 py-3 text-sm shadow-sm ${TONE[s.tone]}`}>
      <h2 className="sr-only">Settlement</h2>
      <p>
        {s.text}{' '}
        {s.link && (
          <Link href={s.link.href} prefetch={false} className="font-medium text-indigo-700 underline-offset-2 hover:underline">
            {s.link.label}
          </Link>
        )}
      </p>
    </section>
  );
}
