import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { verifyAuditChain } from '@/lib/audit/verify';
import { verifySignIn } from './sign-in';
import { LIMITS, reportThrottled } from './throttle';
import { insertUser, updateUser } from './users';

const PASSWORD = 'a-long-enough-password';

describe.each(await testDatabaseKinds())('sign-in on $kind', ({ create }) => {
  let t: TestDb;
  let n = 0;
  // Random hex, not Date.now(): `user6-1795…` reads as a card number one time in ten (digits joined across the dash), and is refused.
  const fresh = async (role: 'admin' | 'finance' | 'support' = 'support') =>
    insertUser(t.handle.db, { email: `user${++n}.${randomBytes(4).toString('hex')}@example.test`, role, password: PASSWORD });
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

  it('holds under a parallel burst: 40 wrong passwords at once get 5 checks, and the right one after them is refused', async () => {
    const user = await fresh();
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => verifySignIn(t.handle.db, { email: user.email, password: `guess-${i}`, ip: `203.0.114.${i}` })),
    );
    expect(burst.filter((o) => !o.ok && o.reason === 'invalid')).toHaveLength(LIMITS.email);
    expect(burst.filter((o) => !o.ok && o.reason === 'throttled')).toHaveLength(40 - LIMITS.email);
    expect(await verifySignIn(t.handle.db, { email: user.email, password: PASSWORD, ip: '203.0.114.250' })).toEqual({ ok: false, reason: 'throttled' });
    // Five checked guesses audited one by one; the refusals as one row now and one summary when the lock ends.
    expect((await audits(user.email)).map((a) => a.outcome).sort()).toEqual([...Array(LIMITS.email).fill('failed'), 'throttled']);
    await t.handle.db.execute(sql`UPDATE sign_in_throttle SET locked_until = now() - interval '1 second' WHERE key = ${`email:${user.email}`}`);
    expect(await reportThrottled(t.handle.db)).toBe(1);
    const [summary] = await queryRows<{ details: { refused: number; key: string } }>(
      t.handle.db,
      sql`SELECT details FROM audit_log WHERE action = 'auth.sign_in' AND target = ${user.email} AND outcome = 'throttled' ORDER BY id DESC LIMIT 1`,
    );
    expect(summary.details).toMatchObject({ key: 'email', refused: 40 - LIMITS.email + 1 });
    expect(await reportThrottled(t.handle.db)).toBe(0);
  });

  it('checks at most the limit of 500 sign-ins sent at once, the right password among them', async () => {
    const user = await fresh();
    const burst = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        verifySignIn(t.handle.db, { email: user.email, password: i === 250 ? PASSWORD : `guess-${i}`, ip: `198.18.${i >> 8}.${i & 255}` }),
      ),
    );
    const checked = burst.filter((o) => o.ok || o.reason !== 'throttled');
    expect(checked.length).toBeLessThanOrEqual(LIMITS.email);
    const rows = await audits(user.email);
    expect(rows.filter((a) => a.outcome === 'failed' || a.outcome === 'ok').length).toBe(checked.length);
    expect(rows.filter((a) => a.outcome === 'throttled')).toHaveLength(1);
  });

  it('locks an address that tries many accounts', async () => {
    const ip = '192.0.2.77';
    for (let i = 0; i < LIMITS.ip; i++) await verifySignIn(t.handle.db, { email: `spray${i}@example.test`, password: 'x', ip });
    const user = await fresh();
    expect(await verifySignIn(t.handle.db, { email: user.email, password: PASSWORD, ip })).toEqual({ ok: false, reason: 'throttled' });
    const other = await verifySignIn(t.handle.db, { email: user.email, password: PASSWORD, ip: '192.0.2.78' });
    expect(other.ok ? 'ok' : other.reason).toBe('ok');
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
