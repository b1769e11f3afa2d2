'use server';

import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import { getDb } from '@/db/client';
import { authorizeSensitive } from '@/lib/auth/guards';
import { changeRole, createUser, resetPassword, resetSecondFactor, setActive, type Actor } from '@/lib/auth/user-admin';
import { changeRoleSchema, createUserSchema, setActiveSchema, userIdFormSchema } from '@/lib/auth/users';
import { AppError } from '@/lib/errors';
import { actionIp } from '@/lib/http/action-request';

export interface UserFormState {
  ok: boolean;
  message: string | null;
  fieldErrors?: Record<string, string>;
  /** Echoed back after a refusal so the form keeps what was typed (never the password). */
  values?: { email: string; name: string; role: string };
  /** A generated password, shown this once and never stored anywhere readable. */
  password?: string | null;
}

/** The signed-in admin, stepped up with a recent code, as the actor of a change; a refusal otherwise. */
async function actor(): Promise<Actor | UserFormState> {
  try {
    const user = await authorizeSensitive('users.manage');
    return { id: user.id, role: user.role, sourceIp: await actionIp() };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
}

const isActor = (a: Actor | UserFormState): a is Actor => 'id' in a;

function invalid(error: z.ZodError, values?: UserFormState['values']): UserFormState {
  const fieldErrors = Object.fromEntries(error.issues.map((i) => [String(i.path[0] ?? 'form'), i.message]));
  return { ok: false, message: 'Some fields need another look (see below them).', fieldErrors, values };
}

export async function createUserAction(_prev: UserFormState, form: FormData): Promise<UserFormState> {
  const who = await actor();
  if (!isActor(who)) return who;
  const values = { email: String(form.get('email') ?? ''), name: String(form.get('name') ?? ''), role: String(form.get('role') ?? '') };
  const input = createUserSchema.safeParse({ ...values, password: form.get('password') ?? '' });
  if (!input.success) return invalid(input.error, values);
  const result = await createUser(await getDb(), who, input.data);
  if (!result.ok) return { ok: false, message: result.message, values };
  revalidatePath('/admin/users');
  return { ok: true, message: `Added ${result.user.email} as ${result.user.role}.`, password: result.generatedPassword };
}

export async function changeRoleAction(_prev: UserFormState, form: FormData): Promise<UserFormState> {
  const who = await actor();
  if (!isActor(who)) return who;
  const input = changeRoleSchema.safeParse({ userId: form.get('userId'), role: form.get('role') });
  if (!input.success) return invalid(input.error);
  const result = await changeRole(await getDb(), who, input.data);
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath('/admin/users');
  return { ok: true, message: result.changed ? `Now ${result.user.role}.` : 'No change.' };
}

export async function setActiveAction(_prev: UserFormState, form: FormData): Promise<UserFormState> {
  const who = await actor();
  if (!isActor(who)) return who;
  const input = setActiveSchema.safeParse({ userId: form.get('userId'), active: form.get('active') });
  if (!input.success) return invalid(input.error);
  const result = await setActive(await getDb(), who, input.data);
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath('/admin/users');
  return { ok: true, message: result.user.active ? 'Enabled.' : 'Disabled; their sessions have ended.' };
}

/** A change to another user's access named only by their id: the actor, the id, the change, its answer. */
async function userIdAction(form: FormData, change: (who: Actor, input: { userId: number }) => Promise<UserFormState>): Promise<UserFormState> {
  const who = await actor();
  if (!isActor(who)) return who;
  const input = userIdFormSchema.safeParse({ userId: form.get('userId') });
  if (!input.success) return invalid(input.error);
  const answer = await change(who, input.data);
  if (answer.ok) revalidatePath('/admin/users');
  return answer;
}

export async function resetPasswordAction(_prev: UserFormState, form: FormData): Promise<UserFormState> {
  return userIdAction(form, async (who, input) => {
    const result = await resetPassword(await getDb(), who, input);
    if (!result.ok) return { ok: false, message: result.message };
    return { ok: true, message: 'Password reset; their sessions have ended. Give them this password — it works once, then they choose their own:', password: result.generatedPassword };
  });
}

export async function resetTwoFactorAction(_prev: UserFormState, form: FormData): Promise<UserFormState> {
  return userIdAction(form, async (who, input) => {
    const result = await resetSecondFactor(await getDb(), who, input);
    if (!result.ok) return { ok: false, message: result.message };
    return { ok: true, message: result.changed ? 'Second factor removed; their sessions have ended. They set up a new one at their next sign-in.' : 'They have no second factor.' };
  });
}
