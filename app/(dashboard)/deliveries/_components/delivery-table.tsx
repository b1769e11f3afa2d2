import Link from 'next/link';
import { CopyButton } from '@/app/_components/copy-button';
import { Cell, DataTable } from '@/app/_components/data-table';
import { Dash, StatusBadge } from '@/app/_components/format';
import { KeysetPager } from '@/app/_components/keyset-pager';
import { RelativeTime } from '@/app/_components/relative-time';
import { getDb } from '@/db/client';
import { AUTH_BADGE, formatBytes, OUTCOME_FAMILY, prettyJsonText } from '@/lib/deliveries/present';
import { listDeliveries, type DeliveryRow } from '@/lib/deliveries/queries';
import type { DeliverySearch } from '@/lib/deliveries/search-params';
import { codeLabel, providerLabel } from '@/lib/payments/labels';
import { describeFlag } from '@/lib/payments/flags';
import { formatIst } from '@/lib/time';
import { ExpandableRow } from './expandable-row';

const HEADINGS = ['Received', 'Provider', 'Outcome', 'HTTP', 'Auth', 'Reason', 'Source IP', 'Transaction', 'Size', 'Flags'];

export async function DeliveryTable({ search }: { search: DeliverySearch }) {
  const { rows, nextCursor } = await listDeliveries(await getDb(), search);
  if (rows.length === 0) {
    return (
      <p className="rounded-lg border border-slate-200 bg-white px-4 py-8 text-center text-sm text-slate-600">
        {search.q ? `No deliveries for a transaction id “${search.q}”${search.outcome ? ' with this outcome' : ''}.` : 'No deliveries here.'}
      </p>
    );
  }
  return (
    <>
      <DataTable caption="Webhook deliveries" headings={HEADINGS} cell="px-2">
        {rows.map((d) => (
          <DeliveryRowView key={d.id} d={d} />
        ))}
      </DataTable>
      <KeysetPager path="/deliveries" params={{ outcome: search.outcome, q: search.q }} onFirstPage={!search.cursor} nextCursor={nextCursor} />
    </>
  );
}

function DeliveryRowView({ d }: { d: DeliveryRow }) {
  const auth = AUTH_BADGE[d.auth] ?? { label: d.auth, family: 'open' };
  const before = (
    <>
      <Cell label="Received" className="whitespace-nowrap px-2 py-2 text-slate-700">
        <RelativeTime value={d.receivedAt.toISOString()} />
      </Cell>
      <Cell label="Provider" className="px-2 py-2 text-xs text-slate-700">
        {providerLabel(d.provider)}
      </Cell>
      <Cell label="Outcome" className="whitespace-nowrap px-2 py-2">
        <StatusBadge status={d.outcome} label={codeLabel(d.outcome)} family={OUTCOME_FAMILY[d.outcome] ?? 'open'} />
        {d.effect && <div className="mt-1 text-xs text-slate-600">{d.effect}</div>}
      </Cell>
      <Cell label="HTTP" className="px-2 py-2 tabular-nums text-slate-700">
        {d.httpStatus}
      </Cell>
      <Cell label="Auth" className="whitespace-nowrap px-2 py-2">
        <StatusBadge status={d.auth} label={auth.label} family={auth.family} />
      </Cell>
    </>
  );
  const after = (
    <>
      <Cell label="Source IP" className="whitespace-nowrap px-2 py-2 font-mono text-xs text-slate-600">
        {d.sourceIp ?? <Dash />}
      </Cell>
      <Cell label="Transaction" className="px-2 py-2 font-mono text-xs">
        {d.transactionId === null ? (
          <Dash />
        ) : (
          <span className="flex min-w-0 items-center gap-1">
            {d.paymentId !== null ? (
              <Link href={`/payments/${d.paymentId}`} prefetch={false} className="break-all text-indigo-700 hover:underline">
                {d.transactionId}
              </Link>
            ) : (
              <span className="break-all text-slate-600" title="No payment with this id is recorded">
                {d.transactionId}
              </span>
            )}
            <CopyButton value={d.transactionId} label="transaction id" />
          </span>
        )}
      </Cell>
      <Cell label="Size" className="whitespace-nowrap px-2 py-2 tabular-nums text-slate-600">
        {formatBytes(d.bodyBytes)}
      </Cell>
      <Cell label="Flags" className="px-2 py-2">
        {d.flags.length === 0 ? (
          <Dash />
        ) : (
          <div className="flex flex-wrap gap-1">
            {d.flags.map((f) => (
              <span key={f} title={describeFlag(f)} className="whitespace-nowrap rounded bg-amber-50 px-1.5 py-0.5 text-xs text-amber-900 ring-1 ring-inset ring-amber-600/20">
                {f}
              </span>
            ))}
          </div>
        )}
      </Cell>
    </>
  );
  return (
    <ExpandableRow
      before={before}
      reason={d.reason ? <p className="text-slate-900">{d.reason}</p> : <Dash />}
      after={after}
      body={d.body ? prettyJsonText(d.body) : null}
      prunedNote={d.bodyPrunedAt ? `Body removed ${formatIst(d.bodyPrunedAt)} (retention)` : null}
      truncated={d.bodyTruncated}
      columns={HEADINGS.length}
    />
  );
}
