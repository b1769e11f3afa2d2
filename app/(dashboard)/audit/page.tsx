import type { Metadata } from 'next';
import { Suspense } from 'react';
import { getDb } from '@/db/client';
import { listAuditFacets, parseAuditSearch } from '@/lib/audit/queries';
import { requirePagePermission } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { AuditFilters } from './_components/audit-filters';
import { AuditTable } from './_components/audit-table';
import { ChainStatus, ChainStatusPending } from './_components/chain-status';

export const metadata: Metadata = { title: 'Audit log' };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission('audit.read');
  const { search, invalid } = parseAuditSearch(await searchParams);
  const securityRows = can(user.role, 'audit.read_security');
  const facets = await listAuditFacets(await getDb(), { securityRows });
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">Audit log</h1>
        <p className="mt-1 text-sm text-slate-600">Who did what, when, from where and with what outcome. Insert-only, and chained with a key: a changed, removed or added row shows below.</p>
      </div>
      <Suspense fallback={<ChainStatusPending />}>
        <ChainStatus canVerify={can(user.role, 'operations.manage')} />
      </Suspense>
      <AuditFilters
        values={{ action: search.action, actor: search.actor, outcome: search.outcome, from: search.from, to: search.to }}
        actions={facets.actions}
        outcomes={facets.outcomes}
      />
      {invalid && (
        <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
          The address had a filter this log does not understand (dates are YYYY-MM-DD); showing the whole log.
        </p>
      )}
      <Suspense key={JSON.stringify(search)} fallback={<p className="text-sm text-slate-600">Loading the log…</p>}>
        <AuditTable search={search} role={user.role} securityRows={securityRows} />
      </Suspense>
    </div>
  );
}
