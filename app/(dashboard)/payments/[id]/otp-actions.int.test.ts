import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { useDbHandle } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { auditLog, otpAttempts, transactions, type Role } from '@/db/schema';
import { signedInAs } from '@/lib/auth/testing';
import { insertUser } from '@/lib/auth/users';
import { useProviders } from '@/lib/providers';
import type { Sandbox } from '@/sandbox/server';
import { startSandboxWithProviders } from '@/sandbox/testing';

// Who is signed in is the one thing faked; role and account come from the database, the
// provider calls go to the simulator.
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; sessionId: string } } }));
vi.mock('@/lib/auth/config', () => ({ auth: async () => session.current }));
vi.mock('next/headers', () => ({ headers: async () => new Headers({ 'x-forwarded-for': '192.0.2.44' }) }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));
const { resendOtpAction, sendWalletOtpAction } = await import('./otp-actions');

let n = 0;
const form = (fields: Record<string, string | number>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, String(v));
  return f;
};

describe.each(await testDatabaseKinds())('OTP console actions on $kind', ({ create }) => {
  let t: TestDb;
  let sandbox: Sandbox;
  const ids: Partial<Record<Role, number>> = {};
  const sessions: Partial<Record<Role, { user: { id: string; sessionId: string } }>> = {};
  const signIn = (role: Role | null) => {
    session.current = role ? sessions[role]! : null;
  };
  async function pendingJuspay() {
    const txnId = `txn_act_${process.pid}_${++n}`;
    const [row] = await t.handle.db
      .insert(transactions)
      .values({ provider: 'juspay', transactionId: txnId, status: 'PENDING_VBV', statusRank: 20, statusFamily: 'open', txnAt: new Date(), otpRefs: { challenge_id: `ch_${n}`, customer_id: 'cust_9' } })
      .returning();
    return row;
  }
  const resendForm = (id: number, extra: Record<string, string> = {}) => form({ transactionId: id, attemptKey: 'n0', reasonCode: 'not_received', reasonNote: '', ...extra });
  const sendsTo = (txnId: string) => sandbox.control.transaction('juspay', txnId)?.sendRequests ?? 0;

  beforeAll(async () => {
    t = await create();
    useDbHandle(t.handle);
    for (const role of ['admin', 'finance', 'support'] as const) {
      const user = await insertUser(t.handle.db, { email: `${role}@otp.payops.test`, role, password: 'a long enough password' });
      ids[role] = user.id;
      sessions[role] = (await signedInAs(t.handle.db, user)).session;
    }
    const started = await startSandboxWithProviders({ timeoutMs: 1500 });
    sandbox = started.sandbox;
    useProviders(started.providers());
  });
  beforeEach(() => signIn(null));
  afterAll(async () => {
    useProviders(undefined);
    await sandbox?.close();
    await t?.cleanup();
  });

  it.each(['support', 'admin'] as const)('lets %s resend, audited with who, role, address and reason', async (role) => {
    signIn(role);
    const p = await pendingJuspay();
    const state = await resendOtpAction(null, resendForm(p.id, { reasonCode: 'other', reasonNote: 'asked on the phone' }));
    expect(state).toMatchObject({ ok: true, outcome: 'sent', budget: { sent: 1, limit: 3, remaining: 2, source: 'provider' } });
    expect(state.cooldownUntil).toEqual(expect.any(String));
    expect(sendsTo(p.transactionId)).toBe(1);
    const [reserved, audit] = await t.handle.db.select().from(auditLog).where(eq(auditLog.target, String(p.id))).orderBy(auditLog.id);
    expect(reserved).toMatchObject({ actor: `user:${ids[role]}`, actorRole: role, sourceIp: '192.0.2.44', action: 'otp.resend_requested', outcome: 'reserved' });
    expect(audit).toMatchObject({ actor: `user:${ids[role]}`, actorRole: role, sourceIp: '192.0.2.44', action: 'otp.resend_requested', outcome: 'sent' });
    expect(audit.details).toMatchObject({ channel: 'console', reason: 'Other: asked on the phone', providerRequestId: p.transactionId });
  });

  it('refuses finance (a replayed POST) and a signed-out caller: no provider call, no attempt; finance audited', async () => {
    const p = await pendingJuspay();
    signIn('finance');
    expect(await resendOtpAction(null, resendForm(p.id))).toEqual({ ok: false, outcome: null, message: 'Your role does not allow this.' });
    expect(await sendWalletOtpAction(null, resendForm(p.id, { cardAccountId: 'CAC1', enKashCardId: 'EKC1' }))).toMatchObject({ ok: false, outcome: null });
    signIn(null);
    expect(await resendOtpAction(null, resendForm(p.id))).toMatchObject({ ok: false, message: 'Sign in first.' });
    expect(sendsTo(p.transactionId)).toBe(0);
    expect(await t.handle.db.select().from(otpAttempts).where(eq(otpAttempts.transactionId, p.id))).toEqual([]);
    const audit = await t.handle.db.select().from(auditLog).where(eq(auditLog.target, String(p.id)));
    expect(audit.map((a) => [a.actor, a.action, a.outcome])).toEqual([
      [`user:${ids.finance}`, 'otp.resend_requested', 'forbidden'],
      [`user:${ids.finance}`, 'otp.wallet_otp_requested', 'forbidden'],
    ]);
  });

  it('needs a reason, and a note for "Other"', async () => {
    signIn('support');
    const p = await pendingJuspay();
    expect((await resendOtpAction(null, resendForm(p.id, { reasonCode: '' }))).fieldErrors).toHaveProperty('reasonCode');
    expect((await resendOtpAction(null, resendForm(p.id, { reasonCode: 'other' }))).fieldErrors).toHaveProperty('reasonNote');
    expect((await resendOtpAction(null, resendForm(p.id, { reasonNote: 'x'.repeat(201) }))).fieldErrors).toHaveProperty('reasonNote');
    expect(sendsTo(p.transactionId)).toBe(0);
  });

  it('makes one provider call for a double submit of the same form, and refuses the next click in the cooldown', async () => {
    signIn('support');
    const p = await pendingJuspay();
    const [a, b] = await Promise.all([resendOtpAction(null, resendForm(p.id)), resendOtpAction(null, resendForm(p.id))]);
    expect([a.outcome, b.outcome]).toEqual(['sent', 'sent']);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(sendsTo(p.transactionId)).toBe(1);
    const next = await resendOtpAction(null, resendForm(p.id, { attemptKey: 'n1' }));
    expect(next).toMatchObject({ ok: false, outcome: 'refused_cooldown', message: expect.stringMatching(/Try again in \d+ s/) });
    expect(sendsTo(p.transactionId)).toBe(1);
  });

  async function walletPayment(card: { cardAccountId: string; enKashCardId: string } | null) {
    const [row] = await t.handle.db
      .insert(transactions)
      .values({
        provider: 'enkash',
        transactionId: `EKWAL${process.pid}x${++n}`,
        status: 'PENDING_WITH_BANK',
        statusRank: 20,
        statusFamily: 'open',
        paymentMode: 'WALLET',
        txnAt: new Date(),
        otpRefs: card ? { card_account_id: card.cardAccountId, enkash_card_id: card.enKashCardId } : {},
      })
      .returning();
    return row;
  }
  const walletSends = (card: { cardAccountId: string; enKashCardId: string }) => sandbox.control.transaction('enkash_wallet', `${card.cardAccountId}:${card.enKashCardId}`)?.sendRequests ?? 0;

  it("sends a wallet transaction OTP to the payment's stored card, showing the masked mobile", async () => {
    signIn('support');
    const card = { cardAccountId: 'CAC7975', enKashCardId: `EKC${process.pid}x${++n}` };
    const p = await walletPayment(card);
    const state = await sendWalletOtpAction(null, resendForm(p.id));
    expect(state).toMatchObject({ ok: true, outcome: 'sent', maskedMobile: '60XXXXXX11' });
    expect(walletSends(card)).toBe(1);
  });

  it("refuses another customer's card ids on an open payment: no provider call, audited with the ids named", async () => {
    signIn('support');
    const mine = { cardAccountId: 'CAC7975', enKashCardId: `EKC${process.pid}x${++n}` };
    const victim = { cardAccountId: 'CAC1234', enKashCardId: `EKC${process.pid}x${++n}` };
    const p = await walletPayment(mine);
    await walletPayment(victim);
    const state = await sendWalletOtpAction(null, resendForm(p.id, victim));
    expect(state).toEqual({ ok: false, outcome: null, message: expect.stringContaining("These wallet card ids are not this payment's") });
    // A payment with no card recorded (paid by wallet, card never given) is refused too, ids or not.
    const unknown = await walletPayment(null);
    expect((await sendWalletOtpAction(null, resendForm(unknown.id, victim))).ok).toBe(false);
    expect(await sendWalletOtpAction(null, resendForm(unknown.id))).toMatchObject({ ok: false, message: expect.stringContaining('not a wallet payment') });
    // Nor does a Juspay payment have a wallet card.
    const juspay = await pendingJuspay();
    expect((await sendWalletOtpAction(null, resendForm(juspay.id, victim))).ok).toBe(false);

    expect([walletSends(victim), walletSends(mine)]).toEqual([0, 0]);
    expect(await t.handle.db.select().from(otpAttempts).where(eq(otpAttempts.transactionId, p.id))).toEqual([]);
    const [audit] = await t.handle.db.select().from(auditLog).where(eq(auditLog.target, String(p.id)));
    expect(audit).toMatchObject({ actor: `user:${ids.support}`, actorRole: 'support', sourceIp: '192.0.2.44', action: 'otp.wallet_otp_requested', outcome: 'refused_other_card' });
    expect(audit.details).toMatchObject({ channel: 'console', namedCard: victim });
    const outcomes = async (id: number) => (await t.handle.db.select().from(auditLog).where(eq(auditLog.target, String(id)))).map((a) => a.outcome);
    expect(await outcomes(unknown.id)).toEqual(['refused_other_card', 'refused_not_wallet']);
    expect(await outcomes(juspay.id)).toEqual(['refused_other_card']);
  });
});
