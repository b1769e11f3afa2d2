'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { authorize, steppedUp } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { AppError } from '@/lib/errors';
import { actionIp } from '@/lib/http/action-request';
import { approveRefund, rejectRefund, settleUnknownRefund } from '@/lib/refunds/decide';
import { queueRefundCheck, queueRefundSend } from '@/lib/refunds/jobs';
import { requestRefund } from '@/lib/refunds/request';

export interface RefundActionState {
  ok: boolean;
  message: string;
  /** The refund asked for or decided, for the page's answer. */
  refundId?: number;
  /** The session must pass a code check first (the page links to it). */
  stepUp?: boolean;
}

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const requestSchema = z.object({
  paymentId: id,
  full: z.enum(['on']).optional(),
  amount: z.string().max(40).optional(),
  reason: z.string().max(4000),
  // Made when the form was rendered: a double click or a replayed action is one request.
  token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
});

const words = (err: unknown): RefundActionState | null => (err instanceof AppError ? { ok: false, message: err.message } : null);

/** "Request refund" on a payment (finance, admin): full or partial, with a reason. Nothing moves until someone else approves it. */
export async function requestRefundAction(_prev: RefundActionState | null, form: FormData): Promise<RefundActionState> {
  let user;
  try {
    user = await authorize('refunds.request');
  } catch (err) {
    const w = words(err);
    if (w) return w;
    throw err;
  }
  const input = requestSchema.safeParse(Object.fromEntries([...form.entries()].filter(([, v]) => v !== '')));
  if (!input.success) return { ok: false, message: 'That request was not complete: give an amount (or choose the full amount) and a reason.' };
  const { paymentId, full, amount, reason, token } = input.data;
  if (!full && !amount) return { ok: false, message: 'Give the amount to refund, or choose the full amount.' };
  const result = await requestRefund(
    await getDb(),
    { id: user.id, label: `user:${user.id}`, role: user.role, sourceIp: await actionIp() },
    { paymentId, amount: full ? null : (amount ?? '').replace(/,/g, ''), reason, source: 'console', idempotencyKey: `console:${user.id}:${token}` },
  );
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(`/payments/${paymentId}`);
  revalidatePath('/refunds');
  const holds = result.refund.holds.length ? ' It needs a note from its approver and a minute’s wait.' : '';
  return {
    ok: true,
    refundId: result.refund.id,
    message: `${result.repeated ? 'Already asked' : 'Asked'}: ₹${result.refund.amount.replace(/(\.\d\d)00$/, '$1')} back to the customer, waiting for someone else to approve it.${holds}`,
  };
}

const decideSchema = z.object({ decision: z.enum(['approve', 'reject']), refundId: id, note: z.string().max(4000).optional(), paymentId: id.optional() });

/**
 * Approve or reject a refund request. Approving needs `refunds.approve`, someone other than the
 * requester and a code checked within STEP_UP_MINUTES; once approved, a job sends it. Rejecting is
 * the approver's, or the requester withdrawing their own.
 */
export async function decideRefundAction(_prev: RefundActionState | null, form: FormData): Promise<RefundActionState> {
  const input = decideSchema.safeParse(Object.fromEntries([...form.entries()].filter(([, v]) => v !== '')));
  if (!input.success) return { ok: false, message: 'That request was not complete.' };
  const { decision, refundId, note } = input.data;
  let user;
  try {
    user = await authorize(decision === 'approve' ? 'refunds.approve' : 'refunds.read');
    if (decision === 'reject' && !can(user.role, 'refunds.approve') && !can(user.role, 'refunds.request')) throw new AppError('forbidden', 'Your role cannot reject refunds.');
  } catch (err) {
    const w = words(err);
    if (w) return w;
    throw err;
  }
  const db = await getDb();
  const approver = { id: user.id, label: `user:${user.id}`, role: user.role, sourceIp: await actionIp(), steppedUp: steppedUp(user) };
  const result = decision === 'approve' ? await approveRefund(db, approver, { refundId, note }) : await rejectRefund(db, approver, { refundId, note });
  if (!result.ok) return { ok: false, message: result.message, stepUp: result.code === 'step_up_required' };
  if (decision === 'approve' && !result.repeated) await queueRefundSend(result.refund.id);
  revalidatePath(`/payments/${result.refund.transactionRowId}`);
  revalidatePath('/refunds');
  return {
    ok: true,
    refundId: result.refund.id,
    message: decision === 'approve' ? 'Approved: it is on its way to the provider.' : result.refund.requestedBy === user.id ? 'Withdrawn.' : 'Rejected; the requester sees your note.',
  };
}

const settleSchema = z.object({ refundId: id, outcome: z.enum(['landed', 'not_landed']), providerRefundId: z.string().max(200).optional(), note: z.string().max(4000).optional() });

/** An approver settles a refund whose send never answered, from what the provider's dashboard shows. */
export async function settleRefundAction(_prev: RefundActionState | null, form: FormData): Promise<RefundActionState> {
  const input = settleSchema.safeParse(Object.fromEntries([...form.entries()].filter(([, v]) => v !== '')));
  if (!input.success) return { ok: false, message: 'That request was not complete.' };
  let user;
  try {
    user = await authorize('refunds.approve');
  } catch (err) {
    const w = words(err);
    if (w) return w;
    throw err;
  }
  const { refundId, outcome, providerRefundId, note } = input.data;
  const result = await settleUnknownRefund(
    await getDb(),
    { id: user.id, label: `user:${user.id}`, role: user.role, sourceIp: await actionIp(), steppedUp: steppedUp(user) },
    { refundId, landed: outcome === 'landed', providerRefundId, note },
  );
  if (!result.ok) return { ok: false, message: result.message, stepUp: result.code === 'step_up_required' };
  if (outcome === 'landed') await queueRefundCheck(result.refund.id);
  revalidatePath(`/payments/${result.refund.transactionRowId}`);
  revalidatePath('/refunds');
  return { ok: true, refundId, message: outcome === 'landed' ? 'Recorded as landed: PayOps follows it from here.' : 'Recorded as not landed: its amount is free to refund again.' };
}
