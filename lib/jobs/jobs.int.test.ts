import { sql } from 'drizzle-orm';
import { until } from '@/test/until';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDb, queryRows, type DbHandle } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import type { Providers } from '@/lib/providers/types';
import { currentBoss, sendJob } from './boss';
import { RetryableJobError } from './errors';
import { defineQueue, type QueueDef } from './queue';
import { startJobs, type JobsRuntime } from './runtime';

// Issue 9, section 1: durable jobs on the app's own database (pg-boss). A test queue records
// every run in a table, so "exactly once" and "survives a restart" are read from the database.
const noProviders = () => ({}) as Providers;

function testQueue(name: string, run: QueueDef<{ n: number; mode?: string }>['run'], extra: Partial<QueueDef<any>> = {}) {
  return defineQueue({
    name,
    title: name,
    data: z.object({ n: z.number().int(), mode: z.string().optional() }),
    policy: 'standard',
    retryLimit: 2,
    retryDelay: 1,
    expireInSeconds: 2,
    concurrency: 2,
    run,
    ...extra,
  });
}

async function jobState(handle: DbHandle, name: string, id: string) {
  const [row] = await queryRows<{ state: string; retry_count: number; output: any }>(
    handle.db,
    sql`SELECT state, retry_count, output FROM pgboss.job WHERE name = ${name} AND id = ${id}`,
  );
  return row;
}


describe.each(await testDatabaseKinds())('jobs on $kind', ({ kind, create }) => {
  let t: TestDb;
  const runtimes: JobsRuntime[] = [];
  const start = async (handle: DbHandle, queues: QueueDef<any>[], work = true) => {
    const r = await startJobs(handle, { work, providers: noProviders, queues, pollingIntervalSeconds: 0.5 });
    runtimes.push(r);
    return r;
  };
  const runs = async (queue: string) =>
    (await queryRows<{ n: number }>(t.handle.db, sql`SELECT n FROM job_runs WHERE queue = ${queue} ORDER BY n`)).map((r) => Number(r.n));
  const record = (queue: string) => async (data: { n: number }, ctx: { db: DbHandle['db'] }) => {
    await ctx.db.execute(sql`INSERT INTO job_runs (queue, n) VALUES (${queue}, ${data.n})`);
  };

  beforeAll(async () => {
    t = await create();
    await t.handle.db.execute(sql`CREATE TABLE job_runs (queue text NOT NULL, n int NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
  });
  afterEach(async () => {
    while (runtimes.length) await runtimes.pop()!.stop(1000);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('queues a job on one instance and works it on another', async () => {
    const q = testQueue('t-basic', record('t-basic'));
    await start(t.handle, [q], false);
    const id = await sendJob(q, { n: 1 });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await start(t.handle, [q]);
    await until(() => runs('t-basic'), (r) => r.length === 1);
    await until(() => jobState(t.handle, 't-basic', id!), (s) => s.state === 'completed');
  });

  it('never runs one job twice with two instances taking from one queue', async () => {
    const q = testQueue('t-once', async (data, ctx) => {
      await record('t-once')(data, ctx);
      await new Promise((r) => setTimeout(r, 5));
    });
    // A second connection to the same database: another instance (PGlite serves one process only,
    // so there the two share its single connection, as they would in one embedded process).
    const second = kind === 'postgres' ? await openDb({ databaseUrl: t.url }) : t.handle;
    try {
      await start(t.handle, [q]);
      await start(second, [q]);
      const boss = await currentBoss();
      await boss.insert(Array.from({ length: 100 }, (_, i) => ({ name: q.name, data: { n: i } })));
      const done = await until(() => runs('t-once'), (r) => r.length >= 100, 60_000);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await runs('t-once')).toEqual(done);
      expect(done).toEqual(Array.from({ length: 100 }, (_, i) => i));
    } finally {
      while (runtimes.length) await runtimes.pop()!.stop(1000);
      if (second !== t.handle) await second.close();
    }
  });

  it('retries a retryable failure with backoff, then lands it in the failed list with its error', async () => {
    const q = testQueue('t-retry', async (data, ctx) => {
      await record('t-retry')(data, ctx);
      throw new RetryableJobError('provider_error: the status API answered 503');
    });
    await start(t.handle, [q]);
    const id = (await sendJob(q, { n: 7 }))!;
    const failed = await until(() => jobState(t.handle, q.name, id), (s) => s?.state === 'failed', 30_000);
    expect(failed.retry_count).toBe(2);
    expect(failed.output.message).toBe('provider_error: the status API answered 503');
    expect(failed.output.stack).not.toMatch(/\bat /); // no stack trace kept
    expect(await runs('t-retry')).toEqual([7, 7, 7]);
  });

  it('fails a non-retryable error at once, without retries, and keeps no card number in its message', async () => {
    const q = testQueue('t-bug', async (data, ctx) => {
      await record('t-bug')(data, ctx);
      throw new Error('cannot read card 4111 1111 1111 1111');
    });
    await start(t.handle, [q]);
    const id = (await sendJob(q, { n: 1 }))!;
    const failed = await until(() => jobState(t.handle, q.name, id), (s) => s?.state === 'failed');
    expect(failed.retry_count).toBe(0);
    expect(failed.output.message).not.toContain('4111 1111 1111 1111');
    expect(failed.output.message).toContain('1111');
    expect(await runs('t-bug')).toEqual([1]);
  });

  it('fails a job whose data does not match its queue, at once', async () => {
    const q = testQueue('t-bad-data', record('t-bad-data'));
    await start(t.handle, [q]);
    const boss = await currentBoss();
    const id = (await boss.send(q.name, { n: 'one' }))!;
    const failed = await until(() => jobState(t.handle, q.name, id), (s) => s?.state === 'failed');
    expect(failed.retry_count).toBe(0);
    expect(failed.output.message).toMatch(/not valid for t-bad-data: n:/);
  });

  it('survives a restart mid-run: the job a stopped instance was working is worked again by the next', async () => {
    let release: () => void = () => {};
    const hang = testQueue('t-restart', async (data, ctx) => {
      await record('t-restart')(data, ctx);
      if (data.mode === 'hang-first' && (await runs('t-restart')).length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = await start(t.handle, [hang]);
    const id = (await sendJob(hang, { n: 3, mode: 'hang-first' }))!;
    await until(() => jobState(t.handle, hang.name, id), (s) => s?.state === 'active');
    // The process dies mid-run. Stopping it here lets pg-boss mark the run failed, which a crash
    // would not: put the row back exactly as a crash leaves it — active, started 10 s ago.
    await first.boss.stop({ graceful: false, close: false, wait: true });
    runtimes.splice(runtimes.indexOf(first), 1);
    await t.handle.db.execute(
      sql`UPDATE pgboss.job SET state = 'active', retry_count = 0, started_on = now() - interval '10 seconds', completed_on = NULL WHERE name = ${hang.name} AND id = ${id}`,
    );
    const second = await start(t.handle, [hang]);
    // Past its expiry (2 s), supervision fails the abandoned run into a retry, which the new instance works.
    await new Promise((r) => setTimeout(r, 2200));
    await second.boss.maintain();
    await until(() => jobState(t.handle, hang.name, id), (s) => s?.state === 'completed', 20_000);
    expect(await runs('t-restart')).toEqual([3, 3]);
    release();
  });
});
