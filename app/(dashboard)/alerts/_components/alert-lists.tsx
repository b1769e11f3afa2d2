import { DataTable } from '@/app/_components/data-table';
import { IstTime } from '@/app/_components/format';
import { KeysetPager } from '@/app/_components/keyset-pager';
import { getDb } from '@/db/client';
import type { AlertSeverity } from '@/db/schema';
import { formatDuration } from '@/lib/alerts/message';
import { deliveryText, describeNumbers } from '@/lib/alerts/present';
import { listAlertHistory, listOpenAlerts, type AlertRow } from '@/lib/alerts/queries';

const SEVERITY_STYLE: Record<AlertSeverity, string> = {
  critical: 'bg-red-50 text-red-800 ring-red-600/20',
  warning: 'bg-amber-50 text-amber-800 ring-amber-600/20',
};

function SeverityBadge({ severity }: { severity: AlertSeverity }) {
  return (
    <span className={`inline-flex items-center rounded-md px-2 py-0.5 text-xs font-semibold uppercase ring-1 ring-inset ${SEVERITY_STYLE[severity] ?? SEVERITY_STYLE.warning}`}>
      {severity}
    </span>
  );
}

function Numbers({ numbers, label }: { numbers: AlertRow['numbers']; label: string }) {
  return (
    <dl aria-label={label} className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
      {describeNumbers(numbers).map(({ label: name, value }) => (
        <div key={name} className="contents">
          <dt className="text-slate-500">{name}</dt>
          <dd className="tabular-nums text-slate-800">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Messages({ alert }: { alert: AlertRow }) {
  if (alert.deliveries.length === 0) return <p className="text-xs text-slate-400">No message recorded.</p>;
  return (
    <ul className="space-y-0.5 text-xs text-slate-600">
      {alert.deliveries.map((d) => (
        <li key={d.transition}>{deliveryText(d)}</li>
      ))}
    </ul>
  );
}

export async function OpenAlerts({ rules }: { rules: string[] }) {
  const open = await listOpenAlerts(await getDb(), { rules });
  return (
    <section aria-labelledby="open-alerts" className="space-y-3">
      <h2 id="open-alerts" className="text-base font-semibold">
        Open now {open.length > 0 && <span className="text-slate-500">({open.length})</span>}
      </h2>
      {open.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white px-4 py-6 text-center text-sm text-slate-500">No alert is open.</p>
      ) : (
        <ul className="space-y-3">
          {open.map((a) => (
            <li key={a.id} id={`alert-${a.id}`} className={`rounded-lg border bg-white p-4 ${a.severity === 'critical' ? 'border-red-300' : 'border-amber-300'}`}>
              <div className="flex flex-wrap items-center gap-3">
                <SeverityBadge severity={a.severity} />
                <h3 className="font-semibold">{a.title}</h3>
                <span className="text-sm text-slate-600">
                  open for {formatDuration(Date.now() - a.openedAt.getTime())}, since <IstTime value={a.openedAt} />
                </span>
              </div>
              <p className="mt-2 text-sm text-slate-800">{a.summary}</p>
              {a.clearSince && (
                <p className="mt-1 text-xs text-slate-500">
                  Clear since <IstTime value={a.clearSince} />; resolves once clear for long enough.
                </p>
              )}
              <div className="mt-3 grid gap-4 sm:grid-cols-3">
                <div>
                  <p className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Tripped at</p>
                  <Numbers numbers={a.openedNumbers} label="Numbers when it opened" />
                </div>
                <div>
                  <p className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">
                    Now (checked <IstTime value={a.lastEvaluatedAt} />)
                  </p>
                  <Numbers numbers={a.numbers} label="Latest numbers" />
                </div>
                <div>
                  <p className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Messages</p>
                  <Messages alert={a} />
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const HEADINGS = ['Severity', 'Alert', 'Opened (IST)', 'Resolved (IST)', 'Lasted', 'Tripped at', 'At resolution', 'Messages'];

export async function AlertHistory({ rules, cursor }: { rules: string[]; cursor?: number }) {
  const { rows, nextCursor } = await listAlertHistory(await getDb(), { rules, cursor });
  return (
    <section aria-labelledby="alert-history" className="space-y-3">
      <h2 id="alert-history" className="text-base font-semibold">
        History
      </h2>
      {rows.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white px-4 py-6 text-center text-sm text-slate-500">No resolved alert yet.</p>
      ) : (
        <>
          <DataTable headings={HEADINGS} cell="px-2">
            {rows.map((a) => (
              <tr key={a.id} id={`alert-${a.id}`}>
                <td className="px-2 py-2">
                  <SeverityBadge severity={a.severity} />
                </td>
                <td className="max-w-72 px-2 py-2">
                  <div className="font-medium">{a.title}</div>
                  <div className="mt-0.5 text-xs text-slate-600">{a.openedSummary}</div>
                </td>
                <td className="min-w-28 px-2 py-2 text-slate-700">
                  <IstTime value={a.openedAt} />
                </td>
                <td className="min-w-28 px-2 py-2 text-slate-700">
                  <IstTime value={a.resolvedAt} />
                </td>
                <td className="whitespace-nowrap px-2 py-2 tabular-nums">{a.resolvedAt && formatDuration(a.resolvedAt.getTime() - a.openedAt.getTime())}</td>
                <td className="px-2 py-2">
                  <Numbers numbers={a.openedNumbers} label="Numbers when it opened" />
                </td>
                <td className="px-2 py-2">
                  <Numbers numbers={a.numbers} label="Numbers at resolution" />
                </td>
                <td className="max-w-64 px-2 py-2">
                  <Messages alert={a} />
                </td>
              </tr>
            ))}
          </DataTable>
          <KeysetPager path="/alerts" params={{}} onFirstPage={!cursor} nextCursor={nextCursor} />
        </>
      )}
    </section>
  );
}
