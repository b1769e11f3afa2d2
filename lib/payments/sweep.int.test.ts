import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { startJobs, type JobsRuntime } from '@/lib/jobs/runtime';
import type { Providers } from '@/lib/providers';
import { handleEnkashNotify } from '@/lib/webhooks/enkash-notify';
import { handleJuspayWebhook } from '@/lib/webhooks/juspay';
import type { Sandbox } from '@/sandbox/server';
import { startSandboxWithProviders } from '@/sandbox/testing';
import { exampleWith, notifyRequest } from '@/test/enkash';
import { juspayEvent, juspayRequest } from '@/test/juspay';
import { sweep, type SweepLimits } from './sweep';
import { verifyQueue } from './verify-job';

// Issue 9, section 2: the sweeper finds what no notification reported. Payments are recorded
// through the real webhooks, then the simulator changes its mind silently (or never finishes),
// and the clock is moved back on the rows.
let sandbox: Sandbox;
let providers: Providers;
const LIMITS: SweepLimits = { minAgeMinutes: 5, lookbackDays: 7, perProviderPerMinute: 60 };

beforeAll(async () => {
  const started = await startSandboxWithProviders({ timeoutMs: 1000 });
  sandbox = started.sandbox;
  providers = started.providers();
});
afterAll(async () => {
  await sandbox?.close();
});

describe.each(await testDatabaseKinds())('the sweeper on $kind', ({ create }) => {
  let t: TestDb;
  let jobs: JobsRuntime;
  const db = () => t.handle.db;
  const row = async (txn: string) => (await queryRows<Record<string, any>>(db(), sql`SELECT * FROM transactions WHERE transaction_id = ${txn} OR order_id = ${txn}`))[0];
  const age = (txn: string, minutes: number) =>
    db().execute(sql`UPDATE transactions SET txn_at = now() - make_interval(mins => ${minutes}), first_seen_at = now() - make_interval(mins => ${minutes}),
                       updated_at = now() - make_interval(mins => ${minutes}) WHERE transaction_id = ${txn} OR order_id = ${txn}`);
  const enkash = async (txn: string, status: string) => {
    sandbox.control.setTransaction('enkash', txn, { status });
    const res = await handleEnkashNotify(notifyRequest(exampleWith({ transactionId: txn, status }), { key: 's' }), { db: async () => db(), secret: 's' });
    expect(res.status).toBe(200);
  };
  const settled = async () => {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const [{ n }] = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'payments-verify' AND state < 'completed'`);
      if (n === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('verification jobs did not finish');
  };

  const run = Date.now().toString(36).toUpperCase();
  const ids = { missing: `EKNM${run}`, stuck: `EKSTUCK${run}`, young: `EKYOUNG${run}`, fine: `EKFINE${run}`, juspay: `JPNM${run}` };

  beforeAll(async () => {
    t = await create();
    jobs = await startJobs(t.handle, { work: true, providers: () => providers, queues: [verifyQueue], pollingIntervalSeconds: 0.5 });
    // Notified PENDING 20 minutes ago; the provider finished it since, and its notification never came.
    await enkash(ids.missing, 'PENDING_WITH_BANK');
    sandbox.control.setTransaction('enkash', ids.missing, { status: 'SUCCESS' });
    await age(ids.missing, 20);
    // Open at the provider for two hours.
    await enkash(ids.stuck, 'PENDING_WITH_BANK');
    await age(ids.stuck, 120);
    // Open, but a minute old: the notification may still be on its way.
    await enkash(ids.young, 'PENDING_WITH_BANK');
    await age(ids.young, 1);
    // Final and unconfirmed (its check was lost): the sweeper confirms it.
    await enkash(ids.fine, 'SUCCESS');
    await age(ids.fine, 30);
    // Juspay: waiting for the OTP (PENDING_VBV); Juspay charged it and said nothing.
    const res = await handleJuspayWebhook(juspayRequest(juspayEvent({ id: `evt_${run}`, txn: ids.juspay, status: 'PENDING_VBV' })), {
      db: async () => db(),
      credentials: { username: undefined, password: undefined, required: false },
    });
    expect(res.status).toBe(200);
    sandbox.control.registerPayment({ provider: 'juspay', id: `payopsdemo-${ids.juspay}-1`, orderId: ids.juspay, status: 'CHARGED' });
    await age(ids.juspay, 30);
  });
  afterAll(async () => {
    await jobs?.stop(1000);
    await t?.cleanup();
  });

  it('checks what no notification settled, flags notify_missing and stuck, confirms the rest, and leaves the status alone', async () => {
    const first = await sweep(db(), { providers: ['enkash', 'juspay'], limits: LIMITS });
    expect(first.queued).toEqual({ enkash: 3, juspay: 1 });
    await settled();

    expect(await row(ids.missing)).toMatchObject({ status: 'PENDING_WITH_BANK', verified_status: 'SUCCESS', verification: 'unconfirmed' });
    expect((await row(ids.missing)).flags).toContain('notify_missing');
    expect(await row(ids.stuck)).toMatchObject({ status: 'PENDING_WITH_BANK', verification: 'confirmed' });
    expect((await row(ids.stuck)).flags).toContain('stuck');
    expect(await row(ids.young)).toMatchObject({ verified_at: null, flags: [] });
    expect(await row(ids.fine)).toMatchObject({ verification: 'confirmed', flags: [] });
    const juspay = await row(ids.juspay);
    expect(juspay).toMatchObject({ status: 'PENDING_VBV', verified_status: 'CHARGED' });
    expect(juspay.flags).toContain('notify_missing');

    // Just checked: nothing is due again for a while, so a second sweep queues nothing.
    expect((await sweep(db(), { providers: ['enkash', 'juspay'], limits: LIMITS })).queued).toEqual({ enkash: 0, juspay: 0 });
  });

  it('keeps to the per-provider limit, newest first', async () => {
    for (let i = 0; i < 5; i++) {
      const txn = `EKMANY${run}${i}`;
      await enkash(txn, 'PENDING_WITH_BANK');
      await age(txn, 10 + i);
    }
    await jobs.boss.offWork(verifyQueue.name);
    const { queued } = await sweep(db(), { providers: ['enkash'], limits: { ...LIMITS, perProviderPerMinute: 2 } });
    expect(queued).toEqual({ enkash: 2 });
    const waiting = await queryRows<{ id: number }>(db(), sql`SELECT (data->>'id')::int AS id FROM pgboss.job WHERE name = 'payments-verify' AND state = 'created' ORDER BY (data->>'id')::int`);
    const newest = await queryRows<{ id: number }>(db(), sql`SELECT id::int FROM transactions WHERE transaction_id IN (${`EKMANY${run}0`}, ${`EKMANY${run}1`}) ORDER BY id`);
    expect(waiting).toEqual(newest);
  });
});
