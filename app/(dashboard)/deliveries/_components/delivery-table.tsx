import Link from 'next/link';
import { IstTime, StatusBadge } from '@/app/_components/format';
import { getDb } from '@/db/client';
import { AUTH_BADGE, formatBytes, OUTCOME_FAMILY, prettyJsonText } from '@/lib/deliveries/present';
import { listDeliveries, type DeliveryRow } from '@/lib/deliveries/queries';
import type { DeliverySearch } from '@/lib/deliveries/search-params';
import { describeFlag } from '@/lib/payments/flags';
import { formatIst } from '@/lib/time';
import { ExpandableRow } from './expandable-row';
import { KeysetPager } from '@/app/_components/keyset-pager';
import { DataTable } from '@/app/_components/data-table';

const HEADINGS = ['Received (IST)', 'Provider', 'Outcome', 'HTTP', 'Auth', 'Reason', 'Source IP', 'Transaction', 'Size', 'Flags'];

export async function DeliveryTable({ search }: { search: DeliverySearch }) {
  const { rows, nextCursor } = await listDeliveries(await getDb(), search);
  if (rows.length === 0) return <p className="rounded-lg border border-slate-200 bg-white px-4 py-8 text-center text-sm text-slate-500">No deliveries here.</p>;
  return (
    <>
      <DataTable headings={HEADINGS} cell="px-2">
        {rows.map((d) => (
          <DeliveryRowView key={d.id} d={d} />
        ))}
      </DataTable>
      <KeysetPager path="/deliveries" params={{ outcome: search.outcome }} onFirstPage={!search.cursor} nextCursor={nextCursor} />
    </>
  );
}

function DeliveryRowView({ d }: { d: DeliveryRow }) {
  const auth = AUTH_BADGE[d.auth] ?? { label: d.auth, family: 'open' };
  const before = (
    <>
      <td className="min-w-28 px-2 py-2 text-slate-700">
        <IstTime value={d.receivedAt} />
      </td>
      <td className="px-2 py-2 text-xs text-slate-700">{d.provider}</td>
      <td className="whitespace-nowrap px-2 py-2">
        <StatusBadge status={d.outcome} family={OUTCOME_FAMILY[d.outcome] ?? 'open'} />
        {d.effect && <div className="mt-1 text-xs text-slate-500">{d.effect}</div>}
      </td>
      <td className="px-2 py-2 tabular-nums text-slate-700">{d.httpStatus}</td>
      <td className="whitespace-nowrap px-2 py-2">
        <StatusBadge status={auth.label} family={auth.family} />
      </td>
    </>
  );
  const after = (
    <>
      <td className="whitespace-nowrap px-2 py-2 font-mono text-xs text-slate-600">{d.sourceIp ?? '—'}</td>
      <td className="px-2 py-2 font-mono text-xs">
        {d.transactionId === null ? (
          <span className="text-slate-400">—</span>
        ) : d.paymentId !== null ? (
          <Link href={`/payments/${d.paymentId}`} prefetch={false} className="text-indigo-600 hover:underline">
            {d.transactionId}
          </Link>
        ) : (
          <span className="text-slate-600" title="No payment with this id is recorded">
            {d.transactionId}
          </span>
        )}
      </td>
      <td className="whitespace-nowrap px-2 py-2 tabular-nums text-slate-600">{formatBytes(d.bodyBytes)}</td>
      <td className="px-2 py-2">
        <div className="flex flex-wrap gap-1">
          {d.flags.map((f) => (
            <span key={f} title={describeFlag(f)} className="whitespace-nowrap rounded bg-amber-50 px-1.5 py-0.5 text-xs text-amber-800 ring-1 ring-inset ring-amber-600/20">
              {f}
            </span>
          ))}
        </div>
      </td>
    </>
  );
  return (
    <ExpandableRow
      before={before}
      reason={d.reason ? <p className="text-slate-900">{d.reason}</p> : <p className="text-slate-400">—</p>}
      after={after}
      body={d.body ? prettyJsonText(d.body) : null}
      prunedNote={d.bodyPrunedAt ? `Body removed ${formatIst(d.bodyPrunedAt)} (retention)` : null}
      truncated={d.bodyTruncated}
      columns={HEADINGS.length}
    />
  );
}
