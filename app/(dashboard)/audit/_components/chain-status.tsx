import Link from 'next/link';
import { getDb } from '@/db/client';
import { verifyAuditChain } from '@/lib/audit/verify';

/** Walks the whole log, so it streams in on its own after the table. */
export async function ChainStatus() {
  const check = await verifyAuditChain(await getDb());
  if (check.ok) {
    return (
      <p role="status" data-testid="chain-status" className="rounded-md bg-emerald-50 px-4 py-2 text-sm font-medium text-emerald-800 ring-1 ring-inset ring-emerald-600/20">
        Chain intact — {check.checked.toLocaleString('en-IN')} rows verified
      </p>
    );
  }
  return (
    <div role="alert" data-testid="chain-status" className="rounded-md border-2 border-red-600 bg-red-50 px-4 py-3 text-red-900">
      <p className="text-base font-semibold">
        Chain broken at row{' '}
        <Link href={`/audit?cursor=${check.brokenAtId + 1}`} className="underline">
          #{check.brokenAtId}
        </Link>
        : {check.reason}
      </p>
      <p className="mt-1 text-sm">
        The log may have been tampered with from that row on; {check.checked.toLocaleString('en-IN')} rows before it verified. Treat this as a security incident.
      </p>
    </div>
  );
}

export function ChainStatusPending() {
  return <p className="rounded-md bg-slate-100 px-4 py-2 text-sm text-slate-600">Checking the hash chain…</p>;
}
