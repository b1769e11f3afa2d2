import Link from 'next/link';
import { Suspense } from 'react';
import { CopyButton } from '@/app/_components/copy-button';
import { CardLabel, Money, Mode, StatusBadge } from '@/app/_components/format';
import { RelativeTime } from '@/app/_components/relative-time';
import { RowLinks } from '@/app/_components/row-links';
import { getDb } from '@/db/client';
import type { Transaction } from '@/db/schema';
import { displayName, providerLabel } from '@/lib/payments/labels';
import { countTransactions, searchTransactions, type TransactionQuery } from '@/lib/payments/queries';
import { classifyQuery, searchHref, type SearchField, type Sort } from '@/lib/payments/search-params';
import { caseStatesFor } from '@/lib/cases/queries';
import { FlagBadges } from './flags';

type Kept = Partial<Record<SearchField, string>>;
const n = (v: number) => v.toLocaleString('en-IN');

/** One page of the search. The caller (the page) has already checked 'payments.read'. */
export async function PaymentResults({ query, kept }: { query: TransactionQuery; kept: Kept }) {
  const page = await searchTransactions(await getDb(), query);
  const caseStates = await caseStatesFor(await getDb(), page.rows.filter((t) => t.flags.length > 0).map((t) => t.id));
  const pager = <Pager kept={kept} next={page.nextCursor} prev={page.prevCursor} atFirst={!query.cursor} />;
  const sort: Sort = query.sort ?? 'newest';
  return (
    <section aria-label="Payments found" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-slate-600" data-testid="result-count" aria-live="polite">
          {page.rows.length > 0 && (
            <>
              <span className="font-medium text-slate-900">
                {n(page.start + 1)}–{n(page.start + page.rows.length)}
              </span>{' '}
              of{' '}
            </>
          )}
          <Suspense fallback="…">
            <PaymentCount query={query} />
          </Suspense>
        </p>
        {pager}
      </div>
      {page.rows.length === 0 ? (
        <NoPayments query={query} />
      ) : (
        <RowLinks className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="payments-table w-full text-sm lg:table-fixed">
            <colgroup>
              <col className="w-36" />
              <col />
              <col className="w-44" />
              <col className="w-32" />
              <col className="w-32" />
              <col className="w-40" />
              <col className="w-48" />
            </colgroup>
            <thead className="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
              <tr>
                <SortHeader kept={kept} sort={sort} column="time" />
                <th scope="col" className="px-3 py-2">Payment</th>
                <th scope="col" className="px-3 py-2">Customer</th>
                <th scope="col" className="px-3 py-2">Method</th>
                <SortHeader kept={kept} sort={sort} column="amount" />
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2">Flags</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.rows.map((t) => (
                <PaymentRow key={t.id} t={t} cases={caseStates.get(t.id)} />
              ))}
            </tbody>
          </table>
        </RowLinks>
      )}
      {page.rows.length > 10 && <div className="flex justify-end">{pager}</div>}
    </section>
  );
}

/**
 * One payment: a table row from 1024 px, a two-column card below (id and amount, time and status,
 * customer and method, flags), so a phone shows what matters without scrolling sideways.
 */
function PaymentRow({ t, cases }: { t: Transaction; cases?: Record<string, string> }) {
  const name = displayName(t.cardholderName);
  const secondary = [t.orderId && `order ${t.orderId}`, t.provider !== 'enkash' && providerLabel(t.provider)].filter(Boolean).join(' · ');
  // Layout (table, or a card below 1024 px) is `.payments-table` in app/globals.css.
  return (
    <tr data-href={`/payments/${t.id}`} data-testid="payment-row" className="cursor-pointer hover:bg-slate-50">
      <td className="whitespace-nowrap text-slate-700">
        <RelativeTime value={t.txnAt.toISOString()} />
      </td>
      <td className="min-w-0">
        <div className="flex min-w-0 items-center gap-1">
          <Link href={`/payments/${t.id}`} prefetch={false} title={t.transactionId} className="truncate font-mono text-xs font-medium text-indigo-700 hover:underline">
            {t.transactionId}
          </Link>
          <CopyButton value={t.transactionId} label="transaction id" />
        </div>
        {secondary && <div className="wide-only truncate font-mono text-[11px] text-slate-600">{secondary}</div>}
      </td>
      <td className="min-w-0">
        {name ? <div className="truncate text-slate-800">{name}</div> : <div className="text-xs text-slate-600">No name given</div>}
        {(t.cardScheme || t.cardLast4) && (
          <div className="wide-only text-xs text-slate-600">
            <CardLabel scheme={t.cardScheme} last4={t.cardLast4} />
          </div>
        )}
      </td>
      <td className="text-xs text-slate-700">
        <Mode mode={t.paymentMode} />
        {t.cardLast4 && <span className="narrow-only"> •••• {t.cardLast4}</span>}
      </td>
      <td className="font-medium text-slate-900">
        <Money value={t.finalAmount} currency={t.currency} />
      </td>
      <td>
        <StatusBadge status={t.status} family={t.statusFamily} />
      </td>
      <td>
        <FlagBadges flags={t.flags} cases={cases} />
      </td>
    </tr>
  );
}

const SORT_COLUMNS = {
  time: { label: 'Time', first: 'newest', second: 'oldest', firstWords: 'newest first', secondWords: 'oldest first' },
  amount: { label: 'Amount', first: 'amount_desc', second: 'amount_asc', firstWords: 'largest first', secondWords: 'smallest first' },
} as const;

/** A column header that sorts: one click for the column's usual order, another to turn it round. */
function SortHeader({ kept, sort, column }: { kept: Kept; sort: Sort; column: keyof typeof SORT_COLUMNS }) {
  const c = SORT_COLUMNS[column];
  const active = sort === c.first || sort === c.second;
  const next: Sort = sort === c.first ? c.second : c.first;
  const descending = sort === 'newest' || sort === 'amount_desc';
  const words = next === c.first ? c.firstWords : c.secondWords;
  return (
    <th scope="col" aria-sort={active ? (descending ? 'descending' : 'ascending') : undefined} className={`px-3 py-2 ${column === 'amount' ? 'text-right' : ''}`}>
      <Link
        href={searchHref('/payments', kept, { sort: next === 'newest' ? null : next, cursor: null })}
        prefetch={false}
        className="inline-flex items-center gap-1 uppercase hover:text-slate-900"
      >
        {c.label}
        <span aria-hidden className={active ? 'text-slate-900' : 'text-slate-400'}>
          {active ? (descending ? '↓' : '↑') : '↕'}
        </span>
        <span className="sr-only">{`, sort ${words}`}</span>
      </Link>
    </th>
  );
}

/** Nothing found: say why when we can, and the way back. */
function NoPayments({ query }: { query: TransactionQuery }) {
  const term = query.q ? classifyQuery(query.q) : null;
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center text-sm text-slate-600">
      {term?.kind === 'short' ? (
        <p data-testid="name-hint">
          No payment has the id “{term.value}”. To search by cardholder name, type at least 3 letters.
        </p>
      ) : (
        <p>No payments match this search.</p>
      )}
      <Link href="/payments" prefetch={false} className="mt-2 inline-block font-medium text-indigo-700 hover:underline">
        Show all payments
      </Link>
    </div>
  );
}

/** "1,234 payments", or "10,000+" past the cap: an exact count of a broad search is not worth its cost. */
async function PaymentCount({ query }: { query: TransactionQuery }) {
  const { count, capped } = await countTransactions(await getDb(), query);
  return (
    <>
      {capped ? `${n(count)}+` : n(count)} {count === 1 && !capped ? 'payment' : 'payments'}
    </>
  );
}

// No prefetching: each page and payment is a dynamic render with queries; fifty rows in view
// would mean fifty payment pages rendered for every list shown.
const PAGE_LINK = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-700 shadow-sm hover:bg-slate-50';
const OFF = 'rounded-md border border-slate-200 px-3 py-1.5 text-slate-500';

function Pager({ kept, next, prev, atFirst }: { kept: Kept; next: string | null; prev: string | null; atFirst: boolean }) {
  if (atFirst && !next && !prev) return null;
  return (
    <nav aria-label="Pages" className="flex gap-2 text-sm">
      {atFirst ? <span className={OFF}>First page</span> : <Link href={searchHref('/payments', kept, { cursor: null })} prefetch={false} className={PAGE_LINK}>First page</Link>}
      {prev ? <Link href={searchHref('/payments', kept, { cursor: prev })} prefetch={false} className={PAGE_LINK} rel="prev">← Previous</Link> : <span className={OFF}>← Previous</span>}
      {next ? <Link href={searchHref('/payments', kept, { cursor: next })} prefetch={false} className={PAGE_LINK} rel="next">Next →</Link> : <span className={OFF}>Next →</span>}
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

