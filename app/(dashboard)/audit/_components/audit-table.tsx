import { IstTime, StatusBadge } from '@/app/_components/format';
import { getDb } from '@/db/client';
import { searchAudit, type AuditListRow, type AuditSearch } from '@/lib/audit/queries';
import { KeysetPager } from '@/app/_components/keyset-pager';
import { DataTable } from '@/app/_components/data-table';

const OUTCOME_FAMILY: Record<string, string> = { ok: 'success', sent: 'success', validated: 'success', confirmed: 'success', mismatch: 'failed' };

/** Green for done, red for refused or failed, amber for anything else (pending, unknown). */
function outcomeFamily(outcome: string): string {
  if (OUTCOME_FAMILY[outcome]) return OUTCOME_FAMILY[outcome];
  return /^(failed|forbidden|throttled|refused|provider_|rate_limited)/.test(outcome) ? 'failed' : 'open';
}

export async function AuditTable({ search }: { search: AuditSearch }) {
  const { rows, nextCursor } = await searchAudit(await getDb(), search);
  if (rows.length === 0) return <p className="rounded-lg border border-slate-200 bg-white px-4 py-8 text-center text-sm text-slate-500">No audit rows match.</p>;
  const { cursor, ...filters } = search;
  return (
    <>
      <DataTable headings={['#', 'When (IST)', 'Actor', 'Action', 'Target', 'Outcome', 'Source IP', 'Details']}>
        {rows.map((r) => (
          <AuditRowView key={r.id} r={r} />
        ))}
      </DataTable>
      <KeysetPager path="/audit" params={filters} onFirstPage={!cursor} nextCursor={nextCursor} />
    </>
  );
}

function AuditRowView({ r }: { r: AuditListRow }) {
  const details = Object.keys(r.details as object).length ? JSON.stringify(r.details) : null;
  return (
    <tr data-testid="audit-row">
      <td className="px-3 py-2 tabular-nums text-slate-500">{r.id}</td>
      <td className="whitespace-nowrap px-3 py-2 text-slate-700">
        <IstTime value={r.at} />
      </td>
      <td className="px-3 py-2">
        <span title={r.actor} className="text-slate-900">
          {r.actorEmail ?? r.actor}
        </span>
        {r.actorRole && <div className="text-xs text-slate-500">{r.actorRole}</div>}
      </td>
      <td className="whitespace-nowrap px-3 py-2 font-mono text-xs text-slate-800">{r.action}</td>
      <td className="max-w-64 break-words px-3 py-2 text-slate-700">{r.target ?? <span className="text-slate-400">—</span>}</td>
      <td className="px-3 py-2">
        <StatusBadge status={r.outcome} family={outcomeFamily(r.outcome)} />
      </td>
      <td className="whitespace-nowrap px-3 py-2 font-mono text-xs text-slate-600">{r.sourceIp ?? '—'}</td>
      <td className="max-w-xs break-all px-3 py-2 font-mono text-xs text-slate-600">{details ?? <span className="text-slate-400">—</span>}</td>
    </tr>
  );
}
