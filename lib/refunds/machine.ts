import { sql, type SQL } from 'drizzle-orm';
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

/** Sent (or maybe sent) and not final: what the provider is asked about, and what can get stuck. */
export const AT_PROVIDER: readonly RefundState[] = ['sending', 'unknown', 'pending', 'manual_review'];
/** Approved and not final: on its way (the /refunds "In flight" list). */
export const IN_FLIGHT: readonly RefundState[] = ['approved', ...AT_PROVIDER];

/** `state IN (…)` of a list above, written out as literals so the planner matches refunds_open_idx's predicate. */
export const stateIn = (column: SQL, states: readonly RefundState[]): SQL => sql`${column} IN (${sql.raw(states.map((s) => `'${s}'`).join(', '))})`;

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
