import Form from 'next/form';
import Link from 'next/link';
import { ENKASH_PAYMENT_MODES, ENKASH_PAYMENT_STATUSES } from '@/lib/payments/status';
import { PROVIDERS, SEARCH_Q_MAX, type SearchField } from '@/lib/payments/search-params';

const INPUT = 'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500';
const LABEL = 'text-xs font-medium text-slate-600';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A value the URL holds that is not in the list still shows, so the form never hides a filter. */
const withCurrent = (options: readonly string[], current: string | undefined) =>
  current && !options.includes(current) ? [...options, current] : options;

function Select({ name, label, options, value, any }: { name: SearchField; label: string; options: readonly string[]; value?: string; any: string }) {
  return (
    <label className="block">
      <span className={LABEL}>{label}</span>
      <select name={name} defaultValue={value ?? ''} className={INPUT}>
        <option value="">{any}</option>
        {withCurrent(options, value).map((o) => (
          <option key={o} value={o}>
            {o.replaceAll('_', ' ')}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The whole search as a GET form: everything lives in the URL, and submitting leaves the
 * cursor out, so changing a filter always starts again at the newest payments.
 */
export function SearchForm({ values }: { values: Partial<Record<SearchField, string>> }) {
  // Upper-cased like the parser does, so a hand-typed `status=failed` selects FAILED.
  const status = values.status?.trim().toUpperCase();
  const mode = values.paymentMode?.trim().toUpperCase();
  return (
    <Form action="/payments" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" role="search">
      <div className="flex gap-2">
        <label className="flex-1">
          <span className="sr-only">Search</span>
          <input
            name="q"
            type="search"
            defaultValue={values.q ?? ''}
            maxLength={SEARCH_Q_MAX}
            autoComplete="off"
            spellCheck={false}
            placeholder="Transaction, unique, order or bank id · card last four · cardholder name (3+ letters)"
            className={INPUT.replace('mt-1 ', '')}
          />
        </label>
        <button type="submit" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500">
          Search
        </button>
        <Link href="/payments" prefetch={false} className="rounded-md px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100">
          Clear
        </Link>
      </div>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-8">
        <Select name="status" label="Status" options={ENKASH_PAYMENT_STATUSES} value={status} any="Any status" />
        <Select name="paymentMode" label="Payment mode" options={[...ENKASH_PAYMENT_MODES]} value={mode} any="Any mode" />
        <Select name="provider" label="Provider" options={PROVIDERS} value={values.provider?.trim().toLowerCase()} any="Any provider" />
        <label className="block">
          <span className={LABEL}>From (IST day)</span>
          <input name="from" type="date" defaultValue={DAY.test(values.from ?? '') ? values.from : ''} className={INPUT} />
        </label>
        <label className="block">
          <span className={LABEL}>To (IST day, inclusive)</span>
          <input name="to" type="date" defaultValue={DAY.test(values.to ?? '') ? values.to : ''} className={INPUT} />
        </label>
        <label className="block">
          <span className={LABEL}>Final amount from ₹</span>
          <input name="minAmount" inputMode="decimal" defaultValue={values.minAmount ?? ''} placeholder="0.00" className={INPUT} />
        </label>
        <label className="block">
          <span className={LABEL}>Final amount to ₹</span>
          <input name="maxAmount" inputMode="decimal" defaultValue={values.maxAmount ?? ''} placeholder="any" className={INPUT} />
        </label>
        <label className="flex items-end gap-2 pb-2">
          <input name="flagged" type="checkbox" value="1" defaultChecked={values.flagged === '1' || values.flagged === 'true' || values.flagged === 'on'} className="h-4 w-4 rounded border-slate-300 text-indigo-600" />
          <span className="text-sm text-slate-700">Only flagged</span>
        </label>
      </div>
    </Form>
  );
}
