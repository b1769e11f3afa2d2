import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { refundEvents, type RefundRow, type RefundState } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';

/**
 * A refund's life, as data. Every change of state is one conditional UPDATE (WHERE state is one it
 * may leave) with its timeline event and audit row in the same transaction, so of two writers (two
 * approvers, a webhook and the tracker, a replayed action) one wins and the other changes nothing.
 */
export const REFUND_TRANSITIONS: Record<RefundState, readonly RefundState[]> = {
  requested: ['approved', 'rejected', 'expired'],
  approved: ['sending'],
  // A send that crashed or timed out is `unknown` until the provider is asked.
  sending: ['pending', 'succeeded', 'failed', 'manual_review', 'unknown', 'approved'],
  // Asked and found: its state; asked and not found (Juspay): never landed, so `approved` sends it again.
  unknown: ['pending', 'succeeded', 'failed', 'manual_review', 'approved'],
  pending: ['succeeded', 'failed', 'manual_review'],
  manual_review: ['pending', 'succeeded', 'failed'],
  succeeded: [],
  failed: [],
  rejected: [],
  expired: [],
};

export const FINAL_REFUND_STATES: readonly RefundState[] = ['succeeded', 'failed', 'rejected', 'expired'];
/** States whose amount is held against the payment (the trigger's payops_refund_holds). */
export const HOLDING_STATES: readonly RefundState[] = ['approved', 'sending', 'unknown', 'pending', 'manual_review', 'succeeded'];

export const fromStates = (to: RefundState): RefundState[] =>
  (Object.keys(REFUND_TRANSITIONS) as RefundState[]).filter((from) => REFUND_TRANSITIONS[from].includes(to));

/** Who did it: a person, the merchant's backend (API token) or PayOps itself (a job, a webhook). */
export interface RefundActor {
  id: number | null;
  /** `user:3`, `api`, `system:refunds-send`. */
  label: string;
  role: string | null;
  sourceIp?: string | null;
}

export const SYSTEM = (what: string): RefundActor => ({ id: null, label: `system:${what}`, role: null });

/** The timeline event and the audit row of one step, in the caller's transaction. */
export async function recordRefundStep(
  tx: DbOrTx,
  actor: RefundActor,
  refund: Pick<RefundRow, 'id' | 'transactionRowId' | 'requestId' | 'amount' | 'currency' | 'provider'>,
  step: { action: string; from?: RefundState | null; to?: RefundState | null; outcome?: string; detail?: Record<string, unknown> },
): Promise<void> {
  const detail = step.detail ?? {};
  await tx.insert(refundEvents).values({
    refundId: refund.id,
    action: step.action,
    fromState: step.from ?? null,
    toState: step.to ?? null,
    actorId: actor.id,
    actor: actor.label,
    detail,
    at: sql`now()`,
  });
  await recordAudit(tx, {
    actor: actor.label,
    actorRole: actor.role,
    action: `refunds.${step.action}`,
    target: `refund:${refund.id}`,
    sourceIp: actor.sourceIp ?? null,
    outcome: step.outcome ?? 'ok',
    details: {
      payment: refund.transactionRowId,
      provider: refund.provider,
      amount: refund.amount,
      currency: refund.currency,
      providerRequestId: refund.requestId,
      ...(step.from !== undefined ? { from: step.from } : {}),
      ...(step.to !== undefined ? { to: step.to } : {}),
      ...detail,
    },
  });
}
