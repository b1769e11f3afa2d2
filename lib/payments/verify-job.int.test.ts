import { sql } from 'drizzle-orm';
import { until } from '@/test/until';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { sendJob } from '@/lib/jobs/boss';
import { changeJob, listJobsNeedingAttention, listQueues } from '@/lib/jobs/operations';
import { startJobs, type JobsRuntime } from '@/lib/jobs/runtime';
import type { Providers } from '@/lib/providers';
import { handleEnkashNotify } from '@/lib/webhooks/enkash-notify';
import type { Sandbox } from '@/sandbox/server';
import { startSandboxWithProviders } from '@/sandbox/testing';
import { exampleWith, notifyRequest } from '@/test/enkash';
import { verifyQueue } from './verify-job';

// Issue 9: verification as a durable job. A provider 5xx is retried with backoff and then lands
// in the failed list on /operations, where an admin retries or cancels it (audited).
const SECRET = 'verify-job-secret';
let sandbox: Sandbox;
let providers: Providers;
// Short delays so the whole retry ladder fits in a test: 1 s, then 2 s.
const fastVerify = { ...verifyQueue, retryLimit: 2, retryDelay: 1 };

beforeAll(async () => {
  const started = await startSandboxWithProviders({ timeoutMs: 400 });
  sandbox = started.sandbox;
  providers = started.providers();
});
afterAll(async () => {
  await sandbox?.close();
});
afterEach(() => sandbox.control.clearFaults());

describe.each(await testDatabaseKinds())('verification jobs on $kind', ({ create }) => {
  let t: TestDb;
  let jobs: JobsRuntime;
  const db = () => t.handle.db;
  const row = async (txn: string) => (await queryRows<Record<string, any>>(db(), sql`SELECT * FROM transactions WHERE transaction_id = ${txn}`))[0];
  const job = async (id: string) => (await queryRows<Record<string, any>>(db(), sql`SELECT state::text AS state, retry_count, output FROM pgboss.job WHERE id = ${id}::uuid`))[0];
  const notify = async (txn: string, providerSays: string | null) => {
    if (providerSays) sandbox.control.setTransaction('enkash', txn, { status: providerSays });
    const res = await handleEnkashNotify(notifyRequest(exampleWith({ transactionId: txn, status: 'SUCCESS' }), { key: SECRET }), { db: async () => db(), secret: SECRET });
    expect(res.status).toBe(200);
    return Number((await row(txn)).id);
  };

  beforeAll(async () => {
    t = await create();
    jobs = await startJobs(t.handle, { work: true, providers: () => providers, queues: [fastVerify], pollingIntervalSeconds: 0.5 });
  });
  afterAll(async () => {
    await jobs?.stop(1000);
    await t?.cleanup();
  });

  it('confirms a payment, and a second run of the same check changes nothing more', async () => {
    const id = await notify(`EKJOB${Date.now()}`, 'SUCCESS');
    const first = (await sendJob(fastVerify, { id, cause: 'notification' }))!;
    expect(await until(() => job(first), (j) => j.state === 'completed')).toMatchObject({ output: { verification: 'confirmed' } });
    const before = await row((await queryRows<{ transaction_id: string }>(db(), sql`SELECT transaction_id FROM transactions WHERE id = ${id}`))[0].transaction_id);
    const second = (await sendJob(fastVerify, { id, cause: 'sweep' }))!;
    await until(() => job(second), (j) => j.state === 'completed');
    const after = await row(before.transaction_id);
    expect({ ...after, verified_at: null }).toEqual({ ...before, verified_at: null });
  });

  it('dedupes a burst: one waiting check per payment', async () => {
    const id = await notify(`EKBURST${Date.now()}`, 'SUCCESS');
    await jobs.boss.offWork(fastVerify.name); // nobody takes them while we queue
    try {
      const sent = await Promise.all(Array.from({ length: 10 }, () => sendJob(fastVerify, { id, cause: 'notification' })));
      expect(sent.filter(Boolean)).toHaveLength(1);
    } finally {
      await jobs.stop(1000);
      jobs = await startJobs(t.handle, { work: true, providers: () => providers, queues: [fastVerify], pollingIntervalSeconds: 0.5 });
    }
  });

  it('retries a provider 5xx with backoff, records the error, gives up into the failed list, and an admin retry succeeds (audited)', async () => {
    const txn = `EK5XX${Date.now()}`;
    const id = await notify(txn, 'SUCCESS');
    sandbox.control.setFault('enkash.status', { mode: '5xx' });
    const jobId = (await sendJob(fastVerify, { id, cause: 'notification' }))!;
    const failed = await until(() => job(jobId), (j) => j.state === 'failed', 30_000);
    expect(failed.retry_count).toBe(2);
    expect(failed.output.message).toMatch(/provider_error/);
    expect((await row(txn)).verification).toBe('error');

    const listed = await listJobsNeedingAttention(db());
    expect(listed.find((j) => j.id === jobId)).toMatchObject({ queue: 'payments-verify', state: 'failed', data: { id, cause: 'notification' } });
    expect((await listQueues(db())).find((q) => q.name === 'payments-verify')!.counts.failed).toBeGreaterThanOrEqual(1);

    sandbox.control.clearFaults();
    const who = { actor: 'user:1', actorRole: 'admin', sourceIp: '203.0.113.1' };
    await changeJob(db(), { action: 'retry', queue: 'payments-verify', id: jobId, who });
    await until(() => job(jobId), (j) => j.state === 'completed');
    expect((await row(txn)).verification).toBe('confirmed');
    // A second retry of a job no longer failed is a conflict, and writes nothing.
    await expect(changeJob(db(), { action: 'retry', queue: 'payments-verify', id: jobId, who })).rejects.toMatchObject({ code: 'conflict' });
    const audit = await queryRows<Record<string, any>>(db(), sql`SELECT actor, action, target, outcome FROM audit_log WHERE action LIKE 'jobs.%'`);
    expect(audit).toEqual([{ actor: 'user:1', action: 'jobs.retry', target: `payments-verify:${jobId}`, outcome: 'ok' }]);
  });

  it('cancels a failed job (it leaves the list), audited', async () => {
    const id = await notify(`EKCANCEL${Date.now()}`, 'SUCCESS');
    sandbox.control.setFault('enkash.status', { mode: 'timeout' });
    const jobId = (await sendJob(fastVerify, { id, cause: 'recheck' }))!;
    await until(() => job(jobId), (j) => j.state === 'failed', 30_000);
    await changeJob(db(), { action: 'cancel', queue: 'payments-verify', id: jobId, who: { actor: 'user:1', actorRole: 'admin' } });
    expect((await job(jobId)).state).toBe('cancelled');
    expect((await listJobsNeedingAttention(db())).some((j) => j.id === jobId)).toBe(false);
  });
});
