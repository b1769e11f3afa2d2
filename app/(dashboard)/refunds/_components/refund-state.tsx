import type { RefundState } from '@/db/schema';

const STATE: Record<RefundState, { label: string; style: string }> = {
  requested: { label: 'Awaiting approval', style: 'bg-amber-50 text-amber-900 ring-amber-600/20' },
  approved: { label: 'Approved, sending', style: 'bg-sky-50 text-sky-800 ring-sky-600/20' },
  sending: { label: 'Sending', style: 'bg-sky-50 text-sky-800 ring-sky-600/20' },
  unknown: { label: 'Outcome unknown', style: 'bg-orange-50 text-orange-900 ring-orange-600/20' },
  pending: { label: 'Pending at provider', style: 'bg-sky-50 text-sky-800 ring-sky-600/20' },
  manual_review: { label: 'Manual review at provider', style: 'bg-orange-50 text-orange-900 ring-orange-600/20' },
  succeeded: { label: 'Succeeded', style: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20' },
  failed: { label: 'Failed', style: 'bg-red-50 text-red-800 ring-red-600/20' },
  rejected: { label: 'Rejected', style: 'bg-slate-100 text-slate-700 ring-slate-500/20' },
  expired: { label: 'Expired', style: 'bg-slate-100 text-slate-700 ring-slate-500/20' },
};

export const refundStateLabel = (s: string) => STATE[s as RefundState]?.label ?? s;

export function RefundStateBadge({ state }: { state: string }) {
  const s = STATE[state as RefundState] ?? { label: state, style: 'bg-slate-100 text-slate-700 ring-slate-500/20' };
  return (
    <span data-testid="refund-state" data-state={state} className={`inline-flex rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${s.style}`}>
      {s.label}
    </span>
  );
}

const STEP_WORDS: Record<string, string> = {
  requested: 'Requested',
  approved: 'Approved',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn by the requester',
  expired: 'Expired without a decision',
  approve_refused: 'Approval refused',
  sending: 'Sent to the provider',
  outcome_unknown: 'No answer from the provider',
  not_landed: 'The provider never got it: sending again',
  send_failed: 'Could not reach the provider: will retry',
  provider_refused: 'Refused by the provider',
  provider_pending: 'Provider: pending',
  provider_succeeded: 'Provider: succeeded',
  provider_failed: 'Provider: failed',
  provider_manual_review: 'Provider: manual review',
  provider_answer: 'Provider answered',
  settled_by_person: 'Settled by a person',
};
export const refundStepLabel = (a: string) => STEP_WORDS[a] ?? a;
