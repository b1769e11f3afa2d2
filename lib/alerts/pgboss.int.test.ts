import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresTestDb, postgresReachable, type TestDb } from '@/db/testing';
import { evaluateAlerts, findRule } from './rules';
import { testConfig } from './testing';

// The jobs rule reads pg-boss' own tables; this checks the query against the real ones (pg-boss
// needs Postgres: on PGlite the rule measures nothing, tested in rules.int.test.ts).
describe.runIf(await postgresReachable())('jobs_failing against pg-boss 10 on postgres', () => {
  let t: TestDb;
  let boss: PgBoss;

  beforeAll(async () => {
    t = await createPostgresTestDb();
    boss = new PgBoss({ connectionString: t.url!, max: 2, supervise: false, schedule: false });
    boss.on('error', () => {});
    await boss.start();
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true }).catch(() => {});
    await t?.cleanup();
  });

  it('counts jobs that failed for good, per queue, and not the ones still to be retried', async () => {
    const rules = [findRule('jobs_failing')!];
    await boss.createQueue('alerts.deliver');
    await boss.createQueue('payments.verify');
    for (let i = 0; i < 3; i++) await boss.send('alerts.deliver', { i }, { retryLimit: 0 });
    await boss.send('payments.verify', { i: 0 }, { retryLimit: 3 });
    for (const name of ['alerts.deliver', 'payments.verify']) {
      const jobs = await boss.fetch(name, { batchSize: 10 });
      for (const job of jobs) await boss.fail(name, job.id, { message: 'receiver down' });
    }
    const now = new Date(Date.now() + 1000);
    const measured = await rules[0].measure(t.handle.db, { now, config: testConfig() });
    // payments.verify went back to 'retry', not 'failed'.
    expect(measured).toEqual([{ key: 'alerts.deliver', windowMinutes: 60, failed: 3 }]);
    const transitions = await evaluateAlerts(t.handle.db, { now, config: testConfig(), rules });
    expect(transitions.map((x) => x.transition)).toEqual(['opened']);
  });
});
