'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { auditVerifyQueue } from '@/lib/audit/jobs';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/guards';
import { AppError } from '@/lib/errors';
import { actionIp } from '@/lib/http/action-request';
import { sendJob, waitForJob } from '@/lib/jobs/boss';

const rows = (n: number) => `${n.toLocaleString('en-IN')} ${n === 1 ? 'row' : 'rows'}`;

export interface VerifyState {
  ok: boolean;
  message: string | null;
}

/**
 * "Verify the whole log now" (admins): queues the hourly full verification at once, audited, and
 * waits a little for it; a longer walk lands on the page when it is done.
 */
export async function verifyAuditLogAction(_prev: VerifyState): Promise<VerifyState> {
  let user;
  try {
    user = await authorize('operations.manage');
  } catch (err) {
    if (err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
  const sourceIp = await actionIp();
  const jobId = await sendJob(auditVerifyQueue, {});
  await recordAudit(await getDb(), { actor: `user:${user.id}`, actorRole: user.role, action: 'audit.verify_requested', target: 'audit_log', sourceIp, outcome: 'ok' });
  if (!jobId) return { ok: true, message: 'A full verification is already waiting to run; its result will show here.' };
  const done = await waitForJob(auditVerifyQueue, jobId, 15_000);
  revalidatePath('/audit');
  if (!done) return { ok: true, message: 'Verification started: the log is long. Its result will show here when it is done.' };
  if (done.state !== 'completed') return { ok: false, message: 'The verification did not finish; it is on /operations.' };
  const out = done.output as { ok: boolean; checked: number; breaks: number };
  return out.ok
    ? { ok: true, message: `Verified: all ${rows(out.checked)} intact.` }
    : { ok: false, message: `Verified ${rows(out.checked)}: ${out.breaks.toLocaleString('en-IN')} ${out.breaks === 1 ? 'break' : 'breaks'}, listed above.` };
}
