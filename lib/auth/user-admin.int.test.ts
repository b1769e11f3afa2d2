import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditLog, users, type Role } from '@/db/schema';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { verifyAuditChain } from '@/lib/audit/verify';
import { verifyPassword } from './password';
import { enrolForDemo, unusedRecoveryCodes } from './second-factor';
import { createSession, readSession } from './sessions';
import { changeRole, createUser, resetPassword, resetSecondFactor, setActive, type Actor } from './user-admin';
import { getUserById, insertUser } from './users';

// Lets a test pretend another role may manage users (a future PERMISSIONS change): the
// last-admin rule must hold even when the self rules no longer imply it.
const grant = vi.hoisted(() => ({ usersManage: null as Role | null }));
vi.mock('./permissions', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./permissions')>();
  return {
    ...actual,
    can: (role: Role | null | undefined, p: Parameters<typeof actual.can>[1]) =>
      actual.can(role, p) || (p === 'users.manage' && !!role && role === grant.usersManage),
  };
});

const kinds = await testDatabaseKinds();
let seq = 0;
const email = (what: string) => `${what}-${++seq}@payops.test`;

function fixtures(getT: () => TestDb) {
  const db = () => getT().handle.db;
  return {
    user: (role: Role, active = true) =>
      insertUser(db(), { email: email(role), role, password: 'fixture-password-1' }).then((u) =>
        active ? u : db().update(users).set({ active: false }).where(eq(users.id, u.id)).returning().then(([x]) => x),
      ),
    actor: (user: { id: number; role: Role }): Actor => ({ id: user.id, role: user.role, sourceIp: '198.51.100.9' }),
    lastAudit: async () => (await db().select().from(auditLog).orderBy(desc(auditLog.id)).limit(1))[0],
    auditCount: async () => (await db().select().from(auditLog)).length,
  };
}

describe.each(kinds)('user management on $kind', ({ create }) => {
  let t: TestDb;
  const f = fixtures(() => t);
  let root: Actor;
  beforeAll(async () => {
    t = await create();
    root = f.actor(await f.user('admin'));
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('creates a user with the given password, and its audit row', async () => {
    const address = email('new');
    const result = await createUser(t.handle.db, root, { email: address, name: 'New Person', role: 'finance', password: 'chosen-password-1' });
    expect(result).toMatchObject({ ok: true, generatedPassword: null, user: { email: address, name: 'New Person', role: 'finance', active: true } });
    if (!result.ok) return;
    expect(await verifyPassword('chosen-password-1', result.user.passwordHash)).toBe(true);
    expect(await f.lastAudit()).toMatchObject({
      actor: `user:${root.id}`,
      actorRole: 'admin',
      action: 'users.create',
      target: address,
      sourceIp: '198.51.100.9',
      outcome: 'ok',
      details: { userId: result.user.id, role: 'finance', passwordGenerated: false },
    });
  });

  it('stores a name with a NUL byte or a card number, replaced and scrubbed, never a 500', async () => {
    const address = email('nul');
    const result = await createUser(t.handle.db, root, { email: address, name: 'A\u0000K 4111 1111 1111 1111\ud800', role: 'support', password: 'chosen-password-1' });
    expect(result).toMatchObject({ ok: true, user: { email: address, name: 'A\uFFFDK XXXX1111\uFFFD' } });
    expect(JSON.stringify(await f.lastAudit())).not.toContain('4111');
    expect(await verifyAuditChain(t.handle.db)).toMatchObject({ ok: true });
  });

  it('generates a password when none is given, returned once and never audited', async () => {
    const result = await createUser(t.handle.db, root, { email: email('gen'), role: 'support' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.generatedPassword).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    expect(await verifyPassword(result.generatedPassword!, result.user.passwordHash)).toBe(true);
    const audit = await f.lastAudit();
    expect(audit.details).toMatchObject({ passwordGenerated: true });
    expect(JSON.stringify(audit)).not.toContain(result.generatedPassword);
  });

  it('refuses an email already taken, in any case, with a refused audit row', async () => {
    const existing = await f.user('support');
    const before = (await t.handle.db.select().from(users)).length;
    const result = await createUser(t.handle.db, root, { email: existing.email.toUpperCase(), role: 'finance' });
    expect(result).toEqual({ ok: false, code: 'conflict', message: `A user with the email ${existing.email.toUpperCase()} already exists.` });
    expect((await t.handle.db.select().from(users)).length).toBe(before);
    expect(await f.lastAudit()).toMatchObject({ action: 'users.create', outcome: 'refused', details: { reason: 'email_taken' } });
  });

  it('changes a role, auditing from and to; the same role again changes nothing', async () => {
    const target = await f.user('support');
    const result = await changeRole(t.handle.db, root, { userId: target.id, role: 'finance' });
    expect(result).toMatchObject({ ok: true, changed: true, user: { role: 'finance' } });
    expect((await getUserById(t.handle.db, target.id))!.role).toBe('finance');
    expect(await f.lastAudit()).toMatchObject({
      action: 'users.role_change',
      target: target.email,
      outcome: 'ok',
      details: { userId: target.id, from: 'support', to: 'finance' },
    });
    const rows = await f.auditCount();
    expect(await changeRole(t.handle.db, root, { userId: target.id, role: 'finance' })).toMatchObject({ ok: true, changed: false });
    expect(await f.auditCount()).toBe(rows);
  });

  it('refuses to let admins remove their own admin role or disable themselves', async () => {
    expect(await changeRole(t.handle.db, root, { userId: root.id, role: 'finance' })).toEqual({
      ok: false,
      code: 'conflict',
      message: 'You cannot remove your own admin role. Ask another admin to do it.',
    });
    expect(await f.lastAudit()).toMatchObject({ action: 'users.role_change', outcome: 'refused', details: { reason: 'own_role', from: 'admin', to: 'finance' } });
    expect(await setActive(t.handle.db, root, { userId: root.id, active: false })).toEqual({
      ok: false,
      code: 'conflict',
      message: 'You cannot disable your own account. Ask another admin to do it.',
    });
    expect(await f.lastAudit()).toMatchObject({ action: 'users.disable', outcome: 'refused', details: { reason: 'own_account' } });
    expect(await getUserById(t.handle.db, root.id)).toMatchObject({ role: 'admin', active: true });
  });

  it('disables an account, ending its sessions, and enables it again', async () => {
    const target = await f.user('finance');
    const a = await createSession(t.handle.db, { userId: target.id, ip: null, userAgent: null });
    const disabled = await setActive(t.handle.db, root, { userId: target.id, active: false });
    expect(disabled).toMatchObject({ ok: true, changed: true, user: { active: false } });
    expect(await f.lastAudit()).toMatchObject({ action: 'users.disable', target: target.email, outcome: 'ok', details: { userId: target.id, sessionsEnded: 1 } });
    const enabled = await setActive(t.handle.db, root, { userId: target.id, active: true });
    expect(enabled).toMatchObject({ ok: true, changed: true, user: { active: true } });
    expect(await f.lastAudit()).toMatchObject({ action: 'users.enable', target: target.email, outcome: 'ok' });
    // Enabling again does not bring the old session back.
    expect(await readSession(t.handle.db, a)).toBeNull();
  });

  it('ends every session of a user whose role changes, and of one whose password or second factor an admin resets', async () => {
    const target = await f.user('support');
    const sessions = () => Promise.all([createSession(t.handle.db, { userId: target.id, ip: null, userAgent: null }), createSession(t.handle.db, { userId: target.id, ip: null, userAgent: null })]);
    let live = await sessions();
    expect(await changeRole(t.handle.db, root, { userId: target.id, role: 'finance' })).toMatchObject({ ok: true, changed: true });
    expect(await f.lastAudit()).toMatchObject({ action: 'users.role_change', details: { sessionsEnded: 2 } });
    for (const s of live) expect(await readSession(t.handle.db, s)).toBeNull();

    live = await sessions();
    const reset = await resetPassword(t.handle.db, root, { userId: target.id });
    if (!reset.ok) throw new Error(reset.message);
    expect(reset.user.mustChangePassword).toBe(true);
    expect(await verifyPassword(reset.generatedPassword, reset.user.passwordHash)).toBe(true);
    expect(await f.lastAudit()).toMatchObject({ action: 'users.password_reset', outcome: 'ok', details: { sessionsEnded: 2 } });
    expect(JSON.stringify(await f.lastAudit())).not.toContain(reset.generatedPassword);
    for (const s of live) expect(await readSession(t.handle.db, s)).toBeNull();

    live = await sessions();
    await enrolForDemo(t.handle.db, target.id);
    expect(await resetSecondFactor(t.handle.db, root, { userId: target.id })).toMatchObject({ ok: true, changed: true, user: { totpEnabledAt: null, totpSecretEnc: null } });
    expect(await f.lastAudit()).toMatchObject({ action: 'users.two_factor_reset', outcome: 'ok', details: { sessionsEnded: 2 } });
    for (const s of live) expect(await readSession(t.handle.db, s)).toBeNull();
    expect(await unusedRecoveryCodes(t.handle.db, target.id)).toBe(0);
    expect(await resetSecondFactor(t.handle.db, root, { userId: root.id })).toMatchObject({ ok: false, code: 'conflict' });
    expect(await resetPassword(t.handle.db, root, { userId: root.id })).toMatchObject({ ok: false, code: 'conflict' });
  });

  it('answers not_found for a user that does not exist', async () => {
    expect(await changeRole(t.handle.db, root, { userId: 987654, role: 'finance' })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await setActive(t.handle.db, root, { userId: 987654, active: false })).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('refuses an actor who has lost the admin role or been disabled since signing in', async () => {
    const target = await f.user('support');
    for (const actor of [f.actor(await f.user('admin', false)), { ...f.actor(await f.user('finance')), role: 'admin' as Role }]) {
      expect(await changeRole(t.handle.db, actor, { userId: target.id, role: 'admin' })).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await f.lastAudit()).toMatchObject({ actor: `user:${actor.id}`, outcome: 'refused', details: { reason: 'actor_not_allowed' } });
    }
    expect((await getUserById(t.handle.db, target.id))!.role).toBe('support');
  });

  it('lets only one of two admins demoting each other at the same moment win', async () => {
    const [a, b] = [await f.user('admin'), await f.user('admin')];
    const results = await Promise.all([
      changeRole(t.handle.db, f.actor(a), { userId: b.id, role: 'support' }),
      changeRole(t.handle.db, f.actor(b), { userId: a.id, role: 'support' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const roles = [(await getUserById(t.handle.db, a.id))!.role, (await getUserById(t.handle.db, b.id))!.role].sort();
    expect(roles).toEqual(['admin', 'support']);
  });

  it('kept the audit chain intact through all of it', async () => {
    expect(await verifyAuditChain(t.handle.db)).toMatchObject({ ok: true });
  });
});

describe.each(kinds)('the last active admin on $kind', ({ create }) => {
  let t: TestDb;
  const f = fixtures(() => t);
  beforeAll(async () => {
    t = await create();
    grant.usersManage = 'support';
  });
  afterAll(async () => {
    grant.usersManage = null;
    await t?.cleanup();
  });

  it('cannot be demoted or disabled, even by someone else allowed to manage users', async () => {
    const onlyAdmin = await f.user('admin');
    await f.user('admin', false); // a disabled admin does not count
    const manager = f.actor(await f.user('support'));
    expect(await changeRole(t.handle.db, manager, { userId: onlyAdmin.id, role: 'finance' })).toEqual({
      ok: false,
      code: 'conflict',
      message: `${onlyAdmin.email} is the last active admin. Make someone else an admin first.`,
    });
    expect(await f.lastAudit()).toMatchObject({ action: 'users.role_change', outcome: 'refused', details: { reason: 'last_admin' } });
    expect(await setActive(t.handle.db, manager, { userId: onlyAdmin.id, active: false })).toEqual({
      ok: false,
      code: 'conflict',
      message: `${onlyAdmin.email} is the last active admin and cannot be disabled.`,
    });
    expect(await getUserById(t.handle.db, onlyAdmin.id)).toMatchObject({ role: 'admin', active: true });

    // With a second active admin, the first one may go.
    await f.user('admin');
    expect(await changeRole(t.handle.db, manager, { userId: onlyAdmin.id, role: 'finance' })).toMatchObject({ ok: true, changed: true });
  });
});
