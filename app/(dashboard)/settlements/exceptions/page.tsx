import type { Metadata } from 'next';
import Link from 'next/link';
import { BUTTON } from '@/app/_components/ui';
import { getDb } from '@/db/client';
import type { ExceptionKind } from '@/db/schema';
import { requirePagePermission } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { KIND_LABELS } from '@/lib/settlements/exceptions';
import { listExceptions } from '@/lib/settlements/queries';
import { ExceptionTable, Notice } from '../_components/exceptions';

export const metadata: Metadata = { title: 'Settlement exceptions' };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const STATES = [
  ['open', 'Open'],
  ['resolved', 'Resolved'],
  ['all', 'All'],
] as const;
const LIMIT = 500;

/** Every reconciliation exception: open ones first; filter by state and kind, all in the URL. */
export default async function ExceptionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission('settlements.read');
  const params = await searchParams;
  const stateParam = first(params.state);
  const state = STATES.some(([s]) => s === stateParam) ? (stateParam as 'open' | 'resolved' | 'all') : 'open';
  const kindParam = first(params.kind);
  const kind = kindParam && kindParam in KIND_LABELS ? (kindParam as ExceptionKind) : null;
  const rows = await listExceptions(await getDb(), { state, kind, limit: LIMIT });
  const href = (o: { state?: string; kind?: string | null }) => {
    const q = new URLSearchParams();
    const s = o.state ?? state;
    if (s !== 'open') q.set('state', s);
    const k = o.kind === undefined ? kind : o.kind;
    if (k) q.set('kind', k);
    return `/settlements/exceptions${q.size ? `?${q}` : ''}`;
  };
  const back = href({});
  const chip = (active: boolean) =>
    `rounded-full border px-3 py-1 text-xs font-medium ${active ? 'border-indigo-600 bg-indigo-50 text-indigo-800' : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50'}`;
  return (
    <div className="space-y-4">
      <Link href="/settlements" prefetch={false} className="text-sm font-medium text-indigo-700 hover:underline">
        ← Settlements
      </Link>
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">Settlement exceptions</h1>
          <p className="mt-1 text-sm text-slate-600">
            What reconciliation found: each stays open until a person resolves it with a note, and reopens if a later payout contradicts it.
          </p>
        </div>
        {can(user.role, 'settlements.export') && (
          <a href={`/settlements/exceptions/export?${new URLSearchParams({ state, ...(kind ? { kind } : {}) })}`} download className={BUTTON.secondary}>
            Export CSV
          </a>
        )}
      </header>
      <Notice done={first(params.done)} />
      <nav aria-label="Filter exceptions" className="flex flex-wrap gap-2">
        {STATES.map(([s, label]) => (
          <Link key={s} href={href({ state: s })} prefetch={false} className={chip(state === s)} aria-current={state === s ? 'page' : undefined}>
            {label}
          </Link>
        ))}
        <span className="mx-1 border-l border-slate-300" aria-hidden />
        <Link href={href({ kind: null })} prefetch={false} className={chip(!kind)}>
          Every kind
        </Link>
        {Object.entries(KIND_LABELS).map(([k, label]) => (
          <Link key={k} href={href({ kind: k })} prefetch={false} className={chip(kind === k)}>
            {label}
          </Link>
        ))}
      </nav>
      {rows.length === LIMIT && <p className="text-sm text-slate-600">The first {LIMIT}; the CSV has them all.</p>}
      <ExceptionTable rows={rows} back={back} canResolve={can(user.role, 'settlements.resolve')} />
    </div>
  );
}
