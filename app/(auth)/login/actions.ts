'use server';

import { AuthError } from 'next-auth';
import { signIn } from '@/lib/auth/config';
import { SIGN_IN_REFUSED } from '@/lib/auth/sign-in';
import { safeNextPath } from '@/lib/http/next-path';

export type SignInState = { error: string | null; email: string };

/** Public by nature: throttling, constant-time checks and auditing live in lib/auth/sign-in.ts. */
export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get('email') ?? '').slice(0, 254);
  try {
    await signIn('credentials', {
      email,
      password: String(form.get('password') ?? ''),
      // On to the steps after the password (second factor, new password, enrolment), then `next`.
      redirectTo: `/login/continue?next=${encodeURIComponent(safeNextPath(form.get('next')))}`,
    });
  } catch (err) {
    // A successful sign-in "throws" Next's redirect; only Auth.js errors are refusals.
    if (err instanceof AuthError) return { error: SIGN_IN_REFUSED, email };
    throw err;
  }
  return { error: null, email };
}
