import Link from 'next/link';
import { Suspense } from 'react';
import { CardLabel, IstTime, Money, StatusBadge } from '@/app/_components/format';
import { getDb } from '@/db/client';
import { countTransactions, searchTransactions, type TransactionQuery } from '@/lib/payments/queries';
import { searchHref, type SearchField } from '@/lib/payments/search-params';
import { FlagBadges } from './flags';

type Kept = Partial<Record<SearchField, string>>;

/** One page of the search. The caller (the page) has already checked 'payments.read'. */
export async function PaymentResults({ query, kept }: { query: TransactionQuery; kept: Kept }) {
  const page = await searchTransactions(await getDb(), query);
  const pager = <Pager kept={kept} next={page.nextCursor} prev={page.prevCursor} atFirst={!query.cursor} />;
  return (
    <section aria-label="Payments found" className="space-y-3">
      <div className="flex items-center justify-between">
        <p className="text-sm text-slate-600" data-testid="result-count">
          <Suspense fallback="Counting…">
            <PaymentCount query={query} />
          </Suspense>
        </p>
        {pager}
      </div>
      {page.rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center text-sm text-slate-600">
          No payments match this search.{' '}
          <Link href="/payments" prefetch={false} className="font-medium text-indigo-600 hover:underline">
            Show all payments
          </Link>
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-3 py-2">Time (IST)</th>
                <th scope="col" className="px-3 py-2">Ids</th>
                <th scope="col" className="px-3 py-2 text-right">Final amount</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2">Mode</th>
                <th scope="col" className="px-3 py-2">Card</th>
                <th scope="col" className="px-3 py-2">Flags</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.rows.map((t) => (
                <tr key={t.id} className="align-top hover:bg-slate-50">
                  <td className="whitespace-nowrap px-3 py-2 text-slate-700">
                    <IstTime value={t.txnAt} />
                  </td>
                  <td className="px-3 py-2">
                    <Link href={`/payments/${t.id}`} prefetch={false} className="font-mono text-xs font-medium text-indigo-700 hover:underline">
                      {t.transactionId}
                    </Link>
                    <div className="font-mono text-[11px] text-slate-500">
                      {[t.orderId && `order ${t.orderId}`, t.uniqueTransactionId && `unique ${t.uniqueTransactionId}`, t.provider !== 'enkash' && t.provider]
                        .filter(Boolean)
                        .map((text, i) => (
                          <span key={i} className="whitespace-nowrap">
                            {i > 0 && ' · '}
                            {text}
                          </span>
                        ))}
                    </div>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right">
                    <Money value={t.finalAmount} currency={t.currency} />
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={t.status} family={t.statusFamily} />
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-xs text-slate-700">{t.paymentMode?.replaceAll('_', ' ') ?? '—'}</td>
                  <td className="px-3 py-2">
                    <CardLabel scheme={t.cardScheme} last4={t.cardLast4} />
                    {t.cardholderName && <div className="max-w-48 truncate text-[11px] text-slate-500">{t.cardholderName}</div>}
                  </td>
                  <td className="px-3 py-2">
                    <FlagBadges flags={t.flags} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.rows.length > 10 && <div className="flex justify-end">{pager}</div>}
    </section>
  );
}

/** "1,234 payments", or "10,000+" past the cap: an exact count of a broad search is not worth its cost. */
async function PaymentCount({ query }: { query: TransactionQuery }) {
  const { count, capped } = await countTransactions(await getDb(), query);
  const n = count.toLocaleString('en-IN');
  return (
    <>
      {capped ? `${n}+` : n} {count === 1 && !capped ? 'payment' : 'payments'}
    </>
  );
}

// No prefetching: each page and payment is a dynamic render with queries; fifty rows in view
// would mean fifty payment pages rendered for every list shown.
const LINK = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-700 shadow-sm hover:bg-slate-50';
const OFF = 'rounded-md border border-slate-200 px-3 py-1.5 text-slate-400';

function Pager({ kept, next, prev, atFirst }: { kept: Kept; next: string | null; prev: string | null; atFirst: boolean }) {
  return (
    <nav aria-label="Pages" className="flex gap-2 text-sm">
      {atFirst ? <span className={OFF}>Newest</span> : <Link href={searchHref('/payments', kept, { cursor: null })} prefetch={false} className={LINK}>Newest</Link>}
      {prev ? <Link href={searchHref('/payments', kept, { cursor: prev })} prefetch={false} className={LINK} rel="prev">← Previous</Link> : <span className={OFF}>← Previous</span>}
      {next ? <Link href={searchHref('/payments', kept, { cursor: next })} prefetch={false} className={LINK} rel="next">Next →</Link> : <span className={OFF}>Next →</span>}
    </nav>
  );
}

export function ResultsSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading payments" className="space-y-2">
      <div className="h-5 w-40 animate-pulse rounded bg-slate-200" />
      <div className="h-96 animate-pulse rounded-lg border border-slate-200 bg-white" />
    </div>
  );
}
