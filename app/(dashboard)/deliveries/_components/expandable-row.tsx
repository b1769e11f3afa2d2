'use client';

import { useId, useState, type ReactNode } from 'react';

/**
 * A delivery's row, and below it (when asked) its stored body across the full table width:
 * a <details> inside one cell would squeeze the body into that column.
 */
export function ExpandableRow({ before, reason, after, body, prunedNote, truncated, columns }: { before: ReactNode; reason: ReactNode; after: ReactNode; body: string | null; prunedNote: string | null; truncated: boolean; columns: number }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <>
      <tr data-testid="delivery-row" className={open ? 'bg-slate-50' : undefined}>
        {before}
        <td data-label="Reason" className="min-w-56 max-w-md px-2 py-2">
          {reason}
          {body ? (
            <button type="button" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)} className="mt-1 text-xs font-medium text-indigo-700 hover:underline">
              {open ? '▾ Hide body' : '▸ Body (redacted)'}
            </button>
          ) : (
            <p className="mt-1 text-xs text-slate-600">{prunedNote ?? 'No body stored'}</p>
          )}
        </td>
        {after}
      </tr>
      {open && body && (
        <tr id={id} className="bg-slate-50">
          <td colSpan={columns} data-label="" className="px-2 pb-3">
            {truncated && <p className="mb-1 text-xs text-amber-700">Only the start of the body was kept.</p>}
            <pre className="max-h-[32rem] overflow-auto whitespace-pre-wrap break-words rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">{body}</pre>
          </td>
        </tr>
      )}
    </>
  );
}
