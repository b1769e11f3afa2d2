import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { auditLog, otpAttempts, otpBudgets, transactions, type OtpAttempt } from '@/db/schema';
import type { OtpSendResult, Providers } from '@/lib/providers/types';
import { beginAttempt, closeStaleAttempts, finishAttempt, type OtpCaller } from './ledger';
import { staleAttemptMs, type OtpLimits } from './policy';
import { getOtpConsole } from './queries';
import { requestOtp } from './resend';
import { sendJob } from '@/lib/jobs/boss';
import { startJobs } from '@/lib/jobs/runtime';
import { otpSweepQueue } from './sweep';

// Issue 7, item 6: PayOps stopping between an OTP reservation and its outcome. The request is
// audited with its reservation; an attempt left waiting is closed as outcome_unknown, audited,
// when its payment is next consulted and by the periodic sweep. A "crash" here is a reservation
// whose outcome is never written, its reservation time moved back past the deadline.
const LIMITS: OtpLimits = { maxPerPayment: 3, cooldownSeconds: 0, maxPerAgentPerHour: 1000, maxGlobalPerHour: 100_000, windowMinutes: 10, maxValidationsPerPayment: 5 };
const agent: OtpCaller = { actor: 'user:9', role: 'support', sourceIp: '203.0.113.9', channel: 'console', agentId: 9 };

describe.each(await testDatabaseKinds())('OTP attempts left without an outcome, on $kind', ({ create }) => {
  let t: TestDb;
  let seq = 0;
  const db = () => t.handle.db;
  const calls: string[] = [];
  const providers = {
    juspay: {
      resendOtp: async (i: { txnId: string }): Promise<OtpSendResult> => {
        calls.push(i.txnId);
        return { provider: 'juspay', providerRequestId: 'req', budget: null, maskedMobile: null, message: 'ok', challengeId: null } as OtpSendResult;
      },
    },
  } as unknown as Providers;

  async function payment() {
    const [row] = await db()
      .insert(transactions)
      .values({ provider: 'juspay', transactionId: `stale_${process.pid}_${++seq}`, status: 'PENDING_VBV', statusRank: 0, statusFamily: 'open', txnAt: new Date(), otpRefs: { challenge_id: 'ch_1', customer_id: 'c_1' } })
      .returning();
    return row;
  }
  /** A reservation whose process then died: reserved and audited, never finished. */
  async function crashedAttempt(p: Awaited<ReturnType<typeof payment>>, opts: { ageMs?: number; kind?: 'resend' | 'validate' } = {}): Promise<OtpAttempt> {
    const kind = opts.kind ?? 'resend';
    const begun = await beginAttempt(db(), p, { kind, provider: 'juspay', reason: 'customer asked', idempotencyKey: `crash-${p.id}-${++seq}`, missingRefs: null }, agent, LIMITS);
    if (begun.state !== 'reserved') throw new Error(`not reserved: ${begun.state}`);
    const ageMs = opts.ageMs ?? staleAttemptMs() + 5_000;
    if (ageMs > 0) await db().execute(sql`UPDATE otp_attempts SET created_at = now() - make_interval(secs => ${ageMs / 1000}) WHERE id = ${begun.attempt.id}`);
    return begun.attempt;
  }
  const attempt = async (id: number) => (await db().select().from(otpAttempts).where(eq(otpAttempts.id, id)))[0];
  const auditOf = async (p: { id: number }) =>
    (await db().select().from(auditLog).where(eq(auditLog.target, String(p.id))).orderBy(auditLog.id)).map((a) => [a.outcome, (a.details as { attemptId?: number }).attemptId]);
  const resend = (p: { id: number }, key: string) => requestOtp(db(), providers, { transactionId: p.id, kind: 'resend', reason: 'again', idempotencyKey: key }, agent, LIMITS);

  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('audits the request with its reservation, before the provider is called', async () => {
    const p = await payment();
    const seen: unknown[] = [];
    const watching = {
      juspay: {
        resendOtp: async () => {
          seen.push(...(await auditOf(p)));
          return { provider: 'juspay', providerRequestId: 'req', budget: null, maskedMobile: null, message: 'ok', challengeId: null };
        },
      },
    } as unknown as Providers;
    const r = await requestOtp(db(), watching, { transactionId: p.id, kind: 'resend', reason: 'why', idempotencyKey: `seen-${p.id}` }, agent, LIMITS);
    expect(seen).toEqual([['reserved', r.attemptId]]);
    const [reserved] = await db().select().from(auditLog).where(eq(auditLog.target, String(p.id))).orderBy(auditLog.id).limit(1);
    expect(reserved).toMatchObject({ actor: 'user:9', actorRole: 'support', action: 'otp.resend_requested', sourceIp: '203.0.113.9', outcome: 'reserved' });
    expect(reserved.details).toEqual({ provider: 'juspay', channel: 'console', reason: 'why', attemptId: r.attemptId });
    expect(await auditOf(p)).toEqual([
      ['reserved', r.attemptId],
      ['sent', r.attemptId],
    ]);
  });

  it('closes a crashed attempt as outcome_unknown when the payment is next asked for an OTP, keeping its budget spent', async () => {
    const p = await payment();
    const crashed = await crashedAttempt(p);
    expect((await attempt(crashed.id)).outcome).toBeNull();
    const r = await resend(p, `after-crash-${p.id}`);
    expect(r).toMatchObject({ outcome: 'sent', budget: { sent: 2, remaining: 1 } });
    expect(await attempt(crashed.id)).toMatchObject({ outcome: 'outcome_unknown', finishedAt: expect.any(Date), message: expect.stringMatching(/may have been sent/) });
    expect(await auditOf(p)).toEqual([
      ['reserved', crashed.id],
      ['outcome_unknown', crashed.id],
      ['reserved', r.attemptId],
      ['sent', r.attemptId],
    ]);
    const [closing] = await db().select().from(auditLog).where(eq(auditLog.outcome, 'outcome_unknown')).orderBy(auditLog.id).limit(1);
    expect(closing).toMatchObject({ actor: 'user:9', action: 'otp.resend_requested' });
    expect(closing.details).toMatchObject({ closedBy: 'payops', why: expect.stringMatching(/stopped during the provider call/) });
  });

  it('answers a repeated key of a crashed attempt with outcome_unknown at once, not "still waiting"', async () => {
    const p = await payment();
    const crashed = await crashedAttempt(p);
    const started = Date.now();
    const replay = await resend(p, crashed.idempotencyKey);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(replay).toMatchObject({ attemptId: crashed.id, outcome: 'outcome_unknown', replayed: true });
  });

  it('closes it when the payment page reads the OTP history', async () => {
    const p = await payment();
    const crashed = await crashedAttempt(p, { kind: 'validate' });
    const data = await getOtpConsole(db(), { transactionId: p.id });
    expect(data.history.map((h) => h.outcome)).toEqual(['outcome_unknown']);
    expect((await attempt(crashed.id)).message).toMatch(/may have been accepted/);
    expect(await auditOf(p)).toEqual([
      ['reserved', crashed.id],
      ['outcome_unknown', crashed.id],
    ]);
  });

  it('leaves alone an attempt still inside its deadline', async () => {
    const p = await payment();
    const inFlight = await crashedAttempt(p, { ageMs: staleAttemptMs() - 10_000 });
    await getOtpConsole(db(), { transactionId: p.id });
    expect(await closeStaleAttempts(db())).not.toContainEqual(expect.objectContaining({ id: inFlight.id }));
    expect((await attempt(inFlight.id)).outcome).toBeNull();
  });

  it('sweeps every payment, once: a second sweep, or two at the same moment, close and audit nothing twice', async () => {
    const payments = [await payment(), await payment(), await payment()];
    const crashed = [];
    // Two per payment: both reserved before either is old (a reservation closes its payment's old ones).
    for (const p of payments) crashed.push(await crashedAttempt(p, { ageMs: 0 }), await crashedAttempt(p, { ageMs: 0 }));
    const ids = crashed.map((a) => a.id);
    await db().update(otpAttempts).set({ createdAt: sql`now() - interval '1 day'` }).where(inArray(otpAttempts.id, ids));
    const [a, b] = await Promise.all([closeStaleAttempts(db()), closeStaleAttempts(db())]);
    const closed = [...a, ...b].map((x) => x.id).filter((id) => ids.includes(id));
    expect(closed.sort((x, y) => x - y)).toEqual(ids);
    expect(await closeStaleAttempts(db())).toEqual([]);
    const rows = await db().select().from(otpAttempts).where(inArray(otpAttempts.id, ids));
    expect(rows.every((r) => r.outcome === 'outcome_unknown')).toBe(true);
    for (const p of payments) expect((await auditOf(p)).filter(([o]) => o === 'outcome_unknown')).toHaveLength(2);
    // The budget stays spent: the OTPs may have reached the phone.
    const [budget] = await db().select().from(otpBudgets).where(eq(otpBudgets.transactionId, payments[0].id));
    expect(budget.sent).toBe(2);
  });

  it('takes a late real outcome over outcome_unknown, audited too', async () => {
    const p = await payment();
    const crashed = await crashedAttempt(p);
    await closeStaleAttempts(db(), { transactionId: p.id });
    await finishAttempt(db(), crashed, { outcome: 'sent', providerRequestId: 'late' }, LIMITS);
    expect(await attempt(crashed.id)).toMatchObject({ outcome: 'sent', providerRequestId: 'late' });
    expect((await auditOf(p)).map(([o]) => o)).toEqual(['reserved', 'outcome_unknown', 'sent']);
  });

  it('is closed by the scheduled otp-close-stale job', async () => {
    const p = await payment();
    const crashed = await crashedAttempt(p);
    const callsBefore = calls.length;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const jobs = await startJobs(t.handle, { work: true, providers: () => providers, queues: [otpSweepQueue], pollingIntervalSeconds: 0.5 });
    let said = '';
    try {
      await sendJob(otpSweepQueue, {});
      await vi.waitFor(async () => expect((await attempt(crashed.id)).outcome).toBe('outcome_unknown'), { timeout: 10_000, interval: 100 });
      said = warn.mock.calls.flat().join(' ');
    } finally {
      await jobs.stop(1000);
      warn.mockRestore();
    }
    expect(said).toMatch(new RegExp(`outcome_unknown: .*\\b${crashed.id}\\b`));
    expect(calls).toHaveLength(callsBefore); // the sweep never calls a provider
  });
});
