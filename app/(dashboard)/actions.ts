'use server';

import { getDb } from '@/db/client';
import { recordAudit } from '@/lib/audit/record';
import { signOut } from '@/lib/auth/config';
import { currentSignIn } from '@/lib/auth/guards';
import { actionIp } from '@/lib/http/action-request';

/**
 * Signs the current user out, audited (also from a sign-in step still pending); Auth.js's signOut
 * event revokes the server-side session, so a copy of the cookie stops working. Signing out
 * without a session is harmless.
 */
export async function signOutAction(): Promise<void> {
  const signedIn = await currentSignIn();
  if (signedIn) {
    const { user } = signedIn;
    await recordAudit(await getDb(), { actor: `user:${user.id}`, actorRole: user.role, action: 'auth.sign_out', target: user.email, sourceIp: await actionIp(), outcome: 'ok' });
  }
  await signOut({ redirectTo: '/login' });
}
