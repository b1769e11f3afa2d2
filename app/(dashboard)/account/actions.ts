'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { changeOwnPassword, endOwnSession, replaceRecoveryCodes, signOutEverywhere, type Self } from '@/lib/auth/account';
import { signOut } from '@/lib/auth/config';
import { currentUser, steppedUp, STEP_UP_MESSAGE, type StaffUser } from '@/lib/auth/guards';
import { actionIp } from '@/lib/http/action-request';
import type { PasswordState } from '@/app/(auth)/_components/password-form';

/** Every action here is the signed-in user acting on their own account (no permission beyond that). */
async function me(): Promise<{ user: StaffUser; self: Self } | null> {
  const user = await currentUser();
  return user ? { user, self: { userId: user.id, sessionId: user.sessionId, ip: await actionIp() } } : null;
}

export async function changePasswordAction(_prev: PasswordState, form: FormData): Promise<PasswordState> {
  const who = await me();
  if (!who) return { error: 'Sign in first.' };
  const result = await changeOwnPassword(await getDb(), who.self, { current: String(form.get('current') ?? ''), next: String(form.get('password') ?? '') });
  if (!result.ok) return { error: result.message };
  revalidatePath('/account');
  const ended = result.sessionsEnded ?? 0;
  return { error: null, ok: `Password changed.${ended ? ` ${ended} other session${ended === 1 ? '' : 's'} ended.` : ''}` };
}

export async function endSessionAction(form: FormData): Promise<void> {
  const who = await me();
  if (!who) return;
  await endOwnSession(await getDb(), who.self, who.user, String(form.get('session') ?? '').slice(0, 64));
  revalidatePath('/account');
}

export async function signOutEverywhereAction(): Promise<void> {
  const who = await me();
  if (who) await signOutEverywhere(await getDb(), who.self, who.user);
  await signOut({ redirectTo: '/login' });
}

export type CodesState = { error: string | null; codes?: string[] };

export async function newRecoveryCodesAction(): Promise<CodesState> {
  const who = await me();
  if (!who) return { error: 'Sign in first.' };
  if (!who.user.twoFactor) return { error: 'Set up two-factor sign-in first.' };
  if (!steppedUp(who.user)) return { error: STEP_UP_MESSAGE };
  return { error: null, codes: await replaceRecoveryCodes(await getDb(), who.self, who.user) };
}
