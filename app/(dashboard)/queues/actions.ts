'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { authorize } from '@/lib/auth/guards';
import { applyCaseCommand, type CaseCommand } from '@/lib/cases/machine';
import { NOTE_MAX, RESOLUTION_KEYS } from '@/lib/cases/kinds';
import { AppError } from '@/lib/errors';
import { actionIp } from '@/lib/http/action-request';
import { claimWork, releaseWork, type ClaimResult } from '@/lib/queues/claims';

export interface CaseActionState {
  ok: boolean;
  message: string;
}

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const caseFormSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('assign'), caseId: id, version: id, assigneeId: id.optional() }),
  z.object({ action: z.literal('unassign'), caseId: id, version: id }),
  z.object({ action: z.literal('resolve'), caseId: id, version: id, resolution: z.enum(RESOLUTION_KEYS), note: z.string().max(NOTE_MAX * 2).optional() }),
  z.object({ action: z.literal('note'), caseId: id, note: z.string().max(NOTE_MAX * 2) }),
]);

const DONE: Record<CaseCommand['action'], string> = {
  assign: 'You have this case now.',
  unassign: 'Handed back: the case is open for anyone.',
  resolve: 'Resolved. The payment no longer counts as needing review for this flag.',
  note: 'Note added.',
};

/** Take, hand back, resolve or note a case. Resolving also needs the permission for the case's kind (checked in the machine). */
export async function caseAction(_prev: CaseActionState | null, form: FormData): Promise<CaseActionState> {
  let user;
  try {
    user = await authorize('cases.work');
  } catch (err) {
    if (err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
  const raw = Object.fromEntries([...form.entries()].filter(([, v]) => v !== ''));
  const input = caseFormSchema.safeParse(raw);
  if (!input.success) return { ok: false, message: 'That request was not complete: choose a resolution and try again.' };
  const result = await applyCaseCommand(await getDb(), { id: user.id, email: user.email, role: user.role, sourceIp: await actionIp() }, input.data as CaseCommand);
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(`/payments/${result.case.subjectId}`);
  revalidatePath('/queues/review');
  return { ok: true, message: DONE[input.data.action] };
}

/**
 * "I am on this payment": taken or renewed by the payment page of someone who can resend OTPs
 * while the payment waits for one; the answer says who else holds it.
 */
export async function claimPaymentAction(paymentId: number): Promise<ClaimResult | { error: string }> {
  try {
    const user = await authorize('otp.resend');
    const subjectId = id.parse(paymentId);
    return await claimWork(await getDb(), { subjectType: 'payment', subjectId, userId: user.id });
  } catch (err) {
    if (err instanceof AppError || err instanceof z.ZodError) return { error: 'Could not claim this payment.' };
    throw err;
  }
}

export async function releasePaymentAction(paymentId: number): Promise<void> {
  const user = await authorize('otp.resend');
  await releaseWork(await getDb(), { subjectType: 'payment', subjectId: id.parse(paymentId), userId: user.id });
}
