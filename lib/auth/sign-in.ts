import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { users, type User } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { DUMMY_HASH, verifyPassword } from './password';
import { admitAttempt, auditThrottled, returnAttempt, throttleKeys } from './throttle';
import { storableText } from '@/lib/text';
import { emailSchema } from './users';

/** The one message every refused sign-in gets: it never says which part was wrong. */
export const SIGN_IN_REFUSED = 'Those details did not work, or the account is locked for a while. Check them and try again later.';

export type SignInOutcome = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'throttled' | 'disabled' };

/**
 * Checks a sign-in: the attempt is counted per account and per address first, in one atomic
 * statement, and refused over the limit before the password is looked at (so a parallel burst
 * gets no more guesses than a sequential one); constant work for unknown accounts; every checked
 * attempt audited (with the outcome, never the password), refused ones summarised per lock.
 */
export async function verifySignIn(db: DbOrTx, input: { email: unknown; password: unknown; ip: string | null }): Promise<SignInOutcome> {
  const parsedEmail = emailSchema.safeParse(input.email);
  // Whatever was typed is audited as the target, so it must be storable text (no NUL).
  const email = parsedEmail.success ? parsedEmail.data : storableText(String(input.email ?? '').slice(0, 254)).text;
  const password = typeof input.password === 'string' ? input.password.slice(0, 256) : '';
  const keys = throttleKeys(email, input.ip);
  const audit = (outcome: string, user?: User) =>
    recordAudit(db, {
      actor: user ? `user:${user.id}` : 'anonymous',
      actorRole: user?.role ?? null,
      action: 'auth.sign_in',
      target: email,
      sourceIp: input.ip,
      outcome,
    });

  const admission = await admitAttempt(db, keys);
  if (!admission.admitted) {
    // One audit row when a key starts refusing; the rest are counted and summarised when its lock ends.
    for (const key of admission.firstRefusals) await auditThrottled(db, key, { refused: 1 });
    return { ok: false, reason: 'throttled' };
  }

  const [user] = parsedEmail.success ? await db.select().from(users).where(eq(users.email, email)).limit(1) : [];
  const matches = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !matches || !user.active) {
    const reason = user && matches ? 'disabled' : 'invalid';
    await audit(reason === 'disabled' ? 'refused_disabled' : 'failed', user);
    return { ok: false, reason };
  }

  await returnAttempt(db, keys);
  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
  await audit('ok', user);
  return { ok: true, user };
}
