'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { BUTTON, LINK } from '@/app/_components/ui';
import { newRecoveryCodesAction, type CodesState } from './actions';

/** New recovery codes (the old ones stop working), after a fresh code check; shown once. */
export function RecoveryCodes({ steppedUp }: { steppedUp: boolean }) {
  const [state, run, pending] = useActionState<CodesState>(newRecoveryCodesAction, { error: null });
  if (state.codes) {
    return (
      <div className="space-y-2">
        <p className="font-medium text-emerald-800">New recovery codes — the old ones no longer work. Shown only now:</p>
        <ul data-testid="recovery-codes" className="grid grid-cols-2 gap-2 rounded bg-slate-100 p-3 font-mono text-sm text-slate-900">
          {state.codes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      </div>
    );
  }
  if (!steppedUp) {
    return (
      <p>
        <Link className={LINK} href="/login/step-up?next=/account">
          Confirm with a code
        </Link>{' '}
        to make new recovery codes.
      </p>
    );
  }
  return (
    <form action={run}>
      {state.error && (
        <p role="alert" className="mb-2 text-red-800">
          {state.error}
        </p>
      )}
      <button type="submit" disabled={pending} className={BUTTON.secondary}>
        Make new recovery codes
      </button>
    </form>
  );
}
