import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/db/client';
import type { Role } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { auth } from './config';
import { can, type Permission } from './permissions';
import { getUserById } from './users';

export interface StaffUser {
  id: number;
  email: string;
  name: string | null;
  role: Role;
}

/**
 * The signed-in staff member, re-read from the database once per request: a changed role or a
 * disabled account takes effect at once, and a reset password ends older sessions.
 */
export const currentUser = cache(async (): Promise<StaffUser | null> => {
  const session = await auth();
  const id = Number(session?.user?.id);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const user = await getUserById(await getDb(), id);
  if (!user || !user.active || user.sessionVersion !== session!.user.sessionVersion) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
});

/** Pages: signed out → the sign-in page. */
export async function requireUser(): Promise<StaffUser> {
  const user = await currentUser();
  if (!user) redirect('/login');
  return user;
}

/** Pages: signed in without the permission → 403 page. */
export async function requirePagePermission(permission: Permission): Promise<StaffUser> {
  const user = await requireUser();
  if (!can(user.role, permission)) forbidden();
  return user;
}

/** Server actions and route handlers: 401 / 403 as errors, never a redirect. */
export async function authorize(permission: Permission): Promise<StaffUser> {
  const user = await currentUser();
  if (!user) throw new AppError('unauthorized', 'Sign in first.');
  if (!can(user.role, permission)) throw new AppError('forbidden', 'Your role does not allow this.');
  return user;
}
