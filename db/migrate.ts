import path from 'node:path';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
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
    await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER });
    owner = (await client.query<{ role: string }>('SELECT current_user AS role')).rows[0].role;
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
