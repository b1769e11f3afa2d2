import { desc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { auditLog, otpBudgets, otpRateWindows, transactions } from '@/db/schema';
import { ProviderError, type OtpSendResult, type Providers } from '@/lib/providers/types';
import type { OtpCaller } from './ledger';
import type { OtpLimits } from './policy';
import { requestOtp } from './resend';

// The limits and the database are real; the provider is a counting stand-in with a delay, so
// concurrent requests really overlap. The simulator-backed tests are in app/api/v1/otp.
const LIMITS: OtpLimits = { maxPerPayment: 3, cooldownSeconds: 0, maxPerAgentPerHour: 1000, maxGlobalPerHour: 100_000, windowMinutes: 10, maxValidationsPerPayment: 5 };
const agent = (id: number): OtpCaller => ({ actor: `user:${id}`, role: 'support', sourceIp: '203.0.113.7', channel: 'console', agentId: id });

function countingProviders(answer: () => Promise<OtpSendResult> = async () => ({ provider: 'juspay', providerRequestId: 'req', budget: null, maskedMobile: null, message: 'ok' })) {
  const calls: string[] = [];
  const send = async (what: string) => {
    calls.push(what);
    await new Promise((r) => setTimeout(r, 20));
    return answer();
  };
  const providers = {
    enkash: { resendOtp: (id: string) => send(`enkash:${id}`), validateOtp: vi.fn(), getTransactionStatus: vi.fn(), searchSettlementPayouts: vi.fn(), getSettlementPayout: vi.fn() },
    enkashWallet: { generateTransactionOtp: (i: { cardAccountId: string }) => send(`wallet:${i.cardAccountId}`) },
    juspay: { resendOtp: (i: { txnId: string }) => send(`juspay:${i.txnId}`), processOtp: vi.fn() },
  } as unknown as Providers;
  return { providers, calls };
}

describe.each(await testDatabaseKinds())('OTP limits on $kind', ({ create }) => {
  let t: TestDb;
  let seq = 0;
  const db = () => t.handle.db;
  async function payment(over: Partial<typeof transactions.$inferInsert> = {}) {
    const [row] = await db()
      .insert(transactions)
      .values({ provider: 'juspay', transactionId: `txn_${++seq}`, status: 'PENDING_VBV', statusRank: 0, statusFamily: 'open', txnAt: new Date(), otpRefs: { challenge_id: 'ch_1', customer_id: 'cust_1' }, ...over })
      .returning();
    return row.id;
  }
  const resend = (providers: Providers, id: number, key: string, limits = LIMITS, caller = agent(1)) =>
    requestOtp(db(), providers, { transactionId: id, kind: 'resend', reason: 'customer did not receive it', idempotencyKey: key }, caller, limits);
  const auditFor = (id: number) => db().select().from(auditLog).where(eq(auditLog.target, String(id))).orderBy(auditLog.id);

  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('lets exactly the budget through out of 20 concurrent resends, refusing the rest, each audited', async () => {
    const { providers, calls } = countingProviders();
    const id = await payment();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => resend(providers, id, `k20-${i}`)));
    expect(calls).toHaveLength(3);
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'refused_payment_limit')).toHaveLength(17);
    const [budget] = await db().select().from(otpBudgets).where(eq(otpBudgets.transactionId, id));
    expect(budget).toMatchObject({ sent: 3, sendLimit: 3 });
    // Refusals take their hourly counts back: only what was sent counts against the agent.
    const [window] = await db().select().from(otpRateWindows).where(eq(otpRateWindows.key, 'agent:1'));
    expect(window.count).toBe(3);
    const audit = await auditFor(id);
    // Each of the 3 sends twice (with its reservation, then with its outcome); each refusal once.
    expect(audit).toHaveLength(23);
    expect(audit.every((a) => a.action === 'otp.resend_requested' && a.actor === 'user:1' && a.actorRole === 'support' && a.sourceIp === '203.0.113.7')).toBe(true);
    expect(audit.filter((a) => a.outcome === 'reserved')).toHaveLength(3);
    expect(audit.filter((a) => a.outcome === 'sent')).toHaveLength(3);
    expect(audit.find((a) => a.outcome === 'sent')!.details).toMatchObject({ provider: 'juspay', reason: 'customer did not receive it', providerRequestId: 'req', budget: { limit: 3 } });
    expect(audit.find((a) => a.outcome === 'refused_payment_limit')!.details).toMatchObject({ providerRequestId: null, budget: { sent: 3, limit: 3, remaining: 0 } });
  });

  it('lets one through a cooldown and says when the rest may try again', async () => {
    const { providers, calls } = countingProviders();
    const id = await payment();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => resend(providers, id, `kcool-${i}`, { ...LIMITS, cooldownSeconds: 45 })));
    expect(calls).toHaveLength(1);
    const refused = results.filter((r) => r.outcome === 'refused_cooldown');
    expect(refused).toHaveLength(19);
    expect(refused[0].retryAfterSeconds).toBeGreaterThan(40);
    expect(refused[0].retryAfterSeconds).toBeLessThanOrEqual(45);
    expect(refused[0].message).toMatch(/Try again in 4\d s/);
    expect(results.find((r) => r.outcome === 'sent')!.budget).toMatchObject({ sent: 1, limit: 3, remaining: 2 });
  });

  it('stops an agent at the hourly limit without spending the payment budget, other agents unaffected', async () => {
    const { providers, calls } = countingProviders();
    const limits = { ...LIMITS, maxPerAgentPerHour: 2 };
    const ids = [await payment(), await payment(), await payment()];
    const globalCount = async () => (await db().select().from(otpRateWindows).where(eq(otpRateWindows.key, 'global')).orderBy(desc(otpRateWindows.windowStart)).limit(1))[0]?.count ?? 0;
    const r = [];
    for (const [i, id] of ids.entries()) r.push(await resend(providers, id, `kagent-${i}`, limits, agent(77)));
    const before = await globalCount();
    expect((await resend(providers, ids[2], 'kagent-again', limits, agent(77))).outcome).toBe('refused_agent_limit');
    expect(await globalCount()).toBe(before); // the global count taken back with the refusal
    expect(r.map((x) => x.outcome)).toEqual(['sent', 'sent', 'refused_agent_limit']);
    expect(r[2].retryAfterSeconds).toBeGreaterThan(0);
    expect(r[2].retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(r[2].budget).toMatchObject({ sent: 0, remaining: 3 });
    expect((await resend(providers, ids[2], 'kagent-other', limits, agent(78))).outcome).toBe('sent');
    expect(calls).toHaveLength(3);
  });

  it('stops everyone at the global ceiling, the API included', async () => {
    const { providers, calls } = countingProviders();
    // Earlier tests in this file already counted towards this hour's global window.
    const [window] = await db().select().from(otpRateWindows).where(eq(otpRateWindows.key, 'global')).orderBy(desc(otpRateWindows.windowStart)).limit(1);
    const limits = { ...LIMITS, maxGlobalPerHour: (window?.count ?? 0) + 2 };
    const api: OtpCaller = { actor: 'api', role: 'api', sourceIp: null, channel: 'api', agentId: null };
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await resend(providers, await payment(), `kglobal-${i}`, limits, i % 2 ? api : agent(5))).outcome);
    expect(outcomes).toEqual(['sent', 'sent', 'refused_global_limit', 'refused_global_limit']);
    expect(calls).toHaveLength(2);
  });

  it('makes one provider call for a repeated idempotency key, even at the same moment', async () => {
    const { providers, calls } = countingProviders();
    const id = await payment();
    const [a, b] = await Promise.all([resend(providers, id, 'same-click'), resend(providers, id, 'same-click')]);
    expect(calls).toHaveLength(1);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(a.outcome).toBe('sent');
    expect(b.outcome).toBe('sent');
    expect(a.attemptId).toBe(b.attemptId);
    expect((await auditFor(id)).map((a) => a.outcome)).toEqual(['reserved', 'sent']);
    const later = await resend(providers, id, 'same-click');
    expect(later).toMatchObject({ outcome: 'sent', replayed: true, attemptId: a.attemptId });
    await expect(resend(providers, await payment(), 'same-click')).rejects.toMatchObject({ code: 'conflict' });
  });

  it('counts a timeout as possibly sent, audited, and keeps it counted', async () => {
    const { providers } = countingProviders(() => Promise.reject(new ProviderError('provider_timeout', 'no answer in 5 s', { provider: 'juspay', outcomeUnknown: true })));
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const id = await payment();
    const r = await resend(providers, id, 'ktimeout');
    quiet.mockRestore();
    expect(r).toMatchObject({ outcome: 'provider_timeout_unknown', budget: { sent: 1, remaining: 2 } });
    expect(r.message).toMatch(/may have been sent/);
    expect((await auditFor(id)).map((a) => [a.action, a.outcome])).toEqual([
      ['otp.resend_requested', 'reserved'],
      ['otp.resend_requested', 'provider_timeout_unknown'],
    ]);
  });

  it("takes the provider's own limit: told 2 of 2, or refused with max_limit_exceeded, PayOps asks no more", async () => {
    const told = countingProviders(async () => ({ provider: 'juspay', providerRequestId: 'r', budget: { sent: 2, limit: 2 }, maskedMobile: null, message: 'ok' }));
    const id = await payment();
    expect((await resend(told.providers, id, 'ktold-1')).budget).toEqual({ sent: 2, limit: 2, remaining: 0, source: 'provider', cooldownUntil: null });
    expect((await resend(told.providers, id, 'ktold-2')).outcome).toBe('refused_payment_limit');
    expect(told.calls).toHaveLength(1);
    const [b] = await db().select().from(otpBudgets).where(eq(otpBudgets.transactionId, id));
    expect(b.sendLimit).toBe(2);

    const limited = countingProviders(() => Promise.reject(new ProviderError('rate_limited', 'max_limit_exceeded', { provider: 'juspay', httpStatus: 400 })));
    const id2 = await payment();
    expect((await resend(limited.providers, id2, 'krl-1')).outcome).toBe('rate_limited_by_provider');
    expect((await resend(limited.providers, id2, 'krl-2')).outcome).toBe('refused_payment_limit');
    expect(limited.calls).toHaveLength(1);
  });

  it('refuses a payment that is not waiting, or whose window closed, or lacks its ids — audited, no call', async () => {
    const { providers, calls } = countingProviders();
    const charged = await payment({ status: 'CHARGED', statusFamily: 'success' });
    const old = await payment({ txnAt: new Date(Date.now() - 11 * 60_000) });
    const noRefs = await payment({ otpRefs: {} });
    expect((await resend(providers, charged, 'kw-1')).outcome).toBe('refused_not_waiting');
    expect((await resend(providers, old, 'kw-2')).outcome).toBe('refused_window');
    expect((await resend(providers, noRefs, 'kw-3')).outcome).toBe('refused_missing_refs');
    expect(calls).toHaveLength(0);
    for (const id of [charged, old, noRefs]) expect(await auditFor(id)).toHaveLength(1);
    expect(await db().select().from(auditLog).where(like(auditLog.outcome, 'refused_%'))).not.toHaveLength(0);
  });
});
