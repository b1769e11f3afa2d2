'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Select } from '@/app/_components/select';
import { BUTTON, INPUT, LABEL } from '@/app/_components/ui';

const FIELDS = ['action', 'actor', 'outcome', 'from', 'to'] as const;
type Values = Partial<Record<(typeof FIELDS)[number], string>>;

function hrefOf(values: Values): string {
  const params = new URLSearchParams();
  for (const key of FIELDS) if (values[key]?.trim()) params.set(key, values[key]!.trim());
  const query = params.toString();
  return query ? `/audit?${query}` : '/audit';
}

/**
 * The audit log's filters, in the URL. A select or a day applies at once, the actor on Enter or
 * leaving the field; the form shows what the URL says whenever it changes (Clear, Back).
 */
export function AuditFilters({ values, actions, outcomes }: { values: Values; actions: string[]; outcomes: string[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const key = hrefOf(values);
  const [synced, setSynced] = useState(key);
  const [form, setForm] = useState<Values>(values);
  if (synced !== key) {
    setSynced(key);
    setForm(values);
  }
  const apply = (changes: Values) => {
    const next = { ...form, ...changes };
    setForm(next);
    startTransition(() => router.push(hrefOf(next)));
  };
  const options = (list: string[], current?: string) => [...list, ...(current && !list.includes(current) ? [current] : [])].map((v) => ({ value: v, label: v }));
  return (
    <form
      role="search"
      aria-label="Filter the audit log"
      aria-busy={pending}
      onSubmit={(e) => {
        e.preventDefault();
        apply({});
      }}
      className="grid grid-cols-1 items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-6"
    >
      <Select label="Action" options={options(actions, form.action)} any="Any action" value={form.action ?? ''} onValueChange={(v) => apply({ action: v })} />
      <label className={LABEL}>
        Actor (any part of an email or name)
        <input
          name="actor"
          value={form.actor ?? ''}
          onChange={(e) => setForm((f) => ({ ...f, actor: e.target.value }))}
          onBlur={() => (form.actor ?? '') !== (values.actor ?? '') && apply({})}
          placeholder="priya, @finance, cli"
          autoComplete="off"
          className={`${INPUT} mt-1`}
        />
      </label>
      <Select label="Outcome" options={options(outcomes, form.outcome)} any="Any outcome" value={form.outcome ?? ''} onValueChange={(v) => apply({ outcome: v })} />
      <label className={LABEL}>
        From (IST day)
        <input type="date" name="from" value={form.from ?? ''} max={form.to || undefined} onChange={(e) => apply({ from: e.target.value })} className={`${INPUT} mt-1`} />
      </label>
      <label className={LABEL}>
        To (IST day, included)
        <input type="date" name="to" value={form.to ?? ''} min={form.from || undefined} onChange={(e) => apply({ to: e.target.value })} className={`${INPUT} mt-1`} />
      </label>
      <div className="flex gap-2">
        <button type="submit" className={BUTTON.primary}>
          Filter
        </button>
        <a
          href="/audit"
          onClick={(e) => {
            e.preventDefault();
            setForm({});
            startTransition(() => router.push('/audit'));
          }}
          className={BUTTON.ghost}
        >
          Clear
        </a>
      </div>
    </form>
  );
}
