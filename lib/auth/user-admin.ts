import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { users, type Role, type User } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { generatePassword } from './password';
import { can } from './permissions';
import { removeSecondFactor } from './second-factor';
import { revokeUserSessions } from './sessions';
import { getUserByEmail, getUserById, insertUser, setPassword, updateUser, type CreateUserInput } from './users';

/** Who is managing users: the signed-in admin and the address the request came from. */
export interface Actor {
  id: number;
  role: Role;
  sourceIp: string | null;
}

export type AdminRefusal = { ok: false; code: 'not_found' | 'conflict' | 'forbidden'; message: string };
export type AdminResult<T> = ({ ok: true } & T) | AdminRefusal;

type Tx = Parameters<Parameters<DbOrTx['transaction']>[0]>[0];
type Audit = (outcome: 'ok' | 'refused', target: string | null, details: Record<string, unknown>) => Promise<unknown>;

/**
 * Runs one user change in a transaction holding a lock every user change takes, so two admins
 * demoting each other at once cannot leave no admin: each one re-reads who is still an active
 * admin after the other has committed. The actor is re-read too, for the same reason.
 */
function manage<T>(db: DbOrTx, actor: Actor, action: string, work: (tx: Tx, audit: Audit) => Promise<AdminResult<T>>) {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('payops.users'))`);
    const audit: Audit = (outcome, target, details) =>
      recordAudit(tx, { actor: `user:${actor.id}`, actorRole: actor.role, action, target, sourceIp: actor.sourceIp, outcome, details });
    const me = await getUserById(tx, actor.id);
    if (!me?.active || !can(me.role, 'users.manage')) {
      await audit('refused', null, { reason: 'actor_not_allowed' });
      return refusal('forbidden', 'Your account can no longer manage users.');
    }
    return work(tx, audit);
  });
}

const refusal = (code: AdminRefusal['code'], message: string): AdminRefusal => ({ ok: false, code, message });
const NO_SUCH_USER = refusal('not_found', 'That user does not exist.');

async function countActiveAdmins(tx: Tx): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(users).where(and(eq(users.role, 'admin'), eq(users.active, true)));
  return row.n;
}

/** Adds a staff user; without a password one is generated and handed back, once. */
export function createUser(db: DbOrTx, actor: Actor, input: CreateUserInput): Promise<AdminResult<{ user: User; generatedPassword: string | null }>> {
  return manage(db, actor, 'users.create', async (tx, audit) => {
    if (await getUserByEmail(tx, input.email)) {
      await audit('refused', input.email, { reason: 'email_taken' });
      return refusal('conflict', `A user with the email ${input.email} already exists.`);
    }
    const generatedPassword = input.password ? null : generatePassword();
    const user = await insertUser(tx, { ...input, password: input.password ?? generatedPassword! });
    await audit('ok', user.email, { userId: user.id, role: user.role, passwordGenerated: generatedPassword !== null });
    return { ok: true, user, generatedPassword };
  });
}

export function changeRole(db: DbOrTx, actor: Actor, input: { userId: number; role: Role }): Promise<AdminResult<{ user: User; changed: boolean }>> {
  return manage(db, actor, 'users.role_change', async (tx, audit) => {
    const target = await getUserById(tx, input.userId);
    if (!target) return NO_SUCH_USER;
    if (target.role === input.role) return { ok: true, user: target, changed: false };
    const details = { userId: target.id, from: target.role, to: input.role };
    if (target.id === actor.id) {
      await audit('refused', target.email, { ...details, reason: 'own_role' });
      return refusal('conflict', 'You cannot remove your own admin role. Ask another admin to do it.');
    }
    if (target.role === 'admin' && target.active && (await countActiveAdmins(tx)) <= 1) {
      await audit('refused', target.email, { ...details, reason: 'last_admin' });
      return refusal('conflict', `${target.email} is the last active admin. Make someone else an admin first.`);
    }
    const user = (await updateUser(tx, target.id, { role: input.role }))!;
    // A new role starts with a new sign-in (and, where the role requires one, a second factor).
    const sessionsEnded = await revokeUserSessions(tx, target.id, 'role_change');
    await audit('ok', target.email, { ...details, sessionsEnded });
    return { ok: true, user, changed: true };
  });
}

/** Disabling also ends the user's sessions at once. */
export function setActive(db: DbOrTx, actor: Actor, input: { userId: number; active: boolean }): Promise<AdminResult<{ user: User; changed: boolean }>> {
  return manage(db, actor, input.active ? 'users.enable' : 'users.disable', async (tx, audit) => {
    const target = await getUserById(tx, input.userId);
    if (!target) return NO_SUCH_USER;
    if (target.active === input.active) return { ok: true, user: target, changed: false };
    const details = { userId: target.id, role: target.role };
    if (!input.active && target.id === actor.id) {
      await audit('refused', target.email, { ...details, reason: 'own_account' });
      return refusal('conflict', 'You cannot disable your own account. Ask another admin to do it.');
    }
    if (!input.active && target.role === 'admin' && (await countActiveAdmins(tx)) <= 1) {
      await audit('refused', target.email, { ...details, reason: 'last_admin' });
      return refusal('conflict', `${target.email} is the last active admin and cannot be disabled.`);
    }
    const user = (await updateUser(tx, target.id, { active: input.active }))!;
    const sessionsEnded = input.active ? 0 : await revokeUserSessions(tx, target.id, 'disabled');
    await audit('ok', target.email, { ...details, sessionsEnded });
    return { ok: true, user, changed: true };
  });
}

/** The user a reset is for, when it is someone else; a refusal (audited for oneself) otherwise. */
async function someoneElse(tx: Tx, actor: Actor, userId: number, audit: Audit, ownMessage: string): Promise<User | AdminRefusal> {
  const target = await getUserById(tx, userId);
  if (!target) return NO_SUCH_USER;
  if (target.id !== actor.id) return target;
  await audit('refused', target.email, { userId: target.id, reason: 'own_account' });
  return refusal('conflict', ownMessage);
}

/**
 * Resets a user's password to a generated one, handed back once: it works for one sign-in, which
 * must choose a new password. Every session of the user ends. An admin resets their own password
 * on their account page instead (with the current one).
 */
export function resetPassword(db: DbOrTx, actor: Actor, input: { userId: number }): Promise<AdminResult<{ user: User; generatedPassword: string }>> {
  return manage(db, actor, 'users.password_reset', async (tx, audit) => {
    const target = await someoneElse(tx, actor, input.userId, audit, 'Change your own password on your account page.');
    if ('ok' in target) return target;
    const generatedPassword = generatePassword();
    await setPassword(tx, target.id, generatedPassword, { mustChange: true });
    const sessionsEnded = await revokeUserSessions(tx, target.id, 'password_reset');
    await audit('ok', target.email, { userId: target.id, sessionsEnded });
    return { ok: true, user: (await getUserById(tx, target.id))!, generatedPassword };
  });
}

/** Removes another user's second factor (a lost phone): their sessions end, and they enrol again at sign-in. */
export function resetSecondFactor(db: DbOrTx, actor: Actor, input: { userId: number }): Promise<AdminResult<{ user: User; changed: boolean }>> {
  return manage(db, actor, 'users.two_factor_reset', async (tx, audit) => {
    const target = await someoneElse(tx, actor, input.userId, audit, 'Another admin must reset your own second factor.');
    if ('ok' in target) return target;
    if (!target.totpEnabledAt && !target.totpSecretEnc) return { ok: true, user: target, changed: false };
    const sessionsEnded = await removeSecondFactor(tx, target.id, 'two_factor_reset');
    await audit('ok', target.email, { userId: target.id, sessionsEnded });
    return { ok: true, user: (await getUserById(tx, target.id))!, changed: true };
  });
}
