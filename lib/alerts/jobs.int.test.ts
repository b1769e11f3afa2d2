import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { sendJob } from '@/lib/jobs/boss';
import { startJobs, type JobsRuntime } from '@/lib/jobs/runtime';
import type { Providers } from '@/lib/providers';
import { handleEnkashNotify } from '@/lib/webhooks/enkash-notify';
import { exampleWith, notifyRequest } from '@/test/enkash';
import { alertDeliverQueue, alertEvaluateQueue } from './jobs';
import { verifySignature } from './signature';
import { startReceiver } from './testing';
import { until as untilDefault } from '@/test/until';

const until = <T,>(what: () => T | Promise<T>, ok: (v: T) => boolean, ms = 30_000) => untilDefault(what, ok, ms);

// Issue 9, section 4, through the job queue as the server runs it: the scheduled evaluation opens
// an alert, a delivery job posts it signed to a local receiver, and the alert resolves (and says so)
// once its condition clears. The 500 the receiver answers first is retried by the queue.
const ALERT_SECRET = 'alert-secret-for-jobs-test';
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  // Read once by env(): set before anything asks.
  Object.assign(process.env, { ALERT_WEBHOOK_URL: receiver.url, ALERT_WEBHOOK_SECRET: ALERT_SECRET, ALERT_RESOLVE_AFTER_MINUTES: '0' });
});
afterAll(async () => {
  await receiver?.close();
});

describe.each(await testDatabaseKinds())('alert jobs on $kind', ({ create }) => {
  let t: TestDb;
  let jobs: JobsRuntime;
  const db = () => t.handle.db;

  beforeAll(async () => {
    t = await create();
    receiver.received.length = 0;
    const fast = { ...alertDeliverQueue, retryDelay: 1 };
    jobs = await startJobs(t.handle, { work: true, providers: () => ({}) as Providers, queues: [alertEvaluateQueue, fast], pollingIntervalSeconds: 0.5 });
  });
  afterAll(async () => {
    await jobs?.stop(1000);
    await t?.cleanup();
  });

  it('opens on refused deliveries, posts the alert signed (after a retried 500), and posts its resolution', async () => {
    const post = (key: string, i: number) =>
      handleEnkashNotify(notifyRequest(exampleWith({ transactionId: `EKALERT${i}` }), { key }), { db: async () => db(), secret: 'right-secret' });
    for (let i = 0; i < 2; i++) expect((await post('right-secret', i)).status).toBe(200);
    for (let i = 0; i < 6; i++) expect((await post('rotated-secret', i)).status).toBe(401);

    receiver.replies.push(500);
    await sendJob(alertEvaluateQueue, {});
    const [refused] = await until(() => queryRows<Record<string, any>>(db(), sql`SELECT * FROM alerts WHERE rule = 'deliveries_refused'`), (r) => r.length === 1);
    expect(refused).toMatchObject({ key: 'enkash', resolved_at: null });
    await until(() => receiver.received.length, (n) => n >= 2);
    const [failed, opened] = receiver.received;
    expect(failed.body).toBe(opened.body);
    expect(verifySignature(String(opened.headers['x-payops-signature']), opened.body, ALERT_SECRET)).toBe(true);
    expect(JSON.parse(opened.body)).toMatchObject({ text: expect.stringContaining('refused'), alert: { id: Number(refused.id), status: 'open' } });

    // The secret is fixed: the refusals leave the 5-minute window, and the next evaluation resolves it.
    await db().execute(sql`UPDATE deliveries SET received_at = received_at - interval '10 minutes'`);
    await sendJob(alertEvaluateQueue, {});
    await until(() => receiver.received.length, (n) => n >= 3);
    const resolved = receiver.received[2];
    expect(verifySignature(String(resolved.headers['x-payops-signature']), resolved.body, ALERT_SECRET)).toBe(true);
    expect(JSON.parse(resolved.body).alert).toMatchObject({ id: Number(refused.id), status: 'resolved' });
    expect((await queryRows<Record<string, any>>(db(), sql`SELECT resolved_at FROM alerts WHERE id = ${refused.id}`))[0].resolved_at).not.toBeNull();
  });
});
