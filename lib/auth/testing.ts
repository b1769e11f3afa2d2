import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { users, type User } from '@/db/schema';
import { encryptSecret } from './crypto';
import { secondFactorRequired } from './second-factor';
import { staffSessions } from '@/db/schema';
import { createSession, hashSessionId } from './sessions';
import { newTotpSecret } from './totp';

/**
 * Tests: a real server-side session for a user, past every sign-in step (a TOTP factor enrolled
 * where the role requires one, checked just now, so sensitive actions are stepped up). Returns
 * what `auth()` would give a request carrying its cookie, for the one thing tests fake.
 */
export async function signedInAs(db: DbOrTx, user: User, options: { steppedUp?: boolean } = {}) {
  let totpSecret: Uint8Array | null = null;
  if (secondFactorRequired(user.role) && !user.totpEnabledAt) {
    totpSecret = newTotpSecret();
    await db
      .update(users)
      .set({ totpSecretEnc: encryptSecret(totpSecret, `totp:user:${user.id}`), totpEnabledAt: new Date() })
      .where(eq(users.id, user.id));
  }
  const sessionId = await createSession(db, { userId: user.id, ip: '198.51.100.200', userAgent: 'vitest' });
  await db
    .update(staffSessions)
    .set({ secondFactorAt: new Date(), stepUpAt: options.steppedUp === false ? null : new Date() })
    .where(eq(staffSessions.idHash, hashSessionId(sessionId)));
  return { session: { user: { id: String(user.id), sessionId } }, sessionId, totpSecret };
}
