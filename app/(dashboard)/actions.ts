'use server';

import { headers } from 'next/headers';
import { getDb } from '@/db/client';
import { recordAudit } from '@/lib/audit/record';
import { signOut } from '@/lib/auth/config';
import { currentUser } from '@/lib/auth/guards';
import { clientIp } from '@/lib/http/request';

/** Signs the current user out, audited; signing out without a session is harmless. */
export async function signOutAction(): Promise<void> {
  const user = await currentUser();
  if (user) {
    const ip = clientIp(new Request('http://x', { headers: await headers() }));
    await recordAudit(await getDb(), { actor: `user:${user.id}`, actorRole: user.role, action: 'auth.sign_out', target: user.email, sourceIp: ip, outcome: 'ok' });
  }
  await signOut({ redirectTo: '/login' });
}
