import { headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/db/client';
import type { Role, User } from '@/db/schema';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { auth } from './config';
import { can, type Permission } from './permissions';
import { secondFactorRequired } from './second-factor';
import { readSession } from './sessions';

export interface StaffUser {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  /** The server-side session this request came with (the raw id, never shown or stored). */
  sessionId: string;
  /** When this session last passed a TOTP check (sign-in or step-up). */
  stepUpAt: Date | null;
  /** Whether the user has a second factor in force. */
  twoFactor: boolean;
}

/** What a signed-in session must still do before it may use the dashboard, in this order. */
export type Pending = 'second_factor' | 'password_change' | 'enrol';

export const PENDING_PAGES: Record<Pending, string> = {
  second_factor: '/login/two-factor',
  password_change: '/login/password',
  enrol: '/login/enrol',
};

export function pendingStep(user: Pick<User, 'role' | 'totpEnabledAt' | 'mustChangePassword'>, session: { secondFactorAt: Date | null }): Pending | null {
  if (user.totpEnabledAt && !session.secondFactorAt) return 'second_factor';
  if (user.mustChangePassword) return 'password_change';
  if (!user.totpEnabledAt && secondFactorRequired(user.role)) return 'enrol';
  return null;
}

export interface SignedIn {
  user: StaffUser;
  /** Null when the session may use the dashboard; otherwise the one page it may see. */
  pending: Pending | null;
}

/**
 * The signed-in session, re-read from the database once per request: a revoked session, a changed
 * role or a disabled account takes effect at once.
 */
export const currentSignIn = cache(async (): Promise<SignedIn | null> => {
  const session = await auth();
  const sid = session?.user?.sessionId;
  if (typeof sid !== 'string' || !sid || sid === 'undefined') return null;
  const live = await readSession(await getDb(), sid);
  if (!live || String(live.user.id) !== session!.user.id) return null;
  const { user } = live;
  return {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      sessionId: sid,
      stepUpAt: live.session.stepUpAt,
      twoFactor: !!user.totpEnabledAt,
    },
    pending: pendingStep(user, live.session),
  };
});

/** The signed-in staff member who may use the dashboard, or null (signed out, or a step still pending). */
export const currentUser = cache(async (): Promise<StaffUser | null> => {
  const signedIn = await currentSignIn();
  return signedIn && !signedIn.pending ? signedIn.user : null;
});

/** Pages: signed out → the sign-in page; a pending step → its page (and nothing else); both come back here after. */
export async function requireUser(): Promise<StaffUser> {
  const signedIn = await currentSignIn();
  if (signedIn && !signedIn.pending) return signedIn.user;
  // Set by proxy.ts from the request (a client-sent value is overwritten there); checked again by the step.
  const here = (await headers()).get('x-payops-path');
  const next = here ? `?next=${encodeURIComponent(here)}` : '';
  redirect(signedIn ? `${PENDING_PAGES[signedIn.pending!]}${next}` : `/login${next}`);
}

/** Pages: signed in without the permission → 403 page. */
export async function requirePagePermission(permission: Permission): Promise<StaffUser> {
  const user = await requireUser();
  if (!can(user.role, permission)) forbidden();
  return user;
}

/** Server actions and route handlers: 401 / 403 as errors, never a redirect. */
export async function authorize(permission: Permission): Promise<StaffUser> {
  const signedIn = await currentSignIn();
  if (!signedIn) throw new AppError('unauthorized', 'Sign in first.');
  if (signedIn.pending) throw new AppError('unauthorized', 'Finish signing in first.');
  if (!can(signedIn.user.role, permission)) throw new AppError('forbidden', 'Your role does not allow this.');
  return signedIn.user;
}

export const STEP_UP_MESSAGE = 'Confirm it is you first: enter a code from your authenticator app.';

/** Whether this session passed a TOTP check within STEP_UP_MINUTES (for sensitive actions). */
export function steppedUp(user: StaffUser, nowMs = Date.now()): boolean {
  return !!user.stepUpAt && nowMs - user.stepUpAt.getTime() < env().STEP_UP_MINUTES * 60_000;
}

/**
 * Sensitive actions (user admin, CSV export, refund approval): the permission, and a TOTP check on
 * this session within the last STEP_UP_MINUTES. Refused as `step_up_required` otherwise.
 */
export async function authorizeSensitive(permission: Permission): Promise<StaffUser> {
  const user = await authorize(permission);
  if (!steppedUp(user)) {
    throw new AppError('step_up_required', user.twoFactor ? STEP_UP_MESSAGE : 'Set up two-factor sign-in on your account page first: this action needs it.');
  }
  return user;
}
