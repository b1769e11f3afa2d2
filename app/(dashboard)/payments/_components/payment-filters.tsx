'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Select, type SelectOption } from '@/app/_components/select';
import { BUTTON, INPUT, LABEL } from '@/app/_components/ui';
import { liftQuery, normalizeAmount } from '@/lib/payments/query-language';

/** The filters the bar edits: the search's URL parameters (cursor and limit excluded). */
const FIELDS = ['q', 'status', 'paymentMode', 'provider', 'from', 'to', 'minAmount', 'maxAmount', 'flagged', 'review', 'sort'] as const;
type Field = (typeof FIELDS)[number];
export type FilterValues = Partial<Record<Field, string>>;

export interface DatePreset {
  label: string;
  from: string;
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The URL of a search: only the parameters that say something, in a fixed order. */
export function paymentsHref(values: FilterValues): string {
  const params = new URLSearchParams();
  for (const key of FIELDS) {
    const v = values[key]?.trim();
    if (v && !(key === 'sort' && v === 'newest')) params.set(key, v);
  }
  const query = params.toString();
  return query ? `/payments?${query}` : '/payments';
}

/**
 * The payments filter bar. Everything lives in the URL: a choice applies at once (the search
 * text on Enter, an amount on Enter or leaving the field), and the bar shows what the URL says
 * whenever the URL changes — Clear, a removed chip, Back — never a leftover of what was typed.
 */
export function PaymentFilters({
  values,
  statuses,
  modes,
  presets,
}: {
  values: FilterValues;
  statuses: SelectOption[];
  modes: SelectOption[];
  presets: DatePreset[];
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  // Reset from the URL whenever the URL changes (the "state from props" pattern, no effect).
  const urlKey = paymentsHref(values);
  const [synced, setSynced] = useState(urlKey);
  const [form, setForm] = useState<FilterValues>(values);
  const [amountError, setAmountError] = useState<string | null>(null);
  // On a phone the filters fold away under one button; the chips below still show those in force.
  const [open, setOpen] = useState(false);
  if (synced !== urlKey) {
    setSynced(urlKey);
    setForm(values);
    setAmountError(null);
  }

  const apply = (changes: FilterValues) => {
    const next = { ...form, ...changes };
    // Filters typed in the text box become filters of their own (and chips).
    if (next.q) {
      const lifted = liftQuery(next.q);
      Object.assign(next, lifted.fields);
      next.q = lifted.text;
    }
    setForm(next);
    startTransition(() => router.push(paymentsHref(next)));
  };
  const set = (field: Field) => (value: string) => setForm((f) => ({ ...f, [field]: value }));

  const applyAmount = (field: 'minAmount' | 'maxAmount') => {
    const raw = form[field]?.trim() ?? '';
    if (raw === (values[field] ?? '')) return;
    if (raw !== '' && normalizeAmount(raw) === null) {
      setAmountError(`“${raw}” is not an amount. Type rupees such as 1499.50 or 1,00,000.`);
      return;
    }
    setAmountError(null);
    apply({ [field]: raw });
  };
  const activePreset = presets.find((p) => p.from === form.from && p.to === form.to);

  return (
    <form
      role="search"
      aria-label="Filter payments"
      aria-busy={pending}
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm sm:p-4"
      onSubmit={(e) => {
        e.preventDefault();
        apply({});
      }}
    >
      <div className="flex flex-wrap gap-2">
        <label className="min-w-0 flex-1 basis-64">
          <span className="sr-only">Search payments</span>
          <input
            name="q"
            type="search"
            value={form.q ?? ''}
            onChange={(e) => set('q')(e.target.value)}
            maxLength={200}
            autoComplete="off"
            spellCheck={false}
            placeholder="Any id, last 4, name, 1499.50, status:failed, mode:upi, >5000"
            className={`${INPUT} py-2`}
          />
        </label>
        <button type="submit" className={`${BUTTON.primary} py-2`}>
          Search
        </button>
        <a
          href="/payments"
          onClick={(e) => {
            e.preventDefault();
            setForm({});
            setAmountError(null);
            startTransition(() => router.push('/payments'));
          }}
          className={`${BUTTON.ghost} py-2`}
        >
          Clear
        </a>
        <button type="button" aria-expanded={open} aria-controls="payment-filter-fields" onClick={() => setOpen(!open)} className={`${BUTTON.secondary} py-2 sm:hidden`}>
          Filters {open ? '▴' : '▾'}
        </button>
      </div>
      <div id="payment-filter-fields" className={`space-y-3 ${open ? '' : 'max-sm:hidden'}`}>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Select label="Status" options={statuses} any="Any status" value={form.status ?? ''} onValueChange={(v) => apply({ status: v })} />
        <Select label="Payment mode" options={modes} any="Any mode" value={form.paymentMode ?? ''} onValueChange={(v) => apply({ paymentMode: v })} />
        <Select
          label="Provider"
          options={[
            { value: 'enkash', label: 'Enkash' },
            { value: 'juspay', label: 'Juspay' },
          ]}
          any="Any provider"
          value={form.provider ?? ''}
          onValueChange={(v) => apply({ provider: v })}
        />
        <Select
          label="Review"
          options={[
            { value: 'open', label: 'Needs review' },
            { value: 'mine', label: 'Assigned to me' },
            { value: 'resolved', label: 'Resolved' },
          ]}
          any="Any"
          value={form.review ?? ''}
          onValueChange={(v) => apply({ review: v })}
        />
        <label className={LABEL}>
          Amount from (₹)
          <input
            name="minAmount"
            inputMode="decimal"
            value={form.minAmount ?? ''}
            onChange={(e) => set('minAmount')(e.target.value)}
            onBlur={() => applyAmount('minAmount')}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                applyAmount('minAmount');
              }
            }}
            placeholder="0"
            autoComplete="off"
            className={`${INPUT} mt-1`}
          />
        </label>
        <label className={LABEL}>
          Amount to (₹)
          <input
            name="maxAmount"
            inputMode="decimal"
            value={form.maxAmount ?? ''}
            onChange={(e) => set('maxAmount')(e.target.value)}
            onBlur={() => applyAmount('maxAmount')}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                applyAmount('maxAmount');
              }
            }}
            placeholder="any"
            autoComplete="off"
            className={`${INPUT} mt-1`}
          />
        </label>
        <Select
          label="Order"
          options={[
            { value: 'newest', label: 'Newest first' },
            { value: 'oldest', label: 'Oldest first' },
            { value: 'amount_desc', label: 'Largest amount first' },
            { value: 'amount_asc', label: 'Smallest amount first' },
          ]}
          value={form.sort || 'newest'}
          onValueChange={(v) => apply({ sort: v })}
        />
      </div>
      {amountError && (
        <p role="alert" className="text-sm text-red-700">
          {amountError}
        </p>
      )}
      <div className="flex flex-wrap items-end gap-3">
        <label className={LABEL}>
          From (IST day)
          <input
            type="date"
            name="from"
            value={DAY.test(form.from ?? '') ? form.from : ''}
            max={form.to || undefined}
            onChange={(e) => apply({ from: e.target.value })}
            className={`${INPUT} mt-1 w-40`}
          />
        </label>
        <label className={LABEL}>
          To (IST day, included)
          <input
            type="date"
            name="to"
            value={DAY.test(form.to ?? '') ? form.to : ''}
            min={form.from || undefined}
            onChange={(e) => apply({ to: e.target.value })}
            className={`${INPUT} mt-1 w-40`}
          />
        </label>
        <div role="group" aria-label="Date presets" className="flex flex-wrap gap-1">
          {presets.map((p) => {
            const active = activePreset === p;
            return (
              <button
                key={p.label}
                type="button"
                aria-pressed={active}
                onClick={() => apply(active ? { from: '', to: '' } : { from: p.from, to: p.to })}
                className={`rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset ${
                  active ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-white text-slate-700 ring-slate-300 hover:bg-slate-50'
                }`}
              >
                {p.label}
              </button>
            );
          })}
        </div>
        <label className="ml-auto flex items-center gap-2 pb-1.5 text-sm text-slate-700">
          <input
            type="checkbox"
            name="flagged"
            checked={form.flagged === '1' || form.flagged === 'true' || form.flagged === 'on'}
            onChange={(e) => apply({ flagged: e.target.checked ? '1' : '' })}
            className="size-4 rounded border-slate-300 accent-indigo-600"
          />
          Only flagged (needs review)
        </label>
      </div>
      </div>
    </form>
  );
}
