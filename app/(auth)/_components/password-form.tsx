'use client';

import { useActionState } from 'react';
import { BUTTON, INPUT } from '@/app/_components/ui';

export type PasswordState = { error: string | null; ok?: string | null };

/** Current password, a new one (12+ characters, judged for strength on the server), and a button. */
export function PasswordForm({
  action,
  next,
  submit,
  currentLabel = 'Current password',
}: {
  action: (prev: PasswordState, form: FormData) => Promise<PasswordState>;
  next?: string;
  submit: string;
  currentLabel?: string;
}) {
  const [state, run, pending] = useActionState<PasswordState, FormData>(action, { error: null });
  return (
    <form action={run} className="space-y-4">
      {next && <input type="hidden" name="next" value={next} />}
      <label className="block">
        <span className="text-sm font-medium text-slate-700">{currentLabel}</span>
        <input name="current" type="password" required autoComplete="current-password" className={`mt-1 ${INPUT}`} />
      </label>
      <label className="block">
        <span className="text-sm font-medium text-slate-700">New password</span>
        <input name="password" type="password" required minLength={12} maxLength={256} autoComplete="new-password" aria-describedby="password-help" className={`mt-1 ${INPUT}`} />
        <span id="password-help" className="mt-1 block text-xs text-slate-500">
          At least 12 characters and hard to guess: a few unrelated words work well. Not your current password.
        </span>
      </label>
      {state.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      )}
      {state.ok && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {state.ok}
        </p>
      )}
      <button type="submit" disabled={pending} className={BUTTON.primary}>
        {pending ? 'Saving…' : submit}
      </button>
    </form>
  );
}
