'use client';

import { useActionState, useEffect, useState } from 'react';
import { ActionForm } from '@/app/_components/action-form';
import { Select } from '@/app/_components/select';
import { BUTTON, INPUT } from '@/app/_components/ui';
import type { OtpActionState } from '@/lib/otp/console';
import { OTP_REASONS } from '@/lib/otp/reasons';
import { resendOtpAction, sendWalletOtpAction } from '../otp-actions';

const input = `${INPUT} mt-1`;
const button = BUTTON.primary;
const REASON_OPTIONS = Object.entries(OTP_REASONS).map(([value, label]) => ({ value, label }));

interface FormProps {
  transactionId: number;
  /** Part of the idempotency key: a double submit of this render is one provider call. */
  attemptKey: string;
  /** Seconds of cooldown left when the page rendered (the server decides; this only counts down). */
  cooldownSeconds: number;
  /** Sends left in the payment's budget when the page rendered. */
  remaining: number;
}

/** What is left of the budget: the latest answer's figure, else the page's. */
const leftOf = (state: OtpActionState | null, remaining: number) => state?.budget?.remaining ?? remaining;

export function ResendOtpForm({ transactionId, attemptKey, cooldownSeconds, remaining, providerName }: FormProps & { providerName: string }) {
  const [state, action, pending] = useActionState(resendOtpAction, null);
  const left = useCountdown(cooldownSeconds, attemptKey);
  const spent = leftOf(state, remaining) <= 0;
  return (
    <ActionForm action={action} aria-label="Resend OTP" className="space-y-2">
      <Hidden transactionId={transactionId} attemptKey={attemptKey} />
      <ReasonFields state={state} disabled={spent} />
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending || left > 0 || spent} aria-describedby={spent ? `budget-spent-${transactionId}` : undefined} className={button}>
          {pending ? 'Sending…' : 'Resend OTP'}
        </button>
        {spent ? <BudgetSpent id={`budget-spent-${transactionId}`} /> : <Cooldown left={left} />}
      </div>
      <p className="text-xs text-slate-500">PayOps asks {providerName} to send the customer a new OTP. The OTP itself never reaches PayOps.</p>
      <Outcome state={state} />
    </ActionForm>
  );
}

/** The wallet transaction OTP, to the payment's own card: shown, masked, never typed in. */
export function WalletOtpForm({ transactionId, attemptKey, cooldownSeconds, remaining, card }: FormProps & { card: { cardAccountId: string; enKashCardId: string } }) {
  const [state, action, pending] = useActionState(sendWalletOtpAction, null);
  const left = useCountdown(cooldownSeconds, attemptKey);
  const spent = leftOf(state, remaining) <= 0;
  return (
    <ActionForm action={action} aria-label="Send wallet transaction OTP" className="space-y-2">
      <Hidden transactionId={transactionId} attemptKey={attemptKey} />
      <p className="text-sm text-slate-700" data-testid="otp-wallet-card">
        To this payment&apos;s Enkash Wallet card: card account <span className="font-mono">{card.cardAccountId}</span>, Enkash card{' '}
        <span className="font-mono">{card.enKashCardId}</span>.
      </p>
      <ReasonFields state={state} disabled={spent} />
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending || left > 0 || spent} className={button}>
          {pending ? 'Sending…' : 'Send wallet transaction OTP'}
        </button>
        {spent ? <BudgetSpent id={`wallet-budget-spent-${transactionId}`} /> : <Cooldown left={left} />}
      </div>
      {state?.maskedMobile && (
        <p role="status" data-testid="otp-masked-mobile" className="text-sm text-slate-700">
          Enkash sent the OTP to the mobile number <span className="font-mono">{state.maskedMobile}</span>.
        </p>
      )}
      <Outcome state={state} />
    </ActionForm>
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

/** The reason and its note: kept as chosen whatever the answer (a refusal names the field to fix). */
function ReasonFields({ state, disabled }: { state: OtpActionState | null; disabled?: boolean }) {
  const [reason, setReason] = useState('');
  return (
    <div className="grid gap-2 sm:grid-cols-2">
      <div>
        <Select name="reasonCode" label="Reason" options={REASON_OPTIONS} value={reason} onValueChange={setReason} placeholder="Pick a reason…" disabled={disabled} />
        <FieldError state={state} field="reasonCode" />
      </div>
      <label className="block text-xs font-medium text-slate-600">
        Note <span className="font-normal text-slate-600">{reason === 'other' ? '(required for “Other”)' : '(optional)'}</span>
        <input name="reasonNote" maxLength={200} autoComplete="off" disabled={disabled} className={input} />
        <FieldError state={state} field="reasonNote" />
      </label>
    </div>
  );
}

function BudgetSpent({ id }: { id: string }) {
  return (
    <span id={id} data-testid="otp-budget-spent" className="text-sm text-amber-900">
      No OTP sends left for this payment: its budget is used up.
    </span>
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
