'use client';

import { useActionState } from 'react';
import { BUTTON } from '@/app/_components/ui';
import { verifyAuditLogAction, type VerifyState } from '../actions';

const initial: VerifyState = { ok: false, message: null };

export function VerifyButton() {
  const [state, action, pending] = useActionState(verifyAuditLogAction, initial);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <button type="submit" disabled={pending} className={BUTTON.secondary}>
        {pending ? 'Verifying the whole log…' : 'Verify the whole log now'}
      </button>
      {state.message && (
        <p role={state.ok ? 'status' : 'alert'} data-testid="verify-result" className={`text-sm ${state.ok ? 'text-emerald-700' : 'text-red-700'}`}>
          {state.message}
        </p>
      )}
    </form>
  );
}
