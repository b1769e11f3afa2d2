import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import type { User } from '@/db/schema';
import { beginEnrolment, confirmEnrolment, unusedRecoveryCodes, userTotpSecret, verifySecondFactor } from './second-factor';
import { createSession, readSession } from './sessions';
import { LIMITS } from './throttle';
import { totpCode, totpStep } from './totp';
import { getUserById, insertUser } from './users';

describe.each(await testDatabaseKinds())('second factor on $kind', ({ create }) => {
  let t: TestDb;
  let n = 0;
  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function enrolling(role: 'admin' | 'support' = 'admin') {
    const user = await insertUser(t.handle.db, { email: `f${++n}.${randomBytes(4).toString('hex')}@payops.test`, role, password: 'a long enough password' });
    const sessionId = await createSession(t.handle.db, { userId: user.id, ip: '198.51.100.4', userAgent: 'test' });
    const secret = (await beginEnrolment(t.handle.db, user))!;
    const fresh = async () => (await getUserById(t.handle.db, user.id))!;
    return { user: await fresh(), fresh, secret, who: async () => ({ user: await fresh(), sessionId, ip: '198.51.100.4' }), sessionId };
  }

  it('stores the secret encrypted, confirms enrolment with a first code, and issues ten single-use recovery codes', async () => {
    const e = await enrolling();
    expect(e.user.totpSecretEnc).toMatch(/^v1\./);
    expect(e.user.totpEnabledAt).toBeNull();
    expect(userTotpSecret(e.user)).toEqual(e.secret);
    expect(await confirmEnrolment(t.handle.db, await e.who(), '000000'.replace(/./g, (d, i) => String((Number(totpCode(e.secret)[i]) + 1) % 10)))).toEqual({ ok: false, reason: 'invalid' });
    const ok = await confirmEnrolment(t.handle.db, await e.who(), totpCode(e.secret));
    expect(ok).toMatchObject({ ok: true, method: 'totp' });
    if (!ok.ok) throw new Error('unreachable');
    expect(ok.recoveryCodes).toHaveLength(10);
    expect(new Set(ok.recoveryCodes).size).toBe(10);
    expect((await e.fresh()).totpEnabledAt).not.toBeNull();
    expect((await readSession(t.handle.db, e.sessionId))!.session.secondFactorAt).not.toBeNull();
    // Neither the secret nor a recovery code is stored as itself.
    const stored = JSON.stringify(await queryRows(t.handle.db, sql`SELECT u.totp_secret_enc, r.code_hash FROM users u JOIN recovery_codes r ON r.user_id = u.id WHERE u.id = ${e.user.id}`));
    for (const code of ok.recoveryCodes!) expect(stored).not.toContain(code.replace('-', ''));
    // A second confirmation is refused; the factor stays.
    expect(await confirmEnrolment(t.handle.db, await e.who(), totpCode(e.secret, totpStep() + 1))).toEqual({ ok: false, reason: 'already_enrolled' });
    expect(await beginEnrolment(t.handle.db, await e.fresh())).toBeNull();

    // A code works once; a recovery code works once, in any case, with or without its dash.
    const session2 = await createSession(t.handle.db, { userId: e.user.id, ip: null, userAgent: null });
    const who2 = { user: await e.fresh(), sessionId: session2, ip: null };
    expect(await verifySecondFactor(t.handle.db, who2, totpCode(e.secret), 'sign_in')).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifySecondFactor(t.handle.db, { ...who2, user: await e.fresh() }, ok.recoveryCodes![3].toUpperCase().replace('-', ''), 'sign_in')).toEqual({ ok: true, method: 'recovery' });
    expect(await verifySecondFactor(t.handle.db, { ...who2, user: await e.fresh() }, ok.recoveryCodes![3], 'sign_in')).toEqual({ ok: false, reason: 'invalid' });
    expect(await unusedRecoveryCodes(t.handle.db, e.user.id)).toBe(9);
  });

  it('lets exactly one of several parallel uses of the same code through', async () => {
    const e = await enrolling();
    await confirmEnrolment(t.handle.db, await e.who(), totpCode(e.secret, totpStep() - 1));
    const who = await e.who();
    const sessions = await Promise.all(Array.from({ length: 4 }, () => createSession(t.handle.db, { userId: e.user.id, ip: null, userAgent: null })));
    const code = totpCode(e.secret);
    const outcomes = await Promise.all(sessions.map((sessionId) => verifySecondFactor(t.handle.db, { ...who, sessionId }, code, 'sign_in')));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
  });

  it('counts wrong codes toward the sign-in throttle, and then refuses even the right code', async () => {
    const e = await enrolling();
    await confirmEnrolment(t.handle.db, await e.who(), totpCode(e.secret, totpStep() - 1));
    const who = await e.who();
    const wrong = String((Number(totpCode(e.secret)) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < LIMITS.email; i++) expect((await verifySecondFactor(t.handle.db, who, wrong, 'sign_in')).ok).toBe(false);
    expect(await verifySecondFactor(t.handle.db, { ...who, user: (await e.fresh()) as User }, totpCode(e.secret), 'sign_in')).toEqual({ ok: false, reason: 'throttled' });
  });

  it('takes any typed code without throwing: garbage is a wrong code', async () => {
    const e = await enrolling('support');
    await confirmEnrolment(t.handle.db, await e.who(), totpCode(e.secret, totpStep() - 1));
    const who = await e.who();
    for (const code of ['', ' ', '\u0000', 'x'.repeat(10_000), "' OR 1=1 --", '１２３４５６', '12345\u0000', 'abcde-fghij-', '-----', '4111 1111 1111 1111']) {
      expect((await verifySecondFactor(t.handle.db, who, code.slice(0, 64), 'step_up')).ok).toBe(false);
    }
  });
});
