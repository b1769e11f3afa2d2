'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { BUTTON, INPUT } from '@/app/_components/ui';
import { CopyButton } from '@/app/_components/copy-button';
import { TooltipProvider } from '@/app/_components/tooltip';
import { confirmEnrolmentAction, type StepState } from '../step-actions';

/** Confirms the first code, then shows the ten recovery codes once, with a way to keep them. */
export function EnrolForm({ next }: { next: string }) {
  const [state, run, pending] = useActionState<StepState, FormData>(confirmEnrolmentAction, { error: null });
  if (state.recoveryCodes) {
    const text = state.recoveryCodes.join('\n');
    return (
      <section aria-labelledby="recovery-heading" className="space-y-3">
        <h2 id="recovery-heading" className="text-base font-semibold text-emerald-800">
          Two-factor sign-in is on. Save your recovery codes.
        </h2>
        <p className="text-sm text-slate-700">
          Each code signs you in once if you lose your phone. Keep them somewhere safe (a password manager). They are shown only now.
        </p>
        <ul data-testid="recovery-codes" className="grid grid-cols-2 gap-2 rounded bg-slate-100 p-3 font-mono text-sm text-slate-900">
          {state.recoveryCodes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <div className="flex flex-wrap items-center gap-2">
          {/* The sign-in pages sit outside the dashboard's tooltip provider. */}
          <TooltipProvider>
            <CopyButton value={text} label="recovery codes" />
          </TooltipProvider>
          <a className={BUTTON.secondary} download="payops-recovery-codes.txt" href={`data:text/plain;charset=utf-8,${encodeURIComponent(text + '\n')}`}>
            Download
          </a>
          <Link className={BUTTON.primary} href={state.next ?? '/payments'}>
            I have saved them — continue
          </Link>
        </div>
      </section>
    );
  }
  return (
    <form action={run} className="space-y-3">
      <input type="hidden" name="next" value={next} />
      <label className="block">
        <span className="text-sm font-medium text-slate-700">Code from the app</span>
        <input name="code" required autoComplete="one-time-code" inputMode="numeric" maxLength={8} placeholder="123456" className={`mt-1 font-mono tracking-widest ${INPUT}`} />
      </label>
      {state.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      )}
      <button type="submit" disabled={pending} className={`w-full ${BUTTON.primary}`}>
        {pending ? 'Checking…' : 'Turn on two-factor sign-in'}
      </button>
    </form>
  );
}
