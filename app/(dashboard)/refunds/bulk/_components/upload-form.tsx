'use client';

import { useActionState } from 'react';
import { BUTTON, INPUT, LABEL } from '@/app/_components/ui';
import { uploadRefundBatchAction, type UploadState } from '../actions';

/** The CSV upload; a refused file says why here, a checked one opens its batch. */
export function UploadForm() {
  const [state, run, pending] = useActionState<UploadState, FormData>(uploadRefundBatchAction, { error: null });
  return (
    <form action={run} className="space-y-3">
      <div>
        <label htmlFor="refund-file" className={LABEL}>
          CSV file (UTF-8, at most 1 MiB and 5,000 rows)
        </label>
        <input id="refund-file" name="file" type="file" accept=".csv,text/csv" required className={`${INPUT} mt-1`} />
      </div>
      {state.error && (
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {state.error}
        </p>
      )}
      <button type="submit" disabled={pending} className={BUTTON.primary}>
        {pending ? 'Checking…' : 'Upload and check'}
      </button>
    </form>
  );
}
