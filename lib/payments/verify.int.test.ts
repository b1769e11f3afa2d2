import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import type { Providers } from '@/lib/providers';
import type { Sandbox } from '@/sandbox/server';
import { startSandboxWithProviders } from '@/sandbox/testing';
import { exampleWith, notifyRequest } from '@/test/enkash';
import { juspayEvent, juspayRequest } from '@/test/juspay';
import { handleEnkashNotify } from '@/lib/webhooks/enkash-notify';
import { handleJuspayWebhook } from '@/lib/webhooks/juspay';
import { selectForReconcile, verifyTransaction } from './verify';
import { enqueueVerificationQuietly } from './verify-job';

const SECRET = 'verify-secret';
let sandbox: Sandbox;
let providers: Providers;

beforeAll(async () => {
  const started = await startSandboxWithProviders({ timeoutMs: 400 });
  sandbox = started.sandbox;
  providers = started.providers();
});
afterAll(async () => {
  await sandbox?.close();
});
afterEach(() => sandbox.control.clearFaults());

describe.each(await testDatabaseKinds())('trust, then verify, on $kind against the simulator', ({ create }) => {
  let t: TestDb;
  const db = () => t.handle.db;
  const rows = <T = Record<string, any>>(query: ReturnType<typeof sql>) => queryRows<T>(db(), query);
  const row = async (id: string) => (await rows<Record<string, any>>(sql`SELECT * FROM transactions WHERE transaction_id = ${id}`))[0];
  /** Notifies PayOps through the real webhook; the simulator's status API then says `providerSays`. */
  const notify = async (id: string, status: string, providerSays: string | null = status, extra: Record<string, unknown> = {}) => {
    if (providerSays) sandbox.control.setTransaction('enkash', id, { status: providerSays });
    const res = await handleEnkashNotify(notifyRequest(exampleWith({ transactionId: id, status, ...extra }), { key: SECRET }), {
      db: async () => db(),
      secret: SECRET,
    });
    expect(res.status).toBe(200);
    return Number((await row(id)).id);
  };
  const verify = (id: number) => verifyTransaction(db(), providers, { id });

  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  let n = 0;
  let txn: string;
  beforeEach(() => {
    txn = `EKVER${Date.now()}${++n}`;
  });

  it('confirms a status the provider reports too', async () => {
    const id = await notify(txn, 'SUCCESS');
    expect(await row(txn)).toMatchObject({ verification: 'unconfirmed', verified_at: null });
    expect(await verify(id)).toMatchObject({ verification: 'confirmed', status: 'SUCCESS', verifiedStatus: 'SUCCESS', verifiedFamily: 'success' });
    const after = await row(txn);
    expect(after).toMatchObject({ verification: 'confirmed', verified_status: 'SUCCESS', verification_detail: null, flags: [] });
    expect(after.verified_at).not.toBeNull();
  });

  it('flags a success the provider contradicts, and keeps the status', async () => {
    const id = await notify(txn, 'SUCCESS', 'FAILED');
    const result = await verify(id);
    expect(result).toMatchObject({ verification: 'mismatch', verifiedStatus: 'FAILED' });
    expect(await row(txn)).toMatchObject({ status: 'SUCCESS', verification: 'mismatch', verified_status: 'FAILED', flags: ['provider_mismatch'] });
    expect((await row(txn)).verification_detail).toMatch(/reports FAILED.*said SUCCESS/);
  });

  it('flags a notification about a transaction the provider does not know', async () => {
    const id = await notify(txn, 'SUCCESS', null);
    expect(await verify(id)).toMatchObject({ verification: 'mismatch', verifiedStatus: null });
    expect((await row(txn)).flags).toContain('provider_mismatch');
  });

  it('leaves an open status unconfirmed, unflagged, when the provider is only further along', async () => {
    const id = await notify(txn, 'PENDING_WITH_BANK', 'SUCCESS');
    expect(await verify(id)).toMatchObject({ verification: 'unconfirmed', verifiedStatus: 'SUCCESS', verifiedFamily: 'success' });
    expect(await row(txn)).toMatchObject({ status: 'PENDING_WITH_BANK', verification: 'unconfirmed', verified_status: 'SUCCESS', flags: [] });
  });

  it('records a simulator 5xx or timeout as error without throwing, and keeps an earlier verdict', async () => {
    const id = await notify(txn, 'PENDING_WITH_BANK');
    sandbox.control.setFault('enkash.status', { mode: '5xx' });
    const failed = await verify(id);
    expect(failed).toMatchObject({ verification: 'error', verifiedStatus: null });
    expect(failed!.detail).toMatch(/could not be asked \(provider_error\)/);
    expect(await row(txn)).toMatchObject({ verification: 'error', verified_status: null });

    sandbox.control.clearFaults();
    expect((await verify(id))!.verification).toBe('confirmed');
    sandbox.control.setFault('enkash.status', { mode: 'timeout' });
    expect((await verify(id))!.verification).toBe('error');
    expect(await row(txn)).toMatchObject({ verification: 'confirmed', verified_status: 'PENDING_WITH_BANK' });
  });

  it('asks again after a new status: a confirmation was about the old one', async () => {
    const id = await notify(txn, 'PENDING_WITH_BANK');
    await verify(id);
    expect((await row(txn)).verification).toBe('confirmed');
    await notify(txn, 'SUCCESS');
    expect(await row(txn)).toMatchObject({ status: 'SUCCESS', verification: 'unconfirmed', verified_status: 'PENDING_WITH_BANK' });
    // The same status again (a refresh) keeps the confirmation.
    await verify(id);
    await notify(txn, 'SUCCESS', 'SUCCESS', { txnMsg: 'again' });
    expect((await row(txn)).verification).toBe('confirmed');
  });

  it('writes the audit row of a re-check in the same transaction', async () => {
    const id = await notify(txn, 'SUCCESS');
    await verifyTransaction(db(), providers, { id, audit: { actor: 'user:7', actorRole: 'support', sourceIp: '203.0.113.5' } });
    const [audit] = await rows<Record<string, any>>(sql`SELECT * FROM audit_log WHERE action = 'payments.recheck' ORDER BY id DESC LIMIT 1`);
    expect(audit).toMatchObject({ actor: 'user:7', actor_role: 'support', target: `enkash:${txn}`, outcome: 'confirmed', source_ip: '203.0.113.5' });
    expect(audit.details).toMatchObject({ id: Number(id), status: 'SUCCESS', verifiedStatus: 'SUCCESS' });
  });

  /** A Juspay webhook for order `order` (attempt `payopsdemo-<order>-1`); the simulator's order status then says `providerSays`. */
  let events = 0;
  const juspayNotify = async (order: string, status: string, providerSays: string | null = status) => {
    const attempt = `payopsdemo-${order}-1`;
    if (providerSays) sandbox.control.registerPayment({ provider: 'juspay', id: attempt, orderId: order, txnUuid: `uuid${order}`, status: providerSays, amount: '1499.50' });
    const res = await handleJuspayWebhook(juspayRequest(juspayEvent({ id: `evt_${order}_${++events}`, txn: order, status })), {
      db: async () => db(),
      credentials: { username: undefined, password: undefined, required: false },
    });
    expect(res.status).toBe(200);
    return { id: Number((await row(attempt)).id), attempt };
  };

  it('confirms a Juspay payment through the order status API, asked by its order id', async () => {
    const before = sandbox.control.counts()['juspay.status'];
    const { id, attempt } = await juspayNotify(txn, 'PENDING_VBV');
    expect(await row(attempt)).toMatchObject({ order_id: txn, unique_transaction_id: `uuid${txn}` });
    expect(await verify(id)).toMatchObject({ verification: 'confirmed', status: 'PENDING_VBV', verifiedStatus: 'PENDING_VBV', verifiedFamily: 'open' });
    await juspayNotify(txn, 'CHARGED');
    expect(await verify(id)).toMatchObject({ verification: 'confirmed', status: 'CHARGED', verifiedStatus: 'CHARGED', verifiedFamily: 'success' });
    // 'unauthenticated': these webhooks come without credentials; 'stuck': the fixture's payment began
    // long ago, and the first check found it still waiting for its OTP at Juspay.
    expect(await row(attempt)).toMatchObject({ verification: 'confirmed', verified_status: 'CHARGED', flags: ['stuck', 'unauthenticated'] });
    expect(sandbox.control.counts()['juspay.status'] - before).toBe(2);
  });

  it('flags a Juspay payment the order status contradicts, and keeps its status', async () => {
    const { id, attempt } = await juspayNotify(txn, 'CHARGED', 'AUTHENTICATION_FAILED');
    expect(await verify(id)).toMatchObject({ verification: 'mismatch', verifiedStatus: 'AUTHENTICATION_FAILED', verifiedFamily: 'failed' });
    expect(await row(attempt)).toMatchObject({ status: 'CHARGED', verification: 'mismatch', flags: ['provider_mismatch', 'unauthenticated'] });
  });

  it('flags a Juspay payment whose order Juspay does not know', async () => {
    const { id, attempt } = await juspayNotify(txn, 'CHARGED', null);
    expect(await verify(id)).toMatchObject({ verification: 'mismatch', verifiedStatus: null, verifiedFamily: null });
    expect((await row(attempt)).verification_detail).toMatch(/does not know/);
    expect((await row(attempt)).flags).toContain('provider_mismatch');
  });

  it('reports a final status Juspay has and PayOps was never told: unconfirmed, with the family a sweeper needs', async () => {
    const { id } = await juspayNotify(txn, 'PENDING_VBV', 'PENDING_VBV');
    sandbox.control.setPaymentStatus('juspay', txn, 'CHARGED');
    const result = await verify(id);
    expect(result).toMatchObject({ verification: 'unconfirmed', status: 'PENDING_VBV', verifiedStatus: 'CHARGED', verifiedFamily: 'success' });
    expect(result!.detail).toMatch(/already reports CHARGED/);
  });

  it('does not judge an attempt by a later attempt of the same order', async () => {
    const { id, attempt } = await juspayNotify(txn, 'AUTHENTICATION_FAILED');
    expect((await verify(id))!.verification).toBe('confirmed');
    sandbox.control.registerPayment({ provider: 'juspay', id: `payopsdemo-${txn}-2`, orderId: txn, status: 'CHARGED' });
    const result = await verify(id);
    expect(result).toMatchObject({ verification: 'unconfirmed', verifiedStatus: null, verifiedFamily: null });
    expect(result!.detail).toMatch(/later attempt.*payopsdemo-.*-2/);
    // The earlier confirmation of this attempt's status stands; nothing is flagged.
    expect(await row(attempt)).toMatchObject({ verification: 'confirmed', verified_status: 'AUTHENTICATION_FAILED', flags: ['unauthenticated'] });
  });

  it('does not ask Juspay about a payment no webhook has named the order of (an OTP proxy row)', async () => {
    const [{ id }] = await rows<{ id: number }>(sql`
      INSERT INTO transactions (provider, transaction_id, status, status_rank, status_family, txn_at)
      VALUES ('juspay', ${`uuid${txn}`}, 'PENDING_VBV', 20, 'open', now()) RETURNING id`);
    const before = sandbox.control.counts()['juspay.status'];
    const result = await verify(Number(id));
    expect(result).toMatchObject({ verification: 'unconfirmed', verifiedStatus: null, verifiedFamily: null });
    expect(result!.detail).toMatch(/named this payment's order/);
    expect(sandbox.control.counts()['juspay.status']).toBe(before);
    expect((await row(`uuid${txn}`)).flags).toEqual([]);
  });

  it('records a Juspay 5xx or timeout as error without throwing', async () => {
    const { id, attempt } = await juspayNotify(txn, 'CHARGED');
    sandbox.control.setFault('juspay.status', { mode: '5xx' });
    const failed = await verify(id);
    expect(failed).toMatchObject({ verification: 'error', verifiedStatus: null, verifiedFamily: null });
    expect(failed!.detail).toMatch(/could not be asked \(provider_error\)/);
    expect(await row(attempt)).toMatchObject({ verification: 'error' });
    sandbox.control.setFault('juspay.status', { mode: 'timeout' });
    expect((await verify(id))!.detail).toMatch(/could not be asked \(provider_timeout\)/);
    sandbox.control.clearFaults();
    expect((await verify(id))!.verification).toBe('confirmed');
  });

  it('skips a payment of a provider with no status API, and writes nothing', async () => {
    const [{ id }] = await rows<{ id: number }>(sql`
      INSERT INTO transactions (provider, transaction_id, status, status_rank, status_family, txn_at)
      VALUES ('enkash_wallet', ${`W${txn}`}, 'PENDING', 0, 'open', now()) RETURNING id`);
    expect(await verify(Number(id))).toMatchObject({ verification: 'skipped', verifiedFamily: null, detail: expect.stringMatching(/no status API/) });
    expect(await row(`W${txn}`)).toMatchObject({ verification: 'unconfirmed', verified_at: null });
  });

  it('queues a check after an accepted notification only, and a failure to queue never reaches the answer', async () => {
    const scheduled: Promise<void>[] = [];
    const ids: number[] = [];
    const deps = {
      db: async () => db(),
      secret: SECRET,
      afterAccepted: ({ result }: { result: { transactionRowId: number | null } }) => {
        ids.push(result.transactionRowId!);
        // No job queue runs in this test: queueing fails, and must only be logged.
        scheduled.push(enqueueVerificationQuietly(result.transactionRowId!));
      },
    };
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const body = exampleWith({ transactionId: txn, status: 'SUCCESS' });
      expect((await handleEnkashNotify(notifyRequest(body, { key: SECRET }), deps)).status).toBe(200);
      expect((await handleEnkashNotify(notifyRequest(body, { key: SECRET }), deps)).status).toBe(200);
      expect(ids).toEqual([Number((await row(txn)).id)]);
      await expect(Promise.all(scheduled)).resolves.toBeDefined();
      expect(logged.mock.calls.flat().join(' ')).toMatch(/could not be queued \(the sweeper will find it\)/);
    } finally {
      logged.mockRestore();
    }
  });

  it('selects for reconcile what is unconfirmed, failed or not final, since the cut-off, newest first', async () => {
    const at = (iso: string) => ({ txnDate: iso });
    const open = await notify(`${txn}O`, 'PENDING_WITH_BANK', 'PENDING_WITH_BANK', at('2031-01-01 10:00:00'));
    const unchecked = await notify(`${txn}U`, 'SUCCESS', 'SUCCESS', at('2031-01-01 11:00:00'));
    const confirmed = await notify(`${txn}C`, 'SUCCESS', 'SUCCESS', at('2031-01-01 12:00:00'));
    await verify(confirmed);
    const confirmedOpen = await notify(`${txn}P`, 'PENDING_WITH_BANK', 'PENDING_WITH_BANK', at('2031-01-01 13:00:00'));
    await verify(confirmedOpen);
    const mismatch = await notify(`${txn}M`, 'SUCCESS', 'FAILED', at('2031-01-01 14:00:00'));
    await verify(mismatch);
    const failed = await notify(`${txn}E`, 'FAILED', 'FAILED', at('2031-01-01 15:00:00'));
    sandbox.control.setFault('enkash.status', { mode: '5xx', times: 1 });
    await verify(failed);
    const old = await notify(`${txn}X`, 'PENDING_WITH_BANK', 'PENDING_WITH_BANK', at('2030-12-31 09:00:00'));

    const since = new Date('2031-01-01T00:00:00+05:30');
    const picked = await selectForReconcile(db(), { since, limit: 100 });
    expect(picked.filter((id) => [open, unchecked, confirmed, confirmedOpen, mismatch, failed, old].includes(id))).toEqual([failed, confirmedOpen, unchecked, open]);
    expect(await selectForReconcile(db(), { since, limit: 2 })).toEqual([failed, confirmedOpen]);
  });
});
