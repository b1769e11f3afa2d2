import Link from 'next/link';
import type { AuditSearch } from '@/lib/audit/queries';

const input = 'mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500';
const label = 'block text-xs font-medium text-slate-600';

/** A plain GET form: the filters live in the URL, and a new search starts from the newest row. */
export function AuditFilters({ search, actions, outcomes }: { search: AuditSearch; actions: string[]; outcomes: string[] }) {
  return (
    <form action="/audit" className="grid grid-cols-2 items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-6">
      <label className={label}>
        Action
        <select name="action" defaultValue={search.action ?? ''} className={input}>
          <option value="">Any</option>
          {withCurrent(actions, search.action).map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
      </label>
      <label className={label}>
        Actor
        <input name="actor" defaultValue={search.actor ?? ''} placeholder="email, user:12, cli" className={input} />
      </label>
      <label className={label}>
        Outcome
        <select name="outcome" defaultValue={search.outcome ?? ''} className={input}>
          <option value="">Any</option>
          {withCurrent(outcomes, search.outcome).map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      </label>
      <label className={label}>
        From (IST day)
        <input type="date" name="from" defaultValue={search.from ?? ''} className={input} />
      </label>
      <label className={label}>
        To (IST day, included)
        <input type="date" name="to" defaultValue={search.to ?? ''} className={input} />
      </label>
      <div className="flex gap-2">
        <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500">
          Filter
        </button>
        <Link href="/audit" className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100">
          Clear
        </Link>
      </div>
    </form>
  );
}

const withCurrent = (values: string[], current?: string) => (current && !values.includes(current) ? [...values, current] : values);
