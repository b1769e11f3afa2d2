import path from 'node:path';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import pg from 'pg';
import { installBossSchema } from '@/lib/jobs/boss';
import type { DbHandle, Schema } from './client';
import { auditLogGuard, grantAppRole, type DatabaseRoles } from './roles';

export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'db', 'migrations');

/**
 * Applies the committed migrations, as the owner: on Postgres through `migrationUrl`
 * (DATABASE_MIGRATION_URL, or DATABASE_URL when there is one role). Several app instances may
 * boot at once: an advisory lock on one dedicated connection lets exactly one of them migrate.
 * When the handle's own role (the application's) is another, the owner then installs pg-boss's
 * schema and grants that role what it needs (db/roles.ts), under the same lock.
 */
export async function migrateDb(handle: Pick<DbHandle, 'db' | 'kind'>, migrationUrl?: string): Promise<DatabaseRoles> {
  if (handle.kind === 'pglite') {
    await migratePglite(handle.db as unknown as PgliteDatabase<Schema>, { migrationsFolder: MIGRATIONS_FOLDER });
    const { role, canAlter } = await auditLogGuard(handle.db);
    return { kind: 'pglite', app: role, owner: role, appCanAlterAuditLog: canAlter };
  }
  if (!migrationUrl) throw new Error('migrateDb: a Postgres handle needs its URL');
  const client = new pg.Client({ connectionString: migrationUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  let owner: string;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['payops.migrate']);
    owner = (await client.query<{ role: string }>('SELECT current_user AS role')).rows[0].role;
    // Drizzle's migrator creates its schema first, which needs CREATE: skipped when nothing is
    // pending, so a server given only the application's role starts on a migrated database.
    if (await migrationsPending(client)) {
      await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER }).catch((err) => {
        throw migrationError(err, owner);
      });
    }
    const app = (await auditLogGuard(handle.db)).role;
    if (app !== owner) {
      await installBossSchema(client);
      await grantAppRole(client, app);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['payops.migrate']).catch(() => {});
    await client.end();
  }
  const { role, canAlter } = await auditLogGuard(handle.db);
  return { kind: 'postgres', app: role, owner, appCanAlterAuditLog: canAlter };
}

/** Whether a committed migration is newer than the last one applied (drizzle's own rule). */
async function migrationsPending(client: pg.Client): Promise<boolean> {
  const newest = Math.max(...readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map((m) => m.folderMillis));
  try {
    const { rows } = await client.query<{ at: string | null }>('SELECT max(created_at)::text AS at FROM drizzle.__drizzle_migrations');
    return rows[0].at === null || Number(rows[0].at) < newest;
  } catch {
    // Not there yet, or not readable by this role: the migrator says which.
    return true;
  }
}

/** Drizzle's error names the statement; the database's reason is in its cause, said plainly here. */
function migrationError(err: unknown, role: string): Error {
  const cause = (err as { cause?: { message?: string; code?: string } }).cause;
  const why = cause?.message ?? (err as Error).message;
  const hint = cause?.code === '42501' ? ': set DATABASE_MIGRATION_URL to the database owner\'s role' : '';
  return new Error(`migrating as "${role}" failed: ${why}${hint}`, { cause: err });
}
