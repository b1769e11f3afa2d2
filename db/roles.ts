import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { BOSS_SCHEMA } from '@/lib/jobs/boss';
import { queryRows, type DbOrTx } from './client';

/**
 * Two roles. Migrations run as the owner (DATABASE_MIGRATION_URL); the application connects as
 * DATABASE_URL, a role that owns nothing: it may read and change PayOps' tables, but only read
 * and append to these — so it can neither rewrite the audit log nor drop the trigger that makes
 * it insert-only (only an owner can ALTER or DROP a table or its triggers).
 */
export const INSERT_ONLY_TABLES = ['audit_log', 'audit_checkpoints'] as const;

/**
 * What the owner grants the application's role, after every migration (idempotent: re-run at
 * each start, so a table a new migration adds is covered, and an insert-only one is narrowed
 * again). Default privileges cover tables the owner creates later (pg-boss's queue partitions).
 *
 * The application may read which migrations were applied: given only its own URL, a server starts
 * on a migrated database (db/migrate.ts) and refuses, with the database's reason, on one that is not.
 *
 * pg-boss: the owner installs its schema (`installBossSchema`, before this); its queue function
 * creates and attaches a partition table, which only the owner of `pgboss.job` may do, so it
 * runs with its owner's rights (SECURITY DEFINER, fixed search_path; executable by the app only).
 */
export async function grantAppRole(owner: pg.Client, appRole: string): Promise<void> {
  const app = owner.escapeIdentifier(appRole);
  const insertOnly = INSERT_ONLY_TABLES.join(', ');
  const queueFunctions = `${BOSS_SCHEMA}.create_queue(text, json), ${BOSS_SCHEMA}.delete_queue(text)`;
  await owner.query(`
    BEGIN;
    GRANT USAGE ON SCHEMA public TO ${app};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app};
    REVOKE ALL ON ${insertOnly} FROM ${app};
    GRANT SELECT, INSERT ON ${insertOnly} TO ${app};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app};
    GRANT USAGE ON SCHEMA drizzle TO ${app};
    GRANT SELECT ON drizzle.__drizzle_migrations TO ${app};
    GRANT USAGE ON SCHEMA ${BOSS_SCHEMA} TO ${app};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${BOSS_SCHEMA} TO ${app};
    ALTER DEFAULT PRIVILEGES IN SCHEMA ${BOSS_SCHEMA} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app};
    ALTER FUNCTION ${BOSS_SCHEMA}.create_queue(text, json) SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
    ALTER FUNCTION ${BOSS_SCHEMA}.delete_queue(text) SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
    REVOKE ALL ON FUNCTION ${queueFunctions} FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION ${queueFunctions} TO ${app};
    COMMIT;
  `);
}

export interface DatabaseRoles {
  kind: 'postgres' | 'pglite';
  /** The role the application connects as. */
  app: string;
  /** The role migrations ran as. */
  owner: string;
  /** The application's role owns the audit log or is a superuser: it could drop its trigger. */
  appCanAlterAuditLog: boolean;
}

/** Whether the connection's role could alter the audit log (own it, or be a superuser). */
export async function auditLogGuard(db: DbOrTx): Promise<{ role: string; canAlter: boolean }> {
  const [row] = await queryRows<{ role: string; can_alter: boolean }>(
    db,
    sql`SELECT current_user AS role, r.rolsuper OR pg_has_role(current_user, c.relowner, 'USAGE') AS can_alter
          FROM pg_roles r, pg_class c
         WHERE r.rolname = current_user AND c.oid = 'audit_log'::regclass`,
  );
  return { role: row.role, canAlter: row.can_alter };
}

/** The start's warning when one role is all there is on a real Postgres; null otherwise. */
export function oneRoleWarning(roles: DatabaseRoles): string | null {
  if (roles.kind !== 'postgres' || !roles.appCanAlterAuditLog) return null;
  const why = roles.app === roles.owner ? 'migrations and the application use one role' : 'the application\'s role owns the audit log or is a superuser';
  return (
    `The application connects as "${roles.app}", and ${why}: it could drop the trigger that keeps the audit log ` +
    'insert-only, so the log\'s protection rests on that trigger and on the keyed chain showing what changed. Set ' +
    'DATABASE_MIGRATION_URL to the owner\'s role and DATABASE_URL to a role that owns nothing (README, "Two roles").'
  );
}
