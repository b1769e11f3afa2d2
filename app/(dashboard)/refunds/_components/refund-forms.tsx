'use client';

import Link from 'next/link';
import { useActionState, useState } from 'react';
import { ActionForm } from '@/app/_components/action-form';
import { BUTTON, INPUT, LABEL, LINK } from '@/app/_components/ui';
import { decideRefundAction, requestRefundAction, settleRefundAction, type RefundActionState } from '../actions';

function Answer({ state, next }: { state: RefundActionState | null; next?: string }) {
  if (!state) return null;
  return (
    <p role="status" className={`text-sm ${state.ok ? 'text-emerald-800' : 'text-red-800'}`} data-testid="refund-answer">
      {state.message}
      {state.stepUp && next && (
        <>
          {' '}
          <Link className={LINK} href={`/login/step-up?next=${encodeURIComponent(next)}`}>
            Confirm it is you
          </Link>
        </>
      )}
    </p>
  );
}

/** Ask for a refund: the full refundable amount or part of it, and why. */
export function RequestRefundForm({ paymentId, refundable, token }: { paymentId: number; refundable: string; token: string }) {
  const [state, run, pending] = useActionState(requestRefundAction, null);
  const [full, setFull] = useState(false);
  return (
    <ActionForm action={run} aria-label="Request a refund" className="space-y-3">
      <input type="hidden" name="paymentId" value={paymentId} />
      <input type="hidden" name="token" value={token} />
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-44">
          <label className={LABEL} htmlFor={`refund-amount-${paymentId}`}>
            Amount (₹)
          </label>
          <input
            id={`refund-amount-${paymentId}`}
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            placeholder={refundable}
            disabled={full}
            className={INPUT}
          />
        </div>
        <label className="flex items-center gap-2 pb-1.5 text-sm text-slate-700">
          <input type="checkbox" name="full" checked={full} onChange={(e) => setFull(e.target.checked)} className="h-4 w-4 rounded border-slate-300" />
          Everything refundable (₹{refundable})
        </label>
      </div>
      <div>
        <label className={LABEL} htmlFor={`refund-reason-${paymentId}`}>
          Reason (the approver reads it; never a card number)
        </label>
        <textarea id={`refund-reason-${paymentId}`} name="reason" rows={2} maxLength={500} required minLength={3} className={INPUT} />
      </div>
      <button type="submit" className={BUTTON.primary} disabled={pending}>
        Request refund
      </button>
      <Answer state={state} />
    </ActionForm>
  );
}

/** Approve (with a note when the request is held) or reject a request; withdraw one's own. */
export function DecideRefundForm({ refundId, needsNote, mayApprove, mayReject, own, next }: { refundId: number; needsNote: boolean; mayApprove: boolean; mayReject: boolean; own: boolean; next: string }) {
  const [state, run, pending] = useActionState(decideRefundAction, null);
  return (
    <ActionForm action={run} aria-label={`Decide refund ${refundId}`} className="space-y-2">
      <input type="hidden" name="refundId" value={refundId} />
      {(mayApprove || (mayReject && !own)) && (
        <div>
          <label className={LABEL} htmlFor={`refund-note-${refundId}`}>
            {needsNote ? 'Note (required to approve this one)' : 'Note (optional to approve; required to reject)'}
          </label>
          <textarea id={`refund-note-${refundId}`} name="note" rows={2} maxLength={2000} className={INPUT} />
        </div>
      )}
      <div className="flex flex-wrap gap-2">
        {mayApprove && (
          <button type="submit" name="decision" value="approve" className={BUTTON.primary} disabled={pending}>
            Approve refund
          </button>
        )}
        {mayReject && (
          <button type="submit" name="decision" value="reject" className={BUTTON.secondary} disabled={pending}>
            {own ? 'Withdraw my request' : 'Reject'}
          </button>
        )}
      </div>
      <Answer state={state} next={next} />
    </ActionForm>
  );
}

/** A refund whose send never answered: the approver says what the provider's dashboard shows. */
export function SettleUnknownForm({ refundId, requestId, next }: { refundId: number; requestId: string; next: string }) {
  const [state, run, pending] = useActionState(settleRefundAction, null);
  return (
    <ActionForm action={run} aria-label={`Settle refund ${refundId}`} className="space-y-2 rounded-md border border-orange-200 bg-orange-50 p-3">
      <p className="text-sm text-orange-950">
        The provider never answered this refund and cannot be asked about it by PayOps’ request id. Look for request id <span className="font-mono">{requestId}</span> in the
        provider’s dashboard, then say what you found. Until then its amount stays held.
      </p>
      <input type="hidden" name="refundId" value={refundId} />
      <div className="grid gap-2 sm:grid-cols-2">
        <div>
          <label className={LABEL} htmlFor={`settle-id-${refundId}`}>
            Provider’s refund id (if it landed)
          </label>
          <input id={`settle-id-${refundId}`} name="providerRefundId" autoComplete="off" className={INPUT} />
        </div>
        <div>
          <label className={LABEL} htmlFor={`settle-note-${refundId}`}>
            What you found (required)
          </label>
          <textarea id={`settle-note-${refundId}`} name="note" rows={2} maxLength={2000} className={INPUT} />
        </div>
      </div>
      <div className="flex flex-wrap gap-2">
        <button type="submit" name="outcome" value="landed" className={BUTTON.primary} disabled={pending}>
          It landed
        </button>
        <button type="submit" name="outcome" value="not_landed" className={BUTTON.secondary} disabled={pending}>
          It did not land
        </button>
      </div>
      <Answer state={state} next={next} />
    </ActionForm>
  );
}
