'use client';

import { useActionState, useEffect, useState } from 'react';
import type { OtpActionState } from '@/lib/otp/console';
import { OTP_REASONS } from '@/lib/otp/reasons';
import { resendOtpAction, sendWalletOtpAction } from '../otp-actions';

const input = 'mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500';
const button = 'rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:cursor-not-allowed disabled:opacity-50';

interface FormProps {
  transactionId: number;
  /** Part of the idempotency key: a double submit of this render is one provider call. */
  attemptKey: string;
  /** Seconds of cooldown left when the page rendered (the server decides; this only counts down). */
  cooldownSeconds: number;
}

export function ResendOtpForm({ transactionId, attemptKey, cooldownSeconds, providerName }: FormProps & { providerName: string }) {
  const [state, action, pending] = useActionState(resendOtpAction, null);
  const left = useCountdown(cooldownSeconds, attemptKey);
  return (
    <form action={action} aria-label="Resend OTP" className="space-y-2">
      <Hidden transactionId={transactionId} attemptKey={attemptKey} />
      <ReasonFields state={state} />
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending || left > 0} className={button}>
          {pending ? 'Sending…' : 'Resend OTP'}
        </button>
        <Cooldown left={left} />
      </div>
      <p className="text-xs text-slate-500">PayOps asks {providerName} to send the customer a new OTP. The OTP itself never reaches PayOps.</p>
      <Outcome state={state} />
    </form>
  );
}

export function WalletOtpForm({ transactionId, attemptKey, cooldownSeconds, cardAccountId, enKashCardId }: FormProps & { cardAccountId: string; enKashCardId: string }) {
  const [state, action, pending] = useActionState(sendWalletOtpAction, null);
  const left = useCountdown(cooldownSeconds, attemptKey);
  return (
    <form action={action} aria-label="Send wallet transaction OTP" className="space-y-2">
      <Hidden transactionId={transactionId} attemptKey={attemptKey} />
      <div className="grid grid-cols-2 gap-2">
        <label className="block text-xs font-medium text-slate-600">
          Card account id
          <input name="cardAccountId" defaultValue={cardAccountId} required maxLength={64} autoComplete="off" className={`${input} font-mono`} />
          <FieldError state={state} field="cardAccountId" />
        </label>
        <label className="block text-xs font-medium text-slate-600">
          Enkash card id
          <input name="enKashCardId" defaultValue={enKashCardId} required maxLength={64} autoComplete="off" className={`${input} font-mono`} />
          <FieldError state={state} field="enKashCardId" />
        </label>
      </div>
      <ReasonFields state={state} />
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending || left > 0} className={button}>
          {pending ? 'Sending…' : 'Send wallet transaction OTP'}
        </button>
        <Cooldown left={left} />
      </div>
      {state?.maskedMobile && (
        <p role="status" data-testid="otp-masked-mobile" className="text-sm text-slate-700">
          Enkash sent the OTP to the mobile number <span className="font-mono">{state.maskedMobile}</span>.
        </p>
      )}
      <Outcome state={state} />
    </form>
  );
}

function Hidden({ transactionId, attemptKey }: { transactionId: number; attemptKey: string }) {
  return (
    <>
      <input type="hidden" name="transactionId" value={transactionId} />
      <input type="hidden" name="attemptKey" value={attemptKey} />
    </>
  );
}

function ReasonFields({ state }: { state: OtpActionState | null }) {
  return (
    <div className="grid gap-2 sm:grid-cols-2">
      <label className="block text-xs font-medium text-slate-600">
        Reason
        <select name="reasonCode" required defaultValue="" className={input}>
          <option value="" disabled>
            Pick a reason…
          </option>
          {Object.entries(OTP_REASONS).map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
        <FieldError state={state} field="reasonCode" />
      </label>
      <label className="block text-xs font-medium text-slate-600">
        Note <span className="font-normal text-slate-400">(needed for “Other”)</span>
        <input name="reasonNote" maxLength={200} autoComplete="off" className={input} />
        <FieldError state={state} field="reasonNote" />
      </label>
    </div>
  );
}

function FieldError({ state, field }: { state: OtpActionState | null; field: string }) {
  const message = state?.fieldErrors?.[field];
  return message ? <span className="mt-1 block text-xs text-red-700">{message}</span> : null;
}

function Cooldown({ left }: { left: number }) {
  if (left <= 0) return null;
  return (
    <span data-testid="otp-cooldown" className="text-sm tabular-nums text-amber-800">
      Cooldown: next OTP possible in {left} s
    </span>
  );
}

function Outcome({ state }: { state: OtpActionState | null }) {
  if (!state) return null;
  return (
    <p role={state.ok ? 'status' : 'alert'} data-testid="otp-outcome" data-outcome={state.outcome ?? 'invalid'} className={`rounded-md px-3 py-2 text-sm ${state.ok ? 'bg-emerald-50 text-emerald-900' : 'bg-red-50 text-red-900'}`}>
      {state.message}
    </p>
  );
}

/** Counts down from the server's figure; restarts whenever the page renders a new attempt key. */
function useCountdown(seconds: number, key: string): number {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    const end = Date.now() + seconds * 1000;
    setLeft(seconds);
    if (seconds <= 0) return;
    const timer = setInterval(() => {
      const l = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      setLeft(l);
      if (l === 0) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [seconds, key]);
  return left;
}
