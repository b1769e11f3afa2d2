'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { authorize, authorizeSensitive, steppedUp, type StaffUser } from '@/lib/auth/guards';
import { AppError } from '@/lib/errors';
import { actionIp } from '@/lib/http/action-request';
import { approveBatch, confirmBatch, createDraftBatch, rejectBatch, type BatchActor } from '@/lib/refunds/bulk';

// Bulk refunds (lib/refunds/bulk.ts). Each action authorises itself: a server action is a public POST endpoint.

export interface UploadState {
  error: string | null;
}

const actor = async (user: StaffUser): Promise<BatchActor> => ({ id: user.id, role: user.role, sourceIp: await actionIp() });
const batchId = (form: FormData) => {
  const raw = String(form.get('batchId') ?? '');
  if (!/^\d{1,15}$/.test(raw)) throw new AppError('not_found', 'No such batch.');
  return Number(raw);
};
/** Back to the batch page with a notice code (the page has the words; nothing typed travels in the URL). */
const back = (id: number, notice: string): never => {
  revalidatePath(`/refunds/batches/${id}`);
  redirect(`/refunds/batches/${id}?done=${encodeURIComponent(notice)}`);
};
const refusal = (err: unknown): string => {
  if (err instanceof AppError) return err.code;
  throw err;
};

/** Upload (finance, `refunds.request`): the file checked and every row assessed, kept as a draft; then its page. */
export async function uploadRefundBatchAction(_prev: UploadState, form: FormData): Promise<UploadState> {
  let id: number;
  try {
    const user = await authorize('refunds.request');
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return { error: 'Choose a CSV file first.' };
    const r = await createDraftBatch(await getDb(), await actor(user), { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    if (!r.ok) return { error: r.message };
    id = r.batch.id;
  } catch (err) {
    return { error: refusal(err) === 'forbidden' ? 'Your role cannot ask for refunds.' : 'Sign in again first.' };
  }
  revalidatePath('/refunds/bulk');
  redirect(`/refunds/batches/${id}`);
}

/** Confirm a draft (`refunds.request`): one request per valid row, in one transaction. */
export async function confirmRefundBatchAction(form: FormData): Promise<void> {
  const id = batchId(form);
  let notice: string;
  try {
    const user = await authorize('refunds.request');
    const r = await confirmBatch(await getDb(), await actor(user), id);
    notice = r.ok ? 'confirmed' : r.code === 'conflict' ? 'confirm_changed' : r.code;
  } catch (err) {
    notice = refusal(err);
  }
  back(id, notice);
}

/** Approve a batch (`refunds.approve` with a fresh code check; never the uploader): each request approved, each send queued. */
export async function approveRefundBatchAction(form: FormData): Promise<void> {
  const id = batchId(form);
  let notice: string;
  try {
    const user = await authorizeSensitive('refunds.approve');
    const a = await actor(user);
    const r = await approveBatch(await getDb(), { id: user.id, label: `user:${user.id}`, role: user.role, sourceIp: a.sourceIp, steppedUp: steppedUp(user) }, { batchId: id, note: String(form.get('note') ?? '') });
    notice = r.ok ? 'approved' : r.code === 'invalid_input' ? 'need_note' : r.code;
  } catch (err) {
    notice = refusal(err);
  }
  if (notice === 'step_up_required') redirect(`/login/step-up?next=${encodeURIComponent(`/refunds/batches/${id}`)}`);
  back(id, notice);
}

/** Reject a batch (an approver, with a note), withdraw it (whoever confirmed it) or discard a draft (its uploader). */
export async function rejectRefundBatchAction(form: FormData): Promise<void> {
  const id = batchId(form);
  let notice: string;
  try {
    const user = await authorize('refunds.read');
    const r = await rejectBatch(await getDb(), await actor(user), { batchId: id, note: String(form.get('note') ?? '') });
    notice = r.ok ? 'rejected' : r.code === 'invalid_input' ? 'need_reject_note' : r.code;
  } catch (err) {
    notice = refusal(err);
  }
  back(id, notice);
}
