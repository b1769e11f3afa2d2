import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { auditLog, otpAttempts, otpBudgets, transactions } from '@/db/schema';
import { AppError } from '@/lib/errors';
import type { OtpSendResult, Providers } from '@/lib/providers/types';
import type { OtpCaller } from './ledger';
import type { OtpLimits } from './policy';
import type { OtpRefs } from './refs';
import { requestOtp } from './resend';

// Staff-security point 6: a wallet transaction OTP goes only to the wallet card of the payment it
// is for. The database and the ledger are real; the provider is a stand-in that records every call.
const LIMITS: OtpLimits = { maxPerPayment: 3, cooldownSeconds: 0, maxPerAgentPerHour: 1000, maxGlobalPerHour: 100_000, windowMinutes: 10, maxValidationsPerPayment: 5 };
const agent: OtpCaller = { actor: 'user:7', role: 'support', sourceIp: '203.0.113.7', channel: 'console', agentId: 7 };

function recordingProviders() {
  const calls: string[] = [];
  const answer = async (what: string): Promise<OtpSendResult> => {
    calls.push(what);
    return { provider: 'enkash_wallet', providerRequestId: 'req', budget: null, maskedMobile: '60XXXXXX11', message: 'ok' };
  };
  const providers = {
    enkash: { resendOtp: (id: string) => answer(`enkash:${id}`) },
    enkashWallet: { generateTransactionOtp: (c: { cardAccountId: string; enKashCardId: string }) => answer(`wallet:${c.cardAccountId}:${c.enKashCardId}`) },
    juspay: { resendOtp: (i: { txnId: string }) => answer(`juspay:${i.txnId}`) },
  } as unknown as Providers;
  return { providers, calls };
}

describe.each(await testDatabaseKinds())('wallet OTP on $kind', ({ create }) => {
  let t: TestDb;
  let seq = 0;
  const db = () => t.handle.db;
  async function payment(provider: string, otpRefs: Record<string, string>) {
    const [row] = await db()
      .insert(transactions)
      .values({ provider, transactionId: `WAL${process.pid}x${++seq}`, status: provider === 'juspay' ? 'PENDING_VBV' : 'PENDING_WITH_BANK', statusRank: 20, statusFamily: 'open', txnAt: new Date(), otpRefs })
      .returning();
    return row;
  }
  const cardOf = (n: number) => ({ card_account_id: `CAC${n}`, enkash_card_id: `EKC${n}` });
  const send = (providers: Providers, id: number, kind: 'wallet_otp' | 'resend', refs: OtpRefs = {}) =>
    requestOtp(db(), providers, { transactionId: id, kind, reason: 'customer did not receive it', idempotencyKey: `w-${++seq}`, refs }, agent, LIMITS);
  const refusalOf = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof AppError ? e : Promise.reject(e)));
  const trail = async (id: number) => ({
    audit: await db().select().from(auditLog).where(eq(auditLog.target, String(id))).orderBy(auditLog.id),
    attempts: await db().select().from(otpAttempts).where(eq(otpAttempts.transactionId, id)),
    budget: await db().select().from(otpBudgets).where(eq(otpBudgets.transactionId, id)),
  });

  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("refuses another payment's card ids: no provider call, no attempt, no budget spent; audited with the ids named", async () => {
    const { providers, calls } = recordingProviders();
    const mine = await payment('enkash', cardOf(1));
    await payment('enkash', cardOf(2)); // someone else's payment, whose card the agent copied
    for (const refs of [{ cardAccountId: 'CAC2', enKashCardId: 'EKC2' }, { enKashCardId: 'EKC2' }, { cardAccountId: 'CAC2' }]) {
      const refused = await refusalOf(send(providers, mine.id, 'wallet_otp', refs));
      expect(refused).toMatchObject({ code: 'forbidden', message: expect.stringContaining("not this payment's") });
    }
    expect(calls).toEqual([]);
    const { audit, attempts, budget } = await trail(mine.id);
    expect(attempts).toEqual([]);
    expect(budget).toEqual([]);
    expect(audit.map((a) => [a.actor, a.actorRole, a.action, a.outcome, a.sourceIp])).toEqual(
      Array(3).fill(['user:7', 'support', 'otp.wallet_otp_requested', 'refused_other_card', '203.0.113.7']),
    );
    expect(audit[0].details).toMatchObject({ channel: 'console', provider: 'enkash_wallet', namedCard: { cardAccountId: 'CAC2', enKashCardId: 'EKC2' } });
  });

  it('sends to the stored card when the request names no ids, or the same ones', async () => {
    const { providers, calls } = recordingProviders();
    const mine = await payment('enkash', cardOf(3));
    expect((await send(providers, mine.id, 'wallet_otp')).outcome).toBe('sent');
    expect((await send(providers, mine.id, 'wallet_otp', { cardAccountId: 'CAC3', enKashCardId: 'EKC3' })).outcome).toBe('sent');
    expect(calls).toEqual(['wallet:CAC3:EKC3', 'wallet:CAC3:EKC3']);
  });

  it('refuses a wallet OTP for a payment that is not a wallet payment, with or without ids', async () => {
    const { providers, calls } = recordingProviders();
    const juspay = await payment('juspay', { challenge_id: 'ch_1', customer_id: 'cust_1' });
    const enkashCard = await payment('enkash', {});
    expect(await refusalOf(send(providers, juspay.id, 'wallet_otp'))).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('not a wallet payment') });
    expect(await refusalOf(send(providers, enkashCard.id, 'wallet_otp'))).toMatchObject({ code: 'invalid_input' });
    // Naming a card where none is stored is naming another card.
    expect(await refusalOf(send(providers, enkashCard.id, 'wallet_otp', { cardAccountId: 'CAC1', enKashCardId: 'EKC1' }))).toMatchObject({ code: 'forbidden' });
    expect(calls).toEqual([]);
    expect((await trail(juspay.id)).audit.map((a) => a.outcome)).toEqual(['refused_not_wallet']);
    expect((await trail(enkashCard.id)).audit.map((a) => a.outcome)).toEqual(['refused_not_wallet', 'refused_other_card']);
    // The payment's own OTP is still there.
    expect((await send(providers, enkashCard.id, 'resend')).outcome).toBe('sent');
    expect(calls).toEqual([`enkash:${enkashCard.transactionId}`]);
  });

  it("an Enkash Wallet payment's resend is its wallet OTP, to its stored card only", async () => {
    const { providers, calls } = recordingProviders();
    const wallet = await payment('enkash_wallet', cardOf(4));
    expect(await refusalOf(send(providers, wallet.id, 'resend', { cardAccountId: 'CAC5', enKashCardId: 'EKC5' }))).toMatchObject({ code: 'forbidden' });
    expect((await send(providers, wallet.id, 'resend')).outcome).toBe('sent');
    expect(calls).toEqual(['wallet:CAC4:EKC4']);
    // No card stored: refused by the ledger as ids missing, as before (an attempt, audited), and no call.
    const bare = await payment('enkash_wallet', {});
    expect((await send(providers, bare.id, 'resend')).outcome).toBe('refused_missing_refs');
    expect(calls).toHaveLength(1);
  });
});
