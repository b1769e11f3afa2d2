import { and, eq, or, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows, useDbHandle } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { auditLog, otpAttempts, transactions } from '@/db/schema';
import { handleOtpApi } from '@/lib/otp/api';
import type { OtpLimits } from '@/lib/otp/policy';
import { useProviders, type Providers } from '@/lib/providers';
import type { Sandbox } from '@/sandbox/server';
import { SANDBOX_TEST_OTP } from '@/sandbox/state';
import { startSandboxWithProviders } from '@/sandbox/testing';
import { handleJuspayWebhook } from '@/lib/webhooks/juspay';
import { basicAuth, juspayEvent, juspayRequest } from '@/test/juspay';

// The OTP proxy end to end: the real route modules, a real database, the real provider clients
// talking to the provider simulator over HTTP. Only the limits are set per test. The client
// deadline is generous: PGlite runs on this thread and slows the simulator's replies under load.
const TOKEN = 'otp-test-token';
const DISTINCTIVE_OTP = '987123';
const LIMITS: OtpLimits = { maxPerPayment: 3, cooldownSeconds: 0, maxPerAgentPerHour: 20, maxGlobalPerHour: 100_000, windowMinutes: 10, maxValidationsPerPayment: 5 };

let n = 0;
const fresh = (prefix: string) => `${prefix}${process.pid}x${Date.now()}x${++n}`;
const juspay = (id = fresh('txn_')) => ({ provider: 'juspay', transactionId: id, challengeId: `ch_${id}`, customerId: 'cust_1122' });

describe.each(await testDatabaseKinds())('OTP proxy on $kind', ({ create }) => {
  let t: TestDb;
  let sandbox: Sandbox;
  let providers: Providers;
  const logged: string[] = [];
  const db = () => t.handle.db;
  const call = (kind: 'resend' | 'validate', body: unknown, opts: { key?: string; token?: string | null; limits?: OtpLimits } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.23' };
    if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? TOKEN}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    const req = new Request(`http://payops.test/api/v1/otp/${kind}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return handleOtpApi(req, kind, { db: db(), providers, apiToken: TOKEN, limits: opts.limits ?? LIMITS }).catch(async (err) => (await import('@/lib/route')).errorResponse(err, req));
  };
  const sends = (provider: 'juspay' | 'enkash' | 'enkash_wallet', id: string) => sandbox.control.transaction(provider, id)?.sendRequests ?? 0;

  beforeAll(async () => {
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args) => void logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
    }
    t = await create();
    useDbHandle(t.handle);
    const started = await startSandboxWithProviders({ timeoutMs: 4000 });
    sandbox = started.sandbox;
    providers = started.providers();
    useProviders(providers);
  });
  afterEach(() => sandbox.control.clearFaults());
  afterAll(async () => {
    vi.restoreAllMocks();
    useProviders(undefined);
    await sandbox?.close();
    await t?.cleanup();
  });

  it('refuses a missing token, a bad body and a bad OTP, echoing none of it', async () => {
    expect((await call('resend', juspay(), { token: null })).status).toBe(401);
    expect((await call('resend', juspay(), { token: 'wrong' })).status).toBe(401);
    expect((await call('resend', '{"provider":')).status).toBe(400);
    const badProvider = await call('resend', { ...juspay(), provider: 'paypal' });
    expect(badProvider.status).toBe(400);
    expect((await badProvider.json()).error.issues[0].path).toBe('provider');
    const badOtp = await call('validate', { ...juspay(), otp: '98712a' });
    expect(badOtp.status).toBe(400);
    expect(await badOtp.text()).not.toContain('98712a');
  });

  it('records a new Juspay payment, resends through the simulator and answers the provider budget', async () => {
    const body = juspay();
    const res = await call('resend', { ...body, reason: 'customer asked' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      outcome: 'sent',
      message: expect.stringContaining('Sent'),
      budget: { sent: 1, limit: 3, remaining: 2 },
      providerRequestId: body.transactionId,
    });
    expect(sends('juspay', body.transactionId)).toBe(1);
    const [row] = await db().select().from(transactions).where(and(eq(transactions.provider, 'juspay'), eq(transactions.transactionId, body.transactionId)));
    expect(row).toMatchObject({ status: 'PENDING_VBV', statusFamily: 'open', otpRefs: { challenge_id: body.challengeId, customer_id: 'cust_1122' } });
    const [reserved, audit] = await db().select().from(auditLog).where(eq(auditLog.target, String(row.id))).orderBy(auditLog.id);
    expect(reserved).toMatchObject({ actor: 'api', actorRole: 'api', action: 'otp.resend_requested', outcome: 'reserved', sourceIp: '198.51.100.23' });
    expect(audit).toMatchObject({ actor: 'api', actorRole: 'api', action: 'otp.resend_requested', outcome: 'sent', sourceIp: '198.51.100.23' });
    expect(audit.details).toMatchObject({ provider: 'juspay', channel: 'api', reason: 'customer asked', providerRequestId: body.transactionId, budget: { sent: 1, limit: 3, remaining: 2 } });
  });

  it('lets exactly the budget reach the simulator out of 20 concurrent resends', async () => {
    const body = juspay();
    const responses = await Promise.all(Array.from({ length: 20 }, () => call('resend', body)));
    const statuses = responses.map((r) => r.status);
    const outcomes = await Promise.all(responses.map(async (r) => (await r.clone().json()).outcome));
    expect(outcomes.filter((o) => o !== 'sent' && o !== 'refused_payment_limit'), outcomes.join()).toEqual([]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(17);
    expect(sends('juspay', body.transactionId)).toBe(3);
    const refused = await responses.find((r) => r.status === 429)!.json();
    expect(refused).toMatchObject({ outcome: 'refused_payment_limit', budget: { remaining: 0 }, error: { code: 'rate_limited' } });
    const [{ count }] = await queryRows<{ count: string }>(db(), sql`SELECT count(*) FROM otp_attempts a JOIN transactions t ON t.id = a.transaction_id WHERE t.transaction_id = ${body.transactionId}`);
    expect(Number(count)).toBe(20);
  });

  it('answers a cooldown with 429 and Retry-After', async () => {
    const body = juspay();
    const limits = { ...LIMITS, cooldownSeconds: 45 };
    expect((await call('resend', body, { limits })).status).toBe(200);
    const again = await call('resend', body, { limits });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(40);
    expect(await again.json()).toMatchObject({ outcome: 'refused_cooldown', retryAfterSeconds: expect.any(Number) });
    expect(sends('juspay', body.transactionId)).toBe(1);
  });

  it('makes one provider call for a repeated Idempotency-Key', async () => {
    const body = juspay();
    const [a, b] = await Promise.all([call('resend', body, { key: 'checkout-click-1' }), call('resend', body, { key: 'checkout-click-1' })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const answers = [await a.json(), await b.json()];
    expect(answers.filter((x) => x.replayed)).toHaveLength(1);
    expect(sends('juspay', body.transactionId)).toBe(1);
    expect((await call('resend', juspay(), { key: 'checkout-click-1' })).status).toBe(409);
  });

  it('gives every provider failure mode its status, message and audit row; each still counts', async () => {
    const cases = [
      { mode: 'timeout', status: 504, outcome: 'provider_timeout_unknown', words: /may have been sent/ },
      { mode: '5xx', status: 502, outcome: 'provider_error', words: /failed to answer/ },
      { mode: 'garbage', status: 502, outcome: 'provider_error', words: /failed to answer/ },
      { mode: '401', status: 502, outcome: 'provider_error', words: /failed to answer/ },
    ] as const;
    for (const c of cases) {
      const body = juspay();
      sandbox.control.setFault('juspay.resend', { mode: c.mode, times: 1 });
      const res = await call('resend', body);
      expect(res.status, c.mode).toBe(c.status);
      const answer = await res.json();
      expect(answer, c.mode).toMatchObject({ outcome: c.outcome, budget: { sent: 1, remaining: 2 }, error: { message: expect.stringMatching(c.words) } });
      const [attempt] = await db().select().from(otpAttempts).where(eq(otpAttempts.idempotencyKey, (await attemptKeyOf(body.transactionId))!));
      const audit = await db().select().from(auditLog).where(eq(auditLog.target, String(attempt.transactionId))).orderBy(auditLog.id);
      expect(audit.map((a) => a.outcome)).toEqual(['reserved', c.outcome]);
    }
  });

  it("stops at the provider's own limit and asks it no more", async () => {
    const body = juspay();
    sandbox.control.setTransaction('juspay', body.transactionId, { maxOtpSendLimit: 1, timesOtpSent: 1 });
    const limited = await call('resend', body);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ outcome: 'rate_limited_by_provider', budget: { remaining: 0 } });
    expect((await (await call('resend', body)).json()).outcome).toBe('refused_payment_limit');
    expect(sends('juspay', body.transactionId)).toBe(1);
  });

  it('resends an Enkash PG OTP and sends an Enkash Wallet transaction OTP, showing the masked mobile', async () => {
    const ek = fresh('EKOTP');
    expect(await (await call('resend', { provider: 'enkash', transactionId: ek })).json()).toMatchObject({ outcome: 'sent', budget: { sent: 1, limit: 3 } });
    expect(sends('enkash', ek)).toBe(1);
    const [row] = await db().select().from(transactions).where(eq(transactions.transactionId, ek));
    expect(row).toMatchObject({ provider: 'enkash', status: 'CREATED', statusFamily: 'open', statusRank: 10 });

    const wallet = { provider: 'enkash_wallet', transactionId: fresh('EKW'), cardAccountId: 'CAC7975', enKashCardId: fresh('EKC') };
    const sent = await call('resend', wallet);
    expect(sent.status).toBe(200);
    expect(await sent.json()).toMatchObject({ outcome: 'sent', maskedMobile: '60XXXXXX11', providerRequestId: expect.stringMatching(/^EK/) });
    const noCard = await call('resend', { provider: 'enkash_wallet', transactionId: fresh('EKW') });
    expect(noCard.status).toBe(400);
    expect(await noCard.json()).toMatchObject({ outcome: 'refused_missing_refs' });
  });

  it("keeps a wallet payment to the card it was first given: another card is refused 403, audited, never sent", async () => {
    const first = { provider: 'enkash_wallet', transactionId: fresh('EKW'), cardAccountId: 'CAC7975', enKashCardId: fresh('EKC') };
    const other = { cardAccountId: 'CAC1234', enKashCardId: fresh('EKC') };
    expect((await call('resend', first)).status).toBe(200);
    const walletSends = (c: { cardAccountId: string; enKashCardId: string }) => sends('enkash_wallet', `${c.cardAccountId}:${c.enKashCardId}`);

    const refused = await call('resend', { ...first, ...other });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: { code: 'forbidden', message: expect.stringContaining("These wallet card ids are not this payment's") } });
    expect((await call('resend', { ...first, enKashCardId: other.enKashCardId })).status).toBe(403);
    expect(walletSends(other)).toBe(0);
    expect(walletSends({ cardAccountId: 'CAC7975', enKashCardId: other.enKashCardId })).toBe(0);
    const [row] = await db().select().from(transactions).where(and(eq(transactions.provider, 'enkash_wallet'), eq(transactions.transactionId, first.transactionId)));
    expect(row.otpRefs).toEqual({ card_account_id: first.cardAccountId, enkash_card_id: first.enKashCardId });
    const audit = await db().select().from(auditLog).where(and(eq(auditLog.target, String(row.id)), eq(auditLog.outcome, 'refused_other_card')));
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actor: 'api', action: 'otp.wallet_otp_requested', sourceIp: '198.51.100.23', details: expect.objectContaining({ channel: 'api', namedCard: other }) });

    // The same card, or none named: the stored card.
    expect((await call('resend', first)).status).toBe(200);
    expect((await call('resend', { provider: 'enkash_wallet', transactionId: first.transactionId })).status).toBe(200);
    expect(walletSends(first)).toBe(3);
    // Half a card, or a card on a Juspay payment, is not a valid body.
    expect((await call('resend', { provider: 'enkash_wallet', transactionId: fresh('EKW'), cardAccountId: 'CAC7975' })).status).toBe(400);
    expect((await call('resend', { ...juspay(), ...other })).status).toBe(400);
  });

  it('names an Enkash PG payment\'s wallet card through the checkout once; the console then sends only to it', async () => {
    const ek = fresh('EKPGW');
    const card = { cardAccountId: 'CAC5555', enKashCardId: fresh('EKC') };
    expect((await call('resend', { provider: 'enkash', transactionId: ek, ...card })).status).toBe(200);
    const [row] = await db().select().from(transactions).where(and(eq(transactions.provider, 'enkash'), eq(transactions.transactionId, ek)));
    expect(row.otpRefs).toEqual({ card_account_id: card.cardAccountId, enkash_card_id: card.enKashCardId });
    const other = await call('resend', { provider: 'enkash', transactionId: ek, cardAccountId: 'CAC1234', enKashCardId: fresh('EKC') });
    expect(other.status).toBe(403);
    expect(sends('enkash', ek)).toBe(1);
  });

  it('passes an OTP through to validate and never stores or logs it', async () => {
    const body = juspay();
    const wrong = await call('validate', { ...body, otp: DISTINCTIVE_OTP });
    expect(wrong.status).toBe(422);
    expect(await wrong.json()).toMatchObject({ outcome: 'provider_refused', message: expect.stringContaining('Juspay refused: a wrong or expired OTP') });
    sandbox.control.setFault('juspay.authenticate', { mode: '5xx', times: 1 });
    expect((await call('validate', { ...body, otp: DISTINCTIVE_OTP })).status).toBe(502);
    const right = await call('validate', { ...body, otp: SANDBOX_TEST_OTP });
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({ outcome: 'validated', providerStatus: 'CHARGED' });
    const ek = fresh('EKV');
    expect((await call('validate', { provider: 'enkash', transactionId: ek, otp: DISTINCTIVE_OTP })).status).toBe(422);
    // A validate is audited like a send.
    const audit = await db().select().from(auditLog).where(eq(auditLog.action, 'otp.validate_requested'));
    expect(audit.length).toBeGreaterThanOrEqual(4);

    // Every table, every row, as text; and everything written to the console during this file.
    const tables = await queryRows<{ table_name: string }>(db(), sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    expect(tables.map((x) => x.table_name)).toEqual(expect.arrayContaining(['otp_attempts', 'audit_log', 'transactions']));
    let dump = '';
    for (const { table_name } of tables) {
      const rows = await queryRows<{ row: string }>(db(), sql`SELECT x::text AS row FROM ${sql.identifier(table_name)} x`);
      dump += rows.map((r) => r.row).join('\n');
    }
    expect(dump).toContain(body.challengeId); // the dump does hold what was stored…
    expect(dump).not.toContain(DISTINCTIVE_OTP); // …and never the OTP
    expect(logged.join('\n')).not.toContain(DISTINCTIVE_OTP);
  });

  it("finds a Juspay payment by its txn_uuid too: one payment, one budget, one window, whichever id the checkout sends", async () => {
    const order = fresh('AL');
    const txnId = `payopsdemo-${order}-1`;
    const uuid = `uuid${order}`;
    // The payment as the webhook records it: txn_id X, txn_uuid U, its challenge and customer.
    const delivered = await handleJuspayWebhook(
      juspayRequest(juspayEvent({ id: `evt_${order}`, txn: order, txnDetail: { created: new Date().toISOString() } }), { authorization: basicAuth('u', 'p') }),
      { db: async () => db(), credentials: { username: 'u', password: 'p', required: true } },
    );
    expect(delivered.status).toBe(200);
    const [payment] = await db().select().from(transactions).where(and(eq(transactions.provider, 'juspay'), eq(transactions.transactionId, txnId)));

    const answers = [];
    for (const id of [uuid, txnId, uuid, txnId]) answers.push(await (await call('resend', { provider: 'juspay', transactionId: id })).json());
    expect(answers.map((a) => a.outcome)).toEqual(['sent', 'sent', 'sent', 'refused_payment_limit']);
    expect(answers[2].budget).toMatchObject({ sent: 3, remaining: 0 });
    // No second payment for the alias, and every attempt on the one there is.
    expect(await db().select().from(transactions).where(eq(transactions.transactionId, uuid))).toEqual([]);
    const attempts = await db().select().from(otpAttempts).where(eq(otpAttempts.transactionId, payment.id));
    expect(attempts).toHaveLength(4);
    // Juspay is called with its own id of the attempt, whichever id was given.
    expect(sends('juspay', uuid)).toBe(3);
  });

  it('keeps one payment when the checkout names the txn_uuid before any webhook has arrived', async () => {
    const order = fresh('AR');
    const txnId = `payopsdemo-${order}-1`;
    const uuid = `uuid${order}`;
    // The proxy hears of the payment first, by its txn_uuid (with the challenge and customer the
    // event will carry): it records it under that id.
    expect((await call('resend', { provider: 'juspay', transactionId: uuid, challengeId: 'ch_5c1f0e8a9d', customerId: 'cth_iRT3ZLCcNdnigB63' })).status).toBe(200);
    const [early] = await db().select().from(transactions).where(and(eq(transactions.provider, 'juspay'), eq(transactions.transactionId, uuid)));
    expect(early).toBeDefined();
    // Then the webhook, naming txn_id X and txn_uuid U: it lands on that row, renamed to X.
    const delivered = await handleJuspayWebhook(
      juspayRequest(juspayEvent({ id: `evt_${order}`, txn: order, txnDetail: { created: new Date().toISOString() } }), { authorization: basicAuth('u', 'p') }),
      { db: async () => db(), credentials: { username: 'u', password: 'p', required: true } },
    );
    expect(delivered.status).toBe(200);
    const rows = await db().select().from(transactions).where(and(eq(transactions.provider, 'juspay'), or(eq(transactions.transactionId, txnId), eq(transactions.transactionId, uuid))));
    expect(rows.map((r) => [r.id, r.transactionId, r.uniqueTransactionId])).toEqual([[early.id, txnId, uuid]]);
    // One budget across both ids: two more sends, then the limit.
    const answers = [];
    for (const id of [txnId, uuid, txnId]) answers.push(await (await call('resend', { provider: 'juspay', transactionId: id })).json());
    expect(answers.map((a) => a.outcome)).toEqual(['sent', 'sent', 'refused_payment_limit']);
    expect(await db().select().from(otpAttempts).where(eq(otpAttempts.transactionId, early.id))).toHaveLength(4);
  });

  it('refuses ids longer than 128 characters with 400 and records nothing', async () => {
    const long = 'x'.repeat(129);
    for (const body of [juspay(long), { ...juspay(), challengeId: long }, { ...juspay(), customerId: long }, { provider: 'enkash', transactionId: long }]) {
      const res = await call('resend', body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_input');
    }
    expect(await db().select().from(transactions).where(eq(transactions.transactionId, long))).toEqual([]);
    expect((await call('resend', { ...juspay(), transactionId: `${fresh('y')}`.padEnd(128, 'y') })).status).toBe(200);
  });

  /** The idempotency key of the one attempt on a payment. */
  async function attemptKeyOf(transactionId: string): Promise<string | undefined> {
    const [r] = await queryRows<{ key: string }>(db(), sql`SELECT a.idempotency_key AS key FROM otp_attempts a JOIN transactions t ON t.id = a.transaction_id WHERE t.transaction_id = ${transactionId}`);
    return r?.key;
  }
});
