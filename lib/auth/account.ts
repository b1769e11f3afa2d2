import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { users } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { verifyPassword } from './password';
import { judgePassword } from './password-policy';
import { issueRecoveryCodes } from './second-factor';
import { revokeSessionByHash, revokeUserSessions } from './sessions';
import { admitAttempt, auditThrottled, returnAttempt, throttleKeys } from './throttle';
import { setPassword } from './users';

/** A staff member acting on their own account, from this session and address. */
export interface Self {
  userId: number;
  sessionId: string;
  ip: string | null;
}

export type AccountResult = { ok: true; sessionsEnded?: number } | { ok: false; field?: 'current' | 'next'; message: string };

const audit = (db: DbOrTx, self: Self, email: string, role: string, action: string, outcome: string, details: Record<string, unknown> = {}) =>
  recordAudit(db, { actor: `user:${self.userId}`, actorRole: role, action, target: email, sourceIp: self.ip, outcome, details });

/**
 * Changes one's own password: the current one is required (and counts toward the sign-in
 * throttle, so a borrowed session cannot guess it), the new one must be strong and different,
 * and every other session of the user ends.
 */
export function changeOwnPassword(db: DbOrTx, self: Self, input: { current: string; next: string }): Promise<AccountResult> {
  return db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, self.userId)).for('update');
    if (!user?.active) return { ok: false, message: 'Your account is no longer active.' };
    const keys = throttleKeys(user.email, self.ip);
    const admission = await admitAttempt(tx, keys);
    if (!admission.admitted) {
      for (const key of admission.firstRefusals) await auditThrottled(tx, key, { refused: 1, step: 'password_change' });
      return { ok: false, field: 'current', message: 'Too many wrong passwords: try again in 15 minutes.' };
    }
    if (!(await verifyPassword(input.current.slice(0, 256), user.passwordHash))) {
      await audit(tx, self, user.email, user.role, 'auth.password_change', 'failed', { reason: 'wrong_current' });
      return { ok: false, field: 'current', message: 'That is not your current password.' };
    }
    await returnAttempt(tx, keys);
    const verdict = judgePassword(input.next, user);
    if (!verdict.ok) return { ok: false, field: 'next', message: verdict.message };
    if (await verifyPassword(input.next, user.passwordHash)) {
      return { ok: false, field: 'next', message: 'Choose a password different from the one you have now.' };
    }
    await setPassword(tx, user.id, input.next);
    const sessionsEnded = await revokeUserSessions(tx, user.id, 'password_change', { except: self.sessionId });
    await audit(tx, self, user.email, user.role, 'auth.password_change', 'ok', { sessionsEnded, wasGenerated: user.mustChangePassword });
    return { ok: true, sessionsEnded };
  });
}

/** Ends every session of the user, this one included ("sign out everywhere"). */
export function signOutEverywhere(db: DbOrTx, self: Self, who: { email: string; role: string }): Promise<number> {
  return db.transaction(async (tx) => {
    const sessionsEnded = await revokeUserSessions(tx, self.userId, 'sign_out_everywhere');
    await audit(tx, self, who.email, who.role, 'auth.sign_out_everywhere', 'ok', { sessionsEnded });
    return sessionsEnded;
  });
}

/** Ends one of the user's own sessions, named by the hash the sessions list shows. */
export function endOwnSession(db: DbOrTx, self: Self, who: { email: string; role: string }, idHash: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const ended = await revokeSessionByHash(tx, self.userId, idHash, 'ended_by_user');
    await audit(tx, self, who.email, who.role, 'auth.session_end', ended ? 'ok' : 'not_found', { session: idHash.slice(0, 8) });
    return ended;
  });
}

/** Ten new recovery codes (the old ones stop working), shown once. The caller requires a fresh step-up. */
export function replaceRecoveryCodes(db: DbOrTx, self: Self, who: { email: string; role: string }): Promise<string[]> {
  return db.transaction(async (tx) => {
    const codes = await issueRecoveryCodes(tx, self.userId);
    await audit(tx, self, who.email, who.role, 'auth.recovery_codes_replaced', 'ok');
    return codes;
  });
}
