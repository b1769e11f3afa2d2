'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { getUserById } from '@/lib/auth/users';
import { changeOwnPassword } from '@/lib/auth/account';
import { currentSignIn } from '@/lib/auth/guards';
import { confirmEnrolment, verifySecondFactor } from '@/lib/auth/second-factor';
import { actionIp } from '@/lib/http/action-request';
import { safeNextPath } from '@/lib/http/next-path';

/** The sign-in steps after the password (lib/auth/guards.ts `Pending`), and step-up. */

export type StepState = { error: string | null; recoveryCodes?: string[]; next?: string; ok?: string | null };

const WRONG_CODE = 'That code did not work. Codes change every 30 seconds and each works once: try the next one.';
const THROTTLED = 'Too many wrong codes or passwords: this account is locked for 15 minutes.';

/** Where a finished step goes: the next pending step, or the page the person asked for. */
const continueTo = (next: unknown) => `/login/continue?next=${encodeURIComponent(safeNextPath(next))}`;

async function who() {
  const signedIn = await currentSignIn();
  if (!signedIn) redirect('/login');
  const db = await getDb();
  const user = (await getUserById(db, signedIn.user.id))!;
  return { db, signedIn, who: { user, sessionId: signedIn.user.sessionId, ip: await actionIp() } };
}

export async function secondFactorAction(_prev: StepState, form: FormData): Promise<StepState> {
  const { db, who: w } = await who();
  const outcome = await verifySecondFactor(db, w, String(form.get('code') ?? '').slice(0, 64), 'sign_in');
  if (!outcome.ok) return { error: outcome.reason === 'throttled' ? THROTTLED : WRONG_CODE };
  redirect(continueTo(form.get('next')));
}

export async function stepUpAction(_prev: StepState, form: FormData): Promise<StepState> {
  const { db, signedIn, who: w } = await who();
  if (signedIn.pending) redirect(continueTo(form.get('next')));
  const outcome = await verifySecondFactor(db, w, String(form.get('code') ?? '').slice(0, 64), 'step_up');
  if (!outcome.ok) return { error: outcome.reason === 'throttled' ? THROTTLED : outcome.reason === 'not_enrolled' ? 'Set up two-factor sign-in first.' : WRONG_CODE };
  redirect(safeNextPath(form.get('next')));
}

export async function confirmEnrolmentAction(_prev: StepState, form: FormData): Promise<StepState> {
  const { db, who: w } = await who();
  const outcome = await confirmEnrolment(db, w, String(form.get('code') ?? '').slice(0, 64));
  if (!outcome.ok) {
    if (outcome.reason === 'already_enrolled') redirect(continueTo(form.get('next')));
    return { error: outcome.reason === 'throttled' ? THROTTLED : WRONG_CODE };
  }
  return { error: null, recoveryCodes: outcome.recoveryCodes, next: continueTo(form.get('next')) };
}

export async function forcedPasswordAction(_prev: StepState, form: FormData): Promise<StepState> {
  const { db, who: w } = await who();
  const result = await changeOwnPassword(db, { userId: w.user.id, sessionId: w.sessionId, ip: w.ip }, {
    current: String(form.get('current') ?? ''),
    next: String(form.get('password') ?? ''),
  });
  if (!result.ok) return { error: result.message };
  redirect(continueTo(form.get('next')));
}
