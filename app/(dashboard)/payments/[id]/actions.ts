'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { authorize } from '@/lib/auth/guards';
import { AppError } from '@/lib/errors';
import { actionIp } from '@/lib/http/action-request';
import { parsePaymentId } from '@/lib/payments/search-params';
import { paymentExists } from '@/lib/payments/queries';
import { waitForJob } from '@/lib/jobs/boss';
import type { VerifyResult } from '@/lib/payments/verify';
import { enqueueVerification, verifyQueue } from '@/lib/payments/verify-job';

export interface RecheckState {
  ok: boolean;
  message: string | null;
}

const SAID: Record<VerifyResult['verification'], string> = {
  confirmed: 'Confirmed: the provider reports the same status.',
  mismatch: 'Mismatch: the provider reports another status. The payment is flagged for review.',
  unconfirmed: 'Not confirmed yet.',
  error: 'The provider could not be asked.',
  skipped: 'Not checked: this provider has no status API PayOps can ask.',
};

/**
 * "Re-check with provider": queues the same durable check a notification does (audited with who
 * asked), and waits a few seconds for its answer; a slower one lands on the page when it comes.
 */
export async function recheckAction(_prev: RecheckState, form: FormData): Promise<RecheckState> {
  let user;
  try {
    user = await authorize('payments.read');
  } catch (err) {
    if (err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
  const id = parsePaymentId(String(form.get('id') ?? ''));
  if (id === null) return { ok: false, message: 'That is not a payment id.' };
  const sourceIp = await actionIp();
  if (!(await paymentExists(await getDb(), id))) return { ok: false, message: 'That payment does not exist.' };
  const jobId = await enqueueVerification({ id, cause: 'recheck', audit: { actor: `user:${user.id}`, actorRole: user.role, sourceIp } });
  if (!jobId) return { ok: true, message: 'A check of this payment is already queued; its answer will show here.' };
  const done = await waitForJob(verifyQueue, jobId, 5000);
  revalidatePath(`/payments/${id}`);
  if (!done) return { ok: true, message: 'Check queued: the provider is slow to answer. The result will show on this page.' };
  if (done.state === 'retry' || done.state === 'failed') {
    // The section above shows the verdict; a failed check may leave an earlier one there, so say why.
    const why = (done.output as { message?: string } | null)?.message ?? '';
    return { ok: false, message: `${SAID.error} ${why} ${done.state === 'retry' ? 'It will be tried again automatically.' : ''}`.trim() };
  }
  const verification = (done.output as { verification?: VerifyResult['verification'] } | null)?.verification;
  return verification && verification in SAID
    ? { ok: verification === 'confirmed' || verification === 'unconfirmed', message: SAID[verification] }
    : { ok: false, message: 'That payment does not exist.' };
}
