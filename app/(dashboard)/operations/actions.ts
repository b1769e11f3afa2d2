'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { authorize } from '@/lib/auth/guards';
import { AppError } from '@/lib/errors';
import { actionIp } from '@/lib/http/action-request';
import { changeJob } from '@/lib/jobs/operations';

/** Retry or cancel one job from /operations (admin), audited; the page says what happened. */
export async function jobAction(form: FormData): Promise<void> {
  let notice: string;
  try {
    const user = await authorize('operations.manage');
    const action = form.get('action') === 'retry' ? 'retry' : 'cancel';
    const sourceIp = await actionIp();
    await changeJob(await getDb(), {
      action,
      queue: String(form.get('queue') ?? ''),
      id: String(form.get('id') ?? ''),
      who: { actor: `user:${user.id}`, actorRole: user.role, sourceIp },
    });
    notice = action === 'retry' ? 'retried' : 'cancelled';
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    notice = err.code === 'conflict' ? 'conflict' : err.code === 'forbidden' ? 'forbidden' : 'invalid';
  }
  revalidatePath('/operations');
  redirect(`/operations?done=${notice}`);
}
