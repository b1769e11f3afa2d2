'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/guards';
import { AppError } from '@/lib/errors';
import { actionIp } from '@/lib/http/action-request';
import { sendJob, waitForJob } from '@/lib/jobs/boss';
import { reopenException, resolveException, RESOLUTIONS, type Resolution } from '@/lib/settlements/exceptions';
import { addRate, endRate } from '@/lib/settlements/fees';
import { settlementSyncQueue } from '@/lib/settlements/jobs';
import type { SyncResult } from '@/lib/settlements/sync';

/** Where an action sends the person back to: a PayOps page of this section, never elsewhere. */
function back(form: FormData, fallback: string): string {
  const to = String(form.get('back') ?? '');
  return /^\/settlements(?:[/?#][^\s\\]*)?$/.test(to) && !to.startsWith('//') ? to : fallback;
}

const withNotice = (path: string, notice: string) => {
  const [base, hash] = path.split('#');
  const url = new URL(base, 'http://x');
  url.searchParams.set('done', notice);
  return `${url.pathname}${url.search}${hash ? `#${hash}` : ''}`;
};

/**
 * "Sync now" on /settlements (finance, admin): queues the same job as the daily run, audited, and
 * waits up to 20 s so the page can show what it found; a longer sync finishes in the background.
 */
export async function syncSettlementsAction(form: FormData): Promise<void> {
  const user = await authorize('settlements.sync');
  const db = await getDb();
  await recordAudit(db, { actor: `user:${user.id}`, actorRole: user.role, action: 'settlements.sync_requested', target: 'settlements', sourceIp: await actionIp(), outcome: 'ok' });
  const id = await sendJob(settlementSyncQueue, { requestedBy: `user:${user.id}` });
  let notice = 'sync_queued';
  if (id) {
    const done = await waitForJob(settlementSyncQueue, id, 20_000);
    if (done?.state === 'completed') {
      const r = done.output as SyncResult;
      notice = `synced:${r.payouts}:${r.created + r.changed}:${r.reconcile.opened + r.reconcile.reopened}:${r.reconcile.cleared}`;
    } else if (done) notice = 'sync_failed';
  } else notice = 'sync_running';
  revalidatePath('/settlements');
  redirect(withNotice(back(form, '/settlements'), notice));
}

export async function resolveExceptionAction(form: FormData): Promise<void> {
  const target = back(form, '/settlements/exceptions');
  let notice: string;
  try {
    const user = await authorize('settlements.resolve');
    const resolution = String(form.get('resolution') ?? '');
    if (!(resolution in RESOLUTIONS)) throw new AppError('invalid_input', 'Choose a resolution.');
    await resolveException(await getDb(), {
      id: Number(form.get('id')),
      resolution: resolution as Resolution,
      note: String(form.get('note') ?? ''),
      actor: { userId: user.id, role: user.role, sourceIp: await actionIp() },
    });
    notice = 'resolved';
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    notice = err.code === 'conflict' ? 'conflict' : err.code === 'forbidden' ? 'forbidden' : 'need_note';
  }
  revalidatePath('/settlements');
  redirect(withNotice(target, notice));
}

export async function reopenExceptionAction(form: FormData): Promise<void> {
  const target = back(form, '/settlements/exceptions');
  let notice: string;
  try {
    const user = await authorize('settlements.resolve');
    await reopenException(await getDb(), {
      id: Number(form.get('id')),
      note: String(form.get('note') ?? ''),
      actor: { userId: user.id, role: user.role, sourceIp: await actionIp() },
    });
    notice = 'reopened';
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    notice = err.code === 'forbidden' ? 'forbidden' : 'conflict';
  }
  revalidatePath('/settlements');
  redirect(withNotice(target, notice));
}

/** Admins: a contracted rate from a day on (closing the one it replaces), audited. */
export async function addRateAction(form: FormData): Promise<void> {
  let notice: string;
  try {
    const user = await authorize('fees.manage');
    const field = (k: string) => String(form.get(k) ?? '');
    await addRate(
      await getDb(),
      {
        paymentMode: field('paymentMode'), cardScheme: field('cardScheme'), minAmount: field('minAmount'), maxAmount: field('maxAmount'),
        percent: field('percent'), fixedFee: field('fixedFee'), effectiveFrom: field('effectiveFrom'),
      },
      { userId: user.id, role: user.role, sourceIp: await actionIp() },
    );
    notice = 'rate_added';
  } catch (err) {
    if (err instanceof AppError) notice = err.code === 'forbidden' ? 'forbidden' : err.code === 'conflict' ? 'rate_conflict' : 'rate_invalid';
    else if (err instanceof Error && err.name === 'ZodError') notice = 'rate_invalid';
    else throw err;
  }
  revalidatePath('/settlements/fees');
  redirect(`/settlements/fees?done=${notice}`);
}

export async function endRateAction(form: FormData): Promise<void> {
  let notice: string;
  try {
    const user = await authorize('fees.manage');
    await endRate(await getDb(), { id: Number(form.get('id')), effectiveTo: String(form.get('effectiveTo') ?? '') }, { userId: user.id, role: user.role, sourceIp: await actionIp() });
    notice = 'rate_ended';
  } catch (err) {
    if (err instanceof AppError) notice = err.code === 'forbidden' ? 'forbidden' : 'rate_conflict';
    else if (err instanceof Error && err.name === 'ZodError') notice = 'rate_invalid';
    else throw err;
  }
  revalidatePath('/settlements/fees');
  redirect(`/settlements/fees?done=${notice}`);
}
