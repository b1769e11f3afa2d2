import type { Metadata } from 'next';
import Link from 'next/link';
import { Cell, DataTable } from '@/app/_components/data-table';
import { IstTime, Money } from '@/app/_components/format';
import { LINK } from '@/app/_components/ui';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { listBatches } from '@/lib/refunds/bulk';
import { BATCH_STATE_WORDS } from '../batches/[id]/words';
import { UploadForm } from './_components/upload-form';

export const metadata: Metadata = { title: 'Bulk refunds' };

/** Finance uploads a CSV of refunds; each row is checked before anything is asked for. */
export default async function BulkRefundsPage() {
  await requirePagePermission('refunds.request');
  const batches = await listBatches(await getDb(), 20);
  return (
    <div className="space-y-5">
      <Link href="/refunds" prefetch={false} className="text-sm font-medium text-indigo-700 hover:underline">
        ← Refunds
      </Link>
      <header>
        <h1 className="text-xl font-semibold tracking-tight">Bulk refunds</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Upload a CSV whose first row names the columns <code>transaction_id</code>, <code>amount</code> (rupees, e.g. 200 or 1299.50) and <code>reason</code>; an
          optional <code>provider</code> column tells apart two providers&rsquo; payments with one id. Every row is checked first and nothing is asked for until you
          confirm; then someone else approves the batch with a code from their authenticator app.
        </p>
      </header>
      <section className="max-w-xl rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <UploadForm />
      </section>
      <section className="space-y-2">
        <h2 className="text-base font-semibold">Recent batches</h2>
        {batches.length === 0 ? (
          <p className="text-sm text-slate-600">No batch uploaded yet.</p>
        ) : (
          <DataTable headings={['Batch', 'File', 'Uploaded by', 'Uploaded (IST)', 'State', 'Valid rows', 'Refused rows', 'Total']} caption="Recent refund batches">
            {batches.map((b) => (
              <tr key={b.id}>
                <Cell label="Batch" className="px-3 py-2">
                  <Link href={`/refunds/batches/${b.id}`} prefetch={false} className={LINK}>
                    #{b.id}
                  </Link>
                </Cell>
                <Cell label="File" className="break-all px-3 py-2 text-xs">{b.fileName}</Cell>
                <Cell label="Uploaded by" className="px-3 py-2 text-xs">{b.uploader ?? '—'}</Cell>
                <Cell label="Uploaded (IST)" className="px-3 py-2 text-xs"><IstTime value={b.createdAt} /></Cell>
                <Cell label="State" className="px-3 py-2 text-xs">{BATCH_STATE_WORDS[b.state] ?? b.state}</Cell>
                <Cell label="Valid rows" className="px-3 py-2 text-right tabular-nums">{b.validRows}</Cell>
                <Cell label="Refused rows" className="px-3 py-2 text-right tabular-nums">{b.invalidRows}</Cell>
                <Cell label="Total" className="px-3 py-2 text-right"><Money value={b.total} /></Cell>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </div>
  );
}
