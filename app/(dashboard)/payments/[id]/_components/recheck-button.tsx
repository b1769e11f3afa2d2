'use client';

import { useActionState } from 'react';
import { recheckAction, type RecheckState } from '../actions';

const initial: RecheckState = { ok: false, message: null };

export function RecheckButton({ id }: { id: number }) {
  const [state, action, pending] = useActionState(recheckAction, initial);
  return (
    <form action={action} className="mt-3">
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        disabled={pending}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50 disabled:opacity-60"
      >
        {pending ? 'Asking the provider…' : 'Re-check with provider'}
      </button>
      {state.message && (
        <p role={state.ok ? 'status' : 'alert'} className={`mt-2 text-xs ${state.ok ? 'text-emerald-700' : 'text-red-700'}`}>
          {state.message}
        </p>
      )}
    </form>
  );
}
