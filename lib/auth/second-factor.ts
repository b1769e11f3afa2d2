import { randomBytes } from 'node:crypto';
import { and, eq, isNull, or, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { recoveryCodes, users, type Role, type User } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { env } from '@/lib/env';
import { decryptSecret, encryptSecret, keyedHash } from './crypto';
import { markSecondFactor, markStepUp, revokeUserSessions } from './sessions';
import { admitAttempt, auditThrottled, returnAttempt, throttleKeys } from './throttle';
import { matchTotp, newTotpSecret, normalizeTotpCode } from './totp';

/** Roles that must use a second factor (TWO_FACTOR_REQUIRED_ROLES, admin and finance by default). */
export function secondFactorRequired(role: Role): boolean {
  return env().TWO_FACTOR_REQUIRED_ROLES.includes(role);
}

export const RECOVERY_CODE_COUNT = 10;
const secretContext = (userId: number) => `totp:user:${userId}`;
const recoveryHash = (userId: number, code: string) => keyedHash('recovery-code', `${userId}:${code}`);

export function userTotpSecret(user: Pick<User, 'id' | 'totpSecretEnc'>): Uint8Array | null {
  return user.totpSecretEnc ? decryptSecret(user.totpSecretEnc, secretContext(user.id)) : null;
}

/**
 * Starts (or restarts) enrolment: a new secret, stored encrypted but not yet in force. The caller
 * shows it once (QR and text); it counts only after `confirmEnrolment` sees a code from it.
 */
export async function beginEnrolment(db: DbOrTx, user: Pick<User, 'id' | 'totpEnabledAt'>): Promise<Uint8Array | null> {
  if (user.totpEnabledAt) return null;
  const secret = newTotpSecret();
  await db
    .update(users)
    .set({ totpSecretEnc: encryptSecret(secret, secretContext(user.id)), totpLastStep: null })
    .where(and(eq(users.id, user.id), isNull(users.totpEnabledAt)));
  return secret;
}

/** Embedded demo only: a second factor in force from the start, its secret returned for printing. */
export async function enrolForDemo(db: DbOrTx, userId: number): Promise<Uint8Array> {
  const secret = newTotpSecret();
  await db
    .update(users)
    .set({ totpSecretEnc: encryptSecret(secret, secretContext(userId)), totpEnabledAt: sql`now()`, totpLastStep: null })
    .where(eq(users.id, userId));
  await issueRecoveryCodes(db, userId);
  return secret;
}

interface Who {
  user: User;
  sessionId: string;
  ip: string | null;
}

export type FactorOutcome =
  | { ok: true; recoveryCodes?: string[]; method: 'totp' | 'recovery' }
  | { ok: false; reason: 'invalid' | 'throttled' | 'not_enrolled' | 'already_enrolled' };

/** The throttle around a code check: counted first (with the password attempts), given back on success. */
async function throttled<T extends FactorOutcome>(db: DbOrTx, who: Who, check: () => Promise<T>): Promise<FactorOutcome> {
  const keys = throttleKeys(who.user.email, who.ip);
  const admission = await admitAttempt(db, keys);
  if (!admission.admitted) {
    for (const key of admission.firstRefusals) await auditThrottled(db, key, { refused: 1, step: 'second_factor' });
    return { ok: false, reason: 'throttled' };
  }
  const outcome = await check();
  if (outcome.ok) await returnAttempt(db, keys);
  return outcome;
}

/** Accepts a TOTP code once: the step is stored only if newer than the last one used. */
async function useTotp(db: DbOrTx, user: User, code: string): Promise<boolean> {
  const secret = userTotpSecret(user);
  const normalized = normalizeTotpCode(code);
  if (!secret || !normalized) return false;
  const step = matchTotp(secret, normalized, user.totpLastStep);
  if (step === null) return false;
  const won = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id });
  return won.length === 1;
}

/** Recovery codes are typed as shown (`abcde-fghij`), any case, with or without the dash. */
export function normalizeRecoveryCode(input: string): string | null {
  const code = input.replace(/[\s-]+/g, '').toLowerCase();
  return /^[a-z2-7]{10}$/.test(code) ? code : null;
}

async function useRecoveryCode(db: DbOrTx, user: User, input: string): Promise<boolean> {
  const code = normalizeRecoveryCode(input);
  if (!code) return false;
  const used = await db
    .update(recoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(and(eq(recoveryCodes.userId, user.id), eq(recoveryCodes.codeHash, recoveryHash(user.id, code)), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  return used.length === 1;
}

function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = [...randomBytes(10)].map((b) => alphabet[b % 32]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** Replaces a user's recovery codes with ten new ones, returned once (only their keyed hashes are kept). */
export async function issueRecoveryCodes(db: DbOrTx, userId: number): Promise<string[]> {
  const codes = newRecoveryCodes();
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await db.insert(recoveryCodes).values(codes.map((c) => ({ userId, codeHash: recoveryHash(userId, normalizeRecoveryCode(c)!) })));
  return codes;
}

export async function unusedRecoveryCodes(db: DbOrTx, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return row.n;
}

const audit = (db: DbOrTx, who: Who, action: string, outcome: string, details: Record<string, unknown> = {}) =>
  recordAudit(db, { actor: `user:${who.user.id}`, actorRole: who.user.role, action, target: who.user.email, sourceIp: who.ip, outcome, details });

/**
 * Confirms enrolment with a first code from the new secret: the factor is in force from now,
 * this session counts as checked, and ten recovery codes are issued (shown once).
 */
export function confirmEnrolment(db: DbOrTx, who: Who, code: string): Promise<FactorOutcome> {
  return db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, who.user.id)).for('update');
    if (user.totpEnabledAt) return { ok: false, reason: 'already_enrolled' } as const;
    const outcome = await throttled(tx, { ...who, user }, async () => {
      if (!(await useTotp(tx, user, code))) return { ok: false, reason: 'invalid' } as const;
      await tx.update(users).set({ totpEnabledAt: sql`now()` }).where(eq(users.id, user.id));
      const codes = await issueRecoveryCodes(tx, user.id);
      await markSecondFactor(tx, who.sessionId);
      return { ok: true, method: 'totp', recoveryCodes: codes } as const;
    });
    await audit(tx, who, 'auth.two_factor_enrol', outcome.ok ? 'ok' : outcome.reason === 'invalid' ? 'failed' : outcome.reason);
    return outcome;
  });
}

/**
 * The second step of a sign-in (or a step-up): a TOTP code, or one of the recovery codes. Wrong
 * codes count toward the same throttle as wrong passwords. On success the session counts as
 * signed in and stepped up.
 */
export async function verifySecondFactor(db: DbOrTx, who: Who, code: string, purpose: 'sign_in' | 'step_up'): Promise<FactorOutcome> {
  const user = who.user;
  if (!user.totpEnabledAt) return { ok: false, reason: 'not_enrolled' };
  const outcome = await throttled(db, who, async () => {
    if (await useTotp(db, user, code)) return { ok: true, method: 'totp' } as const;
    if (await useRecoveryCode(db, user, code)) return { ok: true, method: 'recovery' } as const;
    return { ok: false, reason: 'invalid' } as const;
  });
  if (outcome.ok) await (purpose === 'sign_in' ? markSecondFactor(db, who.sessionId) : markStepUp(db, who.sessionId));
  await audit(db, who, purpose === 'sign_in' ? 'auth.second_factor' : 'auth.step_up', outcome.ok ? 'ok' : outcome.reason === 'invalid' ? 'failed' : outcome.reason, outcome.ok ? { method: outcome.method } : {});
  return outcome;
}

/**
 * Removes a user's second factor (an admin's reset, or the user's own choice where their role
 * does not require one) and ends every session of theirs: they sign in again, and enrol again
 * where their role requires it. The caller audits, inside its own transaction.
 */
export async function removeSecondFactor(db: DbOrTx, userId: number, reason: string, options: { exceptSession?: string } = {}): Promise<number> {
  await db.update(users).set({ totpSecretEnc: null, totpEnabledAt: null, totpLastStep: null, updatedAt: new Date() }).where(eq(users.id, userId));
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  return revokeUserSessions(db, userId, reason, { except: options.exceptSession });
}
