import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { verifyAuditChain } from '@/lib/audit/verify';
import { verifySignIn } from './sign-in';
import { LIMITS } from './throttle';
import { insertUser, updateUser } from './users';

const PASSWORD = 'a-long-enough-password';

describe.each(await testDatabaseKinds())('sign-in on $kind', ({ create }) => {
  let t: TestDb;
  let n = 0;
  const fresh = async (role: 'admin' | 'finance' | 'support' = 'support') =>
    insertUser(t.handle.db, { email: `user${++n}-${Date.now()}@example.test`, role, password: PASSWORD });
  const audits = (email: string) =>
    queryRows<{ outcome: string; actor: string; source_ip: string }>(
      t.handle.db,
      sql`SELECT outcome, actor, source_ip FROM audit_log WHERE action = 'auth.sign_in' AND target = ${email} ORDER BY id`,
    );

  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('accepts the right password, case-insensitively for the email, and audits it', async () => {
    const user = await fresh();
    const outcome = await verifySignIn(t.handle.db, { email: user.email.toUpperCase(), password: PASSWORD, ip: '198.51.100.1' });
    expect(outcome).toMatchObject({ ok: true, user: { id: user.id } });
    expect(await audits(user.email)).toEqual([{ outcome: 'ok', actor: `user:${user.id}`, source_ip: '198.51.100.1' }]);
  });

  it('refuses a wrong password and an unknown account alike, and audits both', async () => {
    const user = await fresh();
    expect(await verifySignIn(t.handle.db, { email: user.email, password: 'wrong', ip: '198.51.100.2' })).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifySignIn(t.handle.db, { email: 'nobody@example.test', password: PASSWORD, ip: '198.51.100.2' })).toEqual({ ok: false, reason: 'invalid' });
    expect((await audits(user.email)).map((a) => a.outcome)).toEqual(['failed']);
    expect((await audits('nobody@example.test')).map((a) => a.outcome)).toEqual(['failed']);
  });

  it('locks an account after repeated failures, even against the right password, and counts concurrent failures exactly', async () => {
    const user = await fresh();
    await Promise.all(
      Array.from({ length: LIMITS.email }, (_, i) => verifySignIn(t.handle.db, { email: user.email, password: `wrong-${i}`, ip: `203.0.113.${i}` })),
    );
    const [row] = await queryRows<{ failures: number }>(t.handle.db, sql`SELECT failures FROM sign_in_throttle WHERE key = ${`email:${user.email}`}`);
    expect(row.failures).toBe(LIMITS.email);
    expect(await verifySignIn(t.handle.db, { email: user.email, password: PASSWORD, ip: '203.0.113.200' })).toEqual({ ok: false, reason: 'throttled' });
    expect((await audits(user.email)).at(-1)?.outcome).toBe('throttled');
  });

  it('locks an address that tries many accounts', async () => {
    const ip = '192.0.2.77';
    for (let i = 0; i < LIMITS.ip; i++) await verifySignIn(t.handle.db, { email: `spray${i}@example.test`, password: 'x', ip });
    const user = await fresh();
    expect(await verifySignIn(t.handle.db, { email: user.email, password: PASSWORD, ip })).toEqual({ ok: false, reason: 'throttled' });
    expect((await verifySignIn(t.handle.db, { email: user.email, password: PASSWORD, ip: '192.0.2.78' })).ok).toBe(true);
  });

  it('refuses a disabled account with the same answer', async () => {
    const user = await fresh();
    await updateUser(t.handle.db, user.id, { active: false });
    expect(await verifySignIn(t.handle.db, { email: user.email, password: PASSWORD, ip: null })).toEqual({ ok: false, reason: 'disabled' });
    expect((await audits(user.email)).map((a) => a.outcome)).toEqual(['refused_disabled']);
  });

  it('takes any input without throwing, and keeps the audit chain intact', async () => {
    for (const email of [null, 42, '', 'x'.repeat(10_000), "' OR 1=1 --", 'a\u0000b@example.test']) {
      expect((await verifySignIn(t.handle.db, { email, password: { not: 'a string' }, ip: null })).ok).toBe(false);
    }
    expect((await verifyAuditChain(t.handle.db)).ok).toBe(true);
  });
});
