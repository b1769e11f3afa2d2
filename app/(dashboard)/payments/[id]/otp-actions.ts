'use server';

import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import { getDb } from '@/db/client';
import type { OtpKind } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { authorize, currentUser, type StaffUser } from '@/lib/auth/guards';
import { AppError } from '@/lib/errors';
import { actionIp } from '@/lib/http/action-request';
import { actionState, consoleIdempotencyKey, resendFormSchema, walletOtpFormSchema, type OtpActionState } from '@/lib/otp/console';
import type { OtpCaller } from '@/lib/otp/ledger';
import { requestOtp } from '@/lib/otp/resend';
import { getProviders } from '@/lib/providers';

/** "Resend OTP" on the payment page: support and admin only, within the payment's limits. */
export async function resendOtpAction(_prev: OtpActionState | null, form: FormData): Promise<OtpActionState> {
  return otpAction('resend', form);
}

/** "Send wallet transaction OTP" to a wallet payment's own card: the same limits and audit. */
export async function sendWalletOtpAction(_prev: OtpActionState | null, form: FormData): Promise<OtpActionState> {
  return otpAction('wallet_otp', form);
}

async function otpAction(kind: Exclude<OtpKind, 'validate'>, form: FormData): Promise<OtpActionState> {
  const sourceIp = await actionIp();
  let user: StaffUser;
  try {
    user = await authorize('otp.resend');
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    await auditRefusal(kind, form, sourceIp);
    return { ok: false, outcome: null, message: err.message };
  }
  const values = Object.fromEntries(form);
  const input = kind === 'resend' ? resendFormSchema.safeParse(values) : walletOtpFormSchema.safeParse(values);
  if (!input.success) return invalid(input.error);

  // A wallet OTP goes to the payment's stored card. Card ids in the request (the page sends none)
  // are passed on only to be compared: requestOtp refuses and audits any other card.
  const { transactionId, attemptKey, reason, refs } = input.data;
  const caller: OtpCaller = { actor: `user:${user.id}`, role: user.role, sourceIp, channel: 'console', agentId: user.id };
  const db = await getDb();
  try {
    const result = await requestOtp(db, getProviders(), { transactionId, kind, reason, idempotencyKey: consoleIdempotencyKey(user.id, transactionId, kind, attemptKey), refs }, caller);
    revalidatePath(`/payments/${transactionId}`);
    return actionState(result);
  } catch (err) {
    if (err instanceof AppError) return { ok: false, outcome: null, message: err.message };
    throw err;
  }
}

/** A signed-in user without the permission (a replayed POST from finance): refused and audited. */
async function auditRefusal(kind: OtpKind, form: FormData, sourceIp: string | null): Promise<void> {
  const user = await currentUser();
  if (!user) return;
  const target = String(form.get('transactionId') ?? '').slice(0, 20) || null;
  await recordAudit(await getDb(), {
    actor: `user:${user.id}`,
    actorRole: user.role,
    action: kind === 'resend' ? 'otp.resend_requested' : 'otp.wallet_otp_requested',
    target,
    sourceIp,
    outcome: 'forbidden',
    details: { channel: 'console' },
  });
}

function invalid(error: z.ZodError): OtpActionState {
  const fieldErrors = Object.fromEntries(error.issues.map((i) => [String(i.path[0] ?? 'form'), i.message]));
  return { ok: false, outcome: null, message: 'Some fields need another look.', fieldErrors };
}
