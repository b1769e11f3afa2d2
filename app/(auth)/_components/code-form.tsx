'use client';

import { useActionState } from 'react';
import { BUTTON, INPUT } from '@/app/_components/ui';
import type { StepState } from '../login/step-actions';

/** One code field (an authenticator code, or a recovery code where allowed) and a button. */
export function CodeForm({
  action,
  next,
  submit,
  allowRecovery = true,
}: {
  action: (prev: StepState, form: FormData) => Promise<StepState>;
  next: string;
  submit: string;
  allowRecovery?: boolean;
}) {
  const [state, run, pending] = useActionState<StepState, FormData>(action, { error: null });
  return (
    <form action={run} className="space-y-4">
      <input type="hidden" name="next" value={next} />
      <label className="block">
        <span className="text-sm font-medium text-slate-700">{allowRecovery ? 'Authenticator code or recovery code' : 'Authenticator code'}</span>
        <input
          name="code"
          required
          autoFocus
          autoComplete="one-time-code"
          inputMode={allowRecovery ? 'text' : 'numeric'}
          maxLength={32}
          placeholder={allowRecovery ? '123456 or abcde-fghij' : '123456'}
          aria-invalid={!!state.error}
          aria-describedby={state.error ? 'code-error' : undefined}
          className={`mt-1 font-mono tracking-widest ${INPUT}`}
        />
      </label>
      {state.error && (
        <p id="code-error" role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      )}
      <button type="submit" disabled={pending} className={`w-full ${BUTTON.primary}`}>
        {pending ? 'Checking…' : submit}
      </button>
    </form>
  );
}
