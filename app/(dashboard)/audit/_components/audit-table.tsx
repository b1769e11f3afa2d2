import Link from 'next/link';
import { Cell, DataTable } from '@/app/_components/data-table';
import { Dash, StatusBadge } from '@/app/_components/format';
import { KeysetPager } from '@/app/_components/keyset-pager';
import { RelativeTime } from '@/app/_components/relative-time';
import { getDb } from '@/db/client';
import { searchAudit, type AuditListRow, type AuditSearch } from '@/lib/audit/queries';
import { can, type Role } from '@/lib/auth/permissions';
import { codeLabel } from '@/lib/payments/labels';

const OUTCOME_FAMILY: Record<string, string> = { ok: 'success', sent: 'success', validated: 'success', confirmed: 'success', mismatch: 'failed' };

/** Green for done, red for refused or failed, amber for anything else (pending, unknown). */
function outcomeFamily(outcome: string): string {
  if (OUTCOME_FAMILY[outcome]) return OUTCOME_FAMILY[outcome];
  return /^(failed|forbidden|throttled|refused|provider_|rate_limited)/.test(outcome) ? 'failed' : 'open';
}

export async function AuditTable({ search, role, securityRows }: { search: AuditSearch; role: Role; securityRows: boolean }) {
  const { rows, nextCursor } = await searchAudit(await getDb(), { ...search, securityRows });
  if (rows.length === 0) return <p className="rounded-lg border border-slate-200 bg-white px-4 py-8 text-center text-sm text-slate-600">No audit rows match.</p>;
  const { cursor, ...filters } = search;
  return (
    <>
      <DataTable caption="Audit log" headings={['#', 'When', 'Who', 'Action', 'Target', 'Outcome', 'Details']}>
        {rows.map((r) => (
          <AuditRowView key={r.id} r={r} role={role} />
        ))}
      </DataTable>
      <KeysetPager path="/audit" params={filters} onFirstPage={!cursor} nextCursor={nextCursor} />
    </>
  );
}

function AuditRowView({ r, role }: { r: AuditListRow; role: Role }) {
  return (
    <tr data-testid="audit-row">
      <Cell label="#" className="px-3 py-2 tabular-nums text-slate-600">
        {r.id}
      </Cell>
      <Cell label="When" className="whitespace-nowrap px-3 py-2 text-slate-700">
        <RelativeTime value={r.at.toISOString()} />
      </Cell>
      <Cell label="Who" className="min-w-40 px-3 py-2">
        <span title={r.actor} className="break-all text-slate-900">
          {r.actorEmail ?? r.actor}
        </span>
        <div className="text-xs text-slate-600">{[r.actorRole, r.sourceIp].filter(Boolean).join(' · ')}</div>
      </Cell>
      <Cell label="Action" className="whitespace-nowrap px-3 py-2 font-mono text-xs text-slate-800">
        {r.action}
      </Cell>
      <Cell label="Target" className="max-w-56 break-words px-3 py-2 text-slate-700">
        <AuditTarget r={r} role={role} />
      </Cell>
      <Cell label="Outcome" className="px-3 py-2">
        <StatusBadge status={r.outcome} label={codeLabel(r.outcome)} family={outcomeFamily(r.outcome)} />
      </Cell>
      <Cell label="Details" className="min-w-72 px-3 py-2">
        <AuditDetails details={r.details} />
      </Cell>
    </tr>
  );
}

const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Where a target leads: the payment, the user, the export's search, the view — or nowhere. */
export function targetHref(r: Pick<AuditListRow, 'action' | 'target' | 'details'>, role: Role): string | null {
  const target = r.target ?? '';
  const details = record(r.details);
  if (/^otp\./.test(r.action) && /^[1-9]\d{0,14}$/.test(target)) return `/payments/${target}`;
  const provider = /^(enkash|juspay|enkash_wallet):(.+)$/.exec(target);
  if (provider) return `/payments/go?q=${encodeURIComponent(provider[2])}`;
  if (target === 'payments' && /^payments\.export/.test(r.action)) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(record(details.filters))) {
      if (typeof v === 'string' || typeof v === 'number') params.set(k, String(v));
      else if (v === true) params.set(k, '1');
    }
    return params.size ? `/payments?${params}` : '/payments';
  }
  if (/^view:\d+$/.test(target) && typeof details.query === 'string') return details.query ? `/payments?${details.query}` : '/payments';
  if (target.includes('@') && !target.includes(':')) {
    if (/^users\./.test(r.action) && typeof details.userId === 'number' && can(role, 'users.manage')) return `/admin/users#user-${details.userId}`;
    return `/audit?actor=${encodeURIComponent(target)}`;
  }
  return null;
}

function AuditTarget({ r, role }: { r: AuditListRow; role: Role }) {
  if (!r.target) return <Dash />;
  const href = targetHref(r, role);
  return href ? (
    <Link href={href} prefetch={false} className="break-all font-medium text-indigo-700 hover:underline">
      {r.target}
    </Link>
  ) : (
    <span className="break-all">{r.target}</span>
  );
}

/** Details as labelled lines (a name and its value), not one long line of JSON. */
function AuditDetails({ details }: { details: unknown }) {
  const entries = Object.entries(record(details));
  if (entries.length === 0) return <Dash />;
  return (
    <dl className="grid w-full grid-cols-1 gap-x-2 gap-y-0.5 text-xs sm:grid-cols-[max-content_minmax(0,1fr)]">
      {entries.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-600">{k}</dt>
          <dd className="break-words font-mono text-slate-800 [overflow-wrap:anywhere]">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
