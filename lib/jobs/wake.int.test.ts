import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import type { Providers } from '@/lib/providers/types';
import { until } from '@/test/until';
import { sendJob } from './boss';
import { defineQueue } from './queue';
import { startJobs, type JobsRuntime } from './runtime';

// A job sent from a process that works its queue is taken by an idle local worker at once, not at
// the worker's next poll (a refund send waited up to a whole polling interval: bench:refunds). The
// polling interval here is 30 s, so a job run within a few seconds was woken, not polled.
const noProviders = () => ({}) as Providers;
const POLL_SECONDS = 30;

describe.each(await testDatabaseKinds())('waking local workers on $kind', ({ create }) => {
  let t: TestDb;
  let runtime: JobsRuntime | undefined;
  const queue = (name: string) =>
    defineQueue({
      name,
      title: name,
      data: z.object({ n: z.number().int() }),
      policy: 'standard',
      retryLimit: 0,
      retryDelay: 1,
      expireInSeconds: 10,
      concurrency: 2,
      run: async ({ n }, { db }) => {
        await db.execute(sql`INSERT INTO wake_runs (queue, n) VALUES (${name}, ${n})`);
      },
    });
  const runs = async (name: string) => (await queryRows<{ n: number }>(t.handle.db, sql`SELECT n FROM wake_runs WHERE queue = ${name} ORDER BY n`)).map((r) => Number(r.n));
  /** Started, and past each worker's first (empty) fetch: from here on they only wake by poll or by notice. */
  const idleWorkers = async (name: string) => {
    runtime = await startJobs(t.handle, { work: true, providers: noProviders, queues: [queue(name)], pollingIntervalSeconds: POLL_SECONDS });
    await new Promise((r) => setTimeout(r, 1000));
  };

  beforeAll(async () => {
    t = await create();
    await t.handle.db.execute(sql`CREATE TABLE wake_runs (queue text NOT NULL, n int NOT NULL)`);
  });
  afterEach(async () => {
    await runtime?.stop(1000);
    runtime = undefined;
  });
  afterAll(async () => t?.cleanup());

  it('runs a job sent in this process at once, and two sent together on two workers', async () => {
    await idleWorkers('w-now');
    await sendJob(queue('w-now'), { n: 1 });
    expect(await until(() => runs('w-now'), (r) => r.length === 1, 5000)).toEqual([1]);
    await Promise.all([sendJob(queue('w-now'), { n: 2 }), sendJob(queue('w-now'), { n: 3 })]);
    expect(await until(() => runs('w-now'), (r) => r.length === 3, 5000)).toEqual([1, 2, 3]);
  });

  it('leaves a job due later to its time', async () => {
    await idleWorkers('w-later');
    await sendJob(queue('w-later'), { n: 1 }, { startAfter: 2 });
    await new Promise((r) => setTimeout(r, 1000));
    // Not run early by the wake-up (pg-boss would not hand it out before its time anyway).
    expect(await runs('w-later')).toEqual([]);
  });
});
