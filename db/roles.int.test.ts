import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type DbHandle } from '@/db/client';
import { auditCheckpoints } from '@/db/schema';
import { createAppRole, createPostgresTestDb, migrateUpTo, postgresReachable, type TestDb } from '@/db/testing';
import { auditCheckpointQueue } from '@/lib/audit/jobs';
import { recordAudit } from '@/lib/audit/record';
import { checkAuditIncrement, runFullVerification } from '@/lib/audit/verification';
import { sendJob } from '@/lib/jobs/boss';
import { startJobs, type JobsRuntime } from '@/lib/jobs/runtime';
import type { Providers } from '@/lib/providers/types';
import { until } from '@/test/until';
import { migrateDb } from './migrate';
import { oneRoleWarning, type DatabaseRoles } from './roles';

// Issue 8, point 7: the application's role can append to the audit log and read it, nothing more;
// only the owner, which runs the migrations, could drop its trigger.
describe.runIf(await postgresReachable())('two roles on postgres', () => {
  let t: TestDb;
  let app: { role: string; url: string; handle: DbHandle };
  let roles: DatabaseRoles;
  let jobs: JobsRuntime | undefined;

  beforeAll(async () => {
    t = await createPostgresTestDb({ migrate: false });
    app = await createAppRole(t);
    roles = await migrateDb(app.handle, t.url);
  });
  afterAll(async () => {
    await jobs?.stop(1000);
    await t?.cleanup();
  });

  const asApp = (statement: string) => app.handle.db.execute(sql.raw(statement));
  /** The database's refusal of a statement run as the application (drizzle wraps it). */
  const refusal = (statement: string) =>
    asApp(statement).then(
      () => 'accepted',
      (err: Error & { cause?: Error & { code?: string } }) => `${err.cause?.code} ${err.cause?.message ?? err.message}`,
    );

  it('migrates as the owner and says the application role cannot alter the log', async () => {
    expect(roles).toEqual({ kind: 'postgres', app: app.role, owner: 'postgres', appCanAlterAuditLog: false });
    expect(oneRoleWarning(roles)).toBeNull();
    // Run again at the next start: the same grants, no error.
    expect(await migrateDb(app.handle, t.url)).toEqual(roles);
  });

  it('given only its own URL, the application starts on a migrated database, and cannot migrate one that is not', async () => {
    expect(await migrateDb(app.handle, app.url)).toEqual({ ...roles, owner: app.role });
    const behind = await createPostgresTestDb({ migrate: false });
    try {
      await migrateUpTo(behind, '0013_staff_sessions_second_factor');
      const other = await createAppRole(behind);
      await expect(migrateDb(other.handle, other.url)).rejects.toThrow(
        `migrating as "${other.role}" failed: permission denied for database ${new URL(behind.url!).pathname.slice(1)}: set DATABASE_MIGRATION_URL`,
      );
    } finally {
      await behind.cleanup();
    }
  });

  it('one role for both: the start warns', async () => {
    const one = await migrateDb(t.handle, t.url);
    expect(one).toMatchObject({ app: 'postgres', owner: 'postgres', appCanAlterAuditLog: true });
    expect(oneRoleWarning(one)).toMatch(/could drop the trigger/);
  });

  it('the application appends and verifies through recordAudit', async () => {
    for (let i = 0; i < 3; i++) await recordAudit(app.handle.db, { actor: 'user:1', action: 'test.action', target: `t${i}`, outcome: 'ok' });
    expect(await runFullVerification(app.handle.db)).toMatchObject({ ok: true, checked: 3 });
    expect(await checkAuditIncrement(app.handle.db)).toMatchObject({ ok: true });
  });

  it.each(['audit_log', 'audit_checkpoints'])('cannot change, delete or truncate %s: permission denied, before any trigger', async (table) => {
    expect(await refusal(`UPDATE ${table} SET id = id`)).toBe(`42501 permission denied for table ${table}`);
    expect(await refusal(`DELETE FROM ${table}`)).toBe(`42501 permission denied for table ${table}`);
    expect(await refusal(`TRUNCATE ${table}`)).toBe(`42501 permission denied for table ${table}`);
  });

  it('cannot drop or disable the insert-only trigger, alter or drop the table', async () => {
    expect(await refusal('DROP TRIGGER audit_log_no_update_delete ON audit_log')).toBe('42501 must be owner of relation audit_log');
    expect(await refusal('ALTER TABLE audit_log DISABLE TRIGGER USER')).toBe('42501 must be owner of table audit_log');
    expect(await refusal('ALTER TABLE audit_log DROP CONSTRAINT audit_log_one_chain')).toBe('42501 must be owner of table audit_log');
    expect(await refusal('DROP TABLE audit_log')).toBe('42501 must be owner of table audit_log');
    expect(await refusal('DROP TRIGGER audit_checkpoints_no_update_delete ON audit_checkpoints')).toBe('42501 must be owner of relation audit_checkpoints');
    expect(await refusal('CREATE OR REPLACE FUNCTION payops_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$')).toBe('42501 permission denied for schema public');
  });

  it('changes the other tables as usual, and tables created later by the owner too', async () => {
    await asApp(`INSERT INTO otp_rate_windows (key, window_start, count) VALUES ('global', now(), 1)`);
    await asApp(`UPDATE otp_rate_windows SET count = count + 1`);
    await asApp(`DELETE FROM otp_rate_windows`);
    await t.handle.db.execute(sql`CREATE TABLE later_table (id bigserial PRIMARY KEY, v text)`);
    await asApp(`INSERT INTO later_table (v) VALUES ('x')`);
    await asApp(`DELETE FROM later_table`);
  });

  it('starts pg-boss and creates its queues though it may not create anything in the database', async () => {
    const [can] = await queryRows<{ create: boolean; schema_create: boolean }>(
      app.handle.db,
      sql`SELECT has_database_privilege(current_user, current_database(), 'CREATE') AS create, has_schema_privilege(current_user, 'public', 'CREATE') AS schema_create`,
    );
    expect(can).toEqual({ create: false, schema_create: false });
    // Cron and workers on: pg-boss creates its own scheduling queue as well as ours.
    jobs = await startJobs(app.handle, { work: true, providers: () => ({}) as Providers, queues: [auditCheckpointQueue], pollingIntervalSeconds: 0.5 });
    const before = await app.handle.db.$count(auditCheckpoints);
    await sendJob(auditCheckpointQueue, {});
    await until(() => app.handle.db.$count(auditCheckpoints), (n) => n === before + 1);
    const [queues] = await queryRows<{ n: number }>(app.handle.db, sql`SELECT count(*)::int AS n FROM pgboss.queue`);
    expect(queues.n).toBeGreaterThanOrEqual(2);
  });
});
