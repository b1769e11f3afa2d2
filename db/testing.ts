import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { openDb, queryRows, type DbHandle, type Schema } from './client';
import { migrateDb, MIGRATIONS_FOLDER } from './migrate';

/**
 * Test databases: a fresh in-memory PGlite, and a fresh database on a real Postgres
 * (TEST_DATABASE_URL, else the local server). Each test file gets its own, dropped afterwards.
 */
export interface TestDb {
  kind: DbHandle['kind'];
  handle: DbHandle;
  url?: string;
  cleanup(): Promise<void>;
}

export const POSTGRES_BASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDbOptions {
  timeoutMs?: number;
  poolMax?: number;
  /** false: leave the database empty (an upgrade test migrates it in steps: `migrateUpTo`). */
  migrate?: boolean;
}

export async function createPgliteTestDb(options: TestDbOptions = {}): Promise<TestDb> {
  const migrate = options.migrate !== false;
  const handle = await openDb({ dataDir: 'memory://', loadDataDir: migrate ? await migratedSnapshot() : undefined });
  // Nothing left to apply when the snapshot is current.
  if (migrate) await migrateDb(handle);
  return { kind: 'pglite', handle, cleanup: () => handle.close() };
}

let snapshot: Promise<Blob> | undefined;

/**
 * A dump of a freshly migrated PGlite, made once per set of migrations and kept on disk
 * (node_modules/.cache/payops-test): each test database starts from it instead of running every
 * migration again. Written atomically, so two workers making it at once is harmless.
 */
function migratedSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const hash = createHash('sha256');
    for (const f of fs.readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).sort()) {
      hash.update(f).update(fs.readFileSync(path.join(MIGRATIONS_FOLDER, f)));
    }
    hash.update(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json')));
    const file = path.join(process.cwd(), 'node_modules', '.cache', 'payops-test', `pglite-${hash.digest('hex').slice(0, 16)}.tar`);
    if (fs.existsSync(file)) return new Blob([fs.readFileSync(file)]);
    const fresh = await openDb({ dataDir: 'memory://' });
    try {
      await migrateDb(fresh);
      const client = (fresh.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client;
      const bytes = Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer());
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      fs.writeFileSync(tmp, bytes);
      fs.renameSync(tmp, file);
      return new Blob([bytes]);
    } finally {
      await fresh.close();
    }
  })();
  return snapshot;
}

let reachable: Promise<boolean> | undefined;

/** Whether the test Postgres answers; when it does not, says so loudly once. */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_BASE_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (err) {
      console.warn(
        `\n!!! PostgreSQL at ${redactUrl(POSTGRES_BASE_URL)} is unreachable (${(err as Error).message}).\n` +
          `!!! The real-Postgres integration tests are SKIPPED; only PGlite ran. Set TEST_DATABASE_URL or start Postgres.\n`,
      );
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

export async function createPostgresTestDb(options: TestDbOptions = {}): Promise<TestDb> {
  const name = `payops_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = withDatabase(POSTGRES_BASE_URL, name);
  const handle = await openDb({ databaseUrl: url, timeoutMs: options.timeoutMs, poolMax: options.poolMax });
  if (options.migrate !== false) await migrateDb(handle, url);
  return {
    kind: 'postgres',
    handle,
    url,
    cleanup: async () => {
      await handle.close().catch(() => {});
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/**
 * A second, login role on a Postgres test database, as a deployment's DATABASE_URL: it owns
 * nothing; `migrateDb(app, t.url)` then migrates as the test database's owner and grants it what
 * it needs. Dropped (after the database) by `t.cleanup`.
 */
export async function createAppRole(t: TestDb): Promise<{ role: string; url: string; handle: DbHandle }> {
  if (t.kind !== 'postgres' || !t.url) throw new Error('an application role needs a Postgres test database');
  const role = `payops_app_test_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE ROLE ${role} LOGIN`);
  const u = new URL(t.url);
  u.username = role;
  u.password = '';
  const url = u.toString();
  const handle = await openDb({ databaseUrl: url });
  const cleanup = t.cleanup;
  t.cleanup = async () => {
    await handle.close().catch(() => {});
    await cleanup();
    // The role's privileges lived in the dropped database; nothing else holds it.
    await admin(`DROP ROLE IF EXISTS ${role}`);
  };
  return { role, url, handle };
}

/** Both kinds, for `describe.each`: PGlite always, Postgres when reachable. */
export async function testDatabaseKinds(): Promise<{ kind: TestDb['kind']; create: (options?: TestDbOptions) => Promise<TestDb> }[]> {
  const kinds: { kind: TestDb['kind']; create: (options?: TestDbOptions) => Promise<TestDb> }[] = [{ kind: 'pglite', create: createPgliteTestDb }];
  if (await postgresReachable()) kinds.push({ kind: 'postgres', create: createPostgresTestDb });
  return kinds;
}

/**
 * Applies the committed migrations up to and including `tag`, as the database was before a later
 * one (an upgrade test writes rows the old way, then runs `migrateDb` for the rest).
 */
export async function migrateUpTo(t: TestDb, tag: string): Promise<void> {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === tag);
  if (last < 0) throw new Error(`no migration ${tag}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'payops-migrations-'));
  try {
    fs.mkdirSync(path.join(dir, 'meta'));
    const entries = journal.entries.slice(0, last + 1);
    for (const e of entries) fs.copyFileSync(path.join(MIGRATIONS_FOLDER, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
    fs.writeFileSync(path.join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
    if (t.kind === 'pglite') {
      await migratePglite(t.handle.db as unknown as PgliteDatabase<Schema>, { migrationsFolder: dir });
      return;
    }
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    try {
      await migratePg(drizzlePg(client), { migrationsFolder: dir });
    } finally {
      await client.end();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function admin(statement: string) {
  const client = new pg.Client({ connectionString: POSTGRES_BASE_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const redactUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/** Every stored value of the given tables, as text: for "this never reaches the database" checks. */
export async function dumpTables(db: DbHandle['db'], tables = ['transactions', 'payment_events', 'deliveries', 'audit_log']): Promise<string> {
  const dumps = await Promise.all(tables.map((name) => queryRows<{ r: string }>(db, sql`SELECT row_to_json(x)::text AS r FROM ${sql.raw(name)} x`)));
  return dumps.flat().map((row) => row.r).join('\n');
}
