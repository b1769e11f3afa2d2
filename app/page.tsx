import { getDbHandle } from '@/db/client';
import { env } from '@/lib/env';
import { checkDatabase } from '@/lib/health';

export const dynamic = 'force-dynamic';

/** The front door: what this server is, whether its database answers, and what to give Enkash. */
export default async function Home() {
  const e = env();
  const health = await checkDatabase(getDbHandle);
  const rows: [string, React.ReactNode][] = [
    ['Database', `${health.database.kind === 'pglite' ? 'Embedded PGlite' : 'PostgreSQL'} — ${health.database.ok ? 'answering' : 'unreachable'}`],
    ['Enkash notify URL', <code key="u">/api/webhooks/enkash/notify?key=&lt;ENKASH_WEBHOOK_SECRET&gt;</code>],
    ['Webhook secret', e.ENKASH_WEBHOOK_SECRET ? 'configured' : 'not set — notifications are accepted unauthenticated (demo only)'],
    ['Read API', e.PAYOPS_API_TOKEN ? 'enabled (bearer token)' : 'disabled — set PAYOPS_API_TOKEN'],
  ];
  return (
    <main className="mx-auto max-w-2xl px-6 py-16">
      <h1 className="text-3xl font-semibold tracking-tight">PayOps</h1>
      <p className="mt-2 text-slate-600">Operations console for payments taken through Enkash and Juspay.</p>
      <section aria-label="Status" className="mt-8 rounded-lg border border-slate-200 bg-white shadow-sm">
        <dl className="divide-y divide-slate-100">
          {rows.map(([label, value]) => (
            <div key={label} className="grid grid-cols-3 gap-4 px-5 py-3 text-sm">
              <dt className="font-medium text-slate-500">{label}</dt>
              <dd className="col-span-2 text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <p className="mt-6 text-sm text-slate-500">
        Status: <span className={health.status === 'ok' ? 'text-emerald-700' : 'text-red-700'}>{health.status}</span>
      </p>
    </main>
  );
}
