import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { env } from '@/lib/env';
import { lockDataDir } from './lock';
import { createPool, DbVitals, drizzlePool } from './postgres';
import * as schema from './schema';

export { DbVitals };

export type Schema = typeof schema;
// Both drivers share drizzle's PgDatabase; typing against it keeps every builder method callable.
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbOrTx = Db | PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

/**
 * Runs a fixed statement on the driver itself, skipping the query builder: on Postgres as a
 * named prepared statement, so a hot path (the webhook ingest) is parsed and planned once per
 * connection instead of on every request.
 */
export async function runStatement<T>(db: Db, statement: { name: string; text: string; values: unknown[] }): Promise<T[]> {
  const client = (db as unknown as { $client: pg.Pool | PGlite }).$client;
  const result =
    client instanceof pg.Pool
      ? await client.query(statement)
      : await (client as PGlite).query(statement.text, statement.values);
  return result.rows as T[];
}

/** Rows of a raw `sql` query, whichever driver ran it (both answer with `{ rows }`). */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** How the database has been answering this process (liveness reads it). */
  vitals: DbVitals;
  /** Closes the database; a Postgres pool gives up waiting for busy clients after `deadlineMs`. */
  close(deadlineMs?: number): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  dataDir?: string;
  poolMax?: number;
  timeoutMs?: number;
  /** In-memory PGlite only: start from this dump of a data directory (tests: one migrated copy). */
  loadDataDir?: Blob;
}

/** Opens Postgres when a URL is given, otherwise embedded PGlite in `dataDir`. */
export async function openDb(options: OpenOptions): Promise<DbHandle> {
  const timeoutMs = options.timeoutMs ?? 4000;
  const vitals = new DbVitals();
  if (options.databaseUrl) {
    const pool = createPool({ url: options.databaseUrl, poolMax: options.poolMax ?? 10, timeoutMs, vitals });
    let closing: Promise<void> | undefined;
    return {
      db: drizzlePool(pool, vitals) as unknown as Db,
      kind: 'postgres',
      vitals,
      // pool.end() waits for every checked-out client; the deadline stops a stall holding shutdown.
      close: (deadlineMs = 3000) => (closing ??= withDeadline(pool.end(), deadlineMs)),
    };
  }
  // 'memory://' keeps PGlite in memory (tests); a directory is locked to this process.
  const inMemory = options.dataDir === 'memory://';
  const dataDir = inMemory ? 'memory://' : path.resolve(/*turbopackIgnore: true*/ options.dataDir ?? './.data');
  const release = inMemory ? () => {} : lockDataDir(dataDir);
  try {
    const client = await PGlite.create(inMemory ? 'memory://' : path.join(dataDir, 'pglite'), {
      extensions: { pg_trgm },
      ...(inMemory && options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    let closed = false;
    return {
      db: drizzlePglite(client, { schema }) as unknown as Db,
      kind: 'pglite',
      vitals,
      close: async () => {
        if (closed) return;
        closed = true;
        await client.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

// Next bundles instrumentation and each route separately, so a module-level variable could
// exist twice in one process; two PGlite instances on one directory would corrupt it.
const GLOBAL_KEY = Symbol.for('payops.db');
type Holder = { [GLOBAL_KEY]?: Promise<DbHandle> };

/** The process-wide database, opened on first use from the environment. */
export function getDbHandle(): Promise<DbHandle> {
  const holder = globalThis as Holder;
  if (!holder[GLOBAL_KEY]) {
    const e = env();
    const opening = openDb({
      databaseUrl: e.DATABASE_URL,
      dataDir: e.DATA_DIR,
      poolMax: e.DATABASE_POOL_MAX,
      timeoutMs: e.DATABASE_TIMEOUT_MS,
    });
    holder[GLOBAL_KEY] = opening;
    opening.catch(() => {
      if (holder[GLOBAL_KEY] === opening) delete holder[GLOBAL_KEY];
    });
  }
  return holder[GLOBAL_KEY]!;
}

/** Makes `handle` the process-wide database (tests drive the real route modules with it). */
export function useDbHandle(handle: DbHandle): void {
  (globalThis as Holder)[GLOBAL_KEY] = Promise.resolve(handle);
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

export async function closeDb(): Promise<void> {
  const holder = globalThis as Holder;
  const opening = holder[GLOBAL_KEY];
  delete holder[GLOBAL_KEY];
  if (opening) await (await opening).close();
}

/** Resolves when `work` settles or after `ms`, whichever comes first; never rejects. */
function withDeadline(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.then(() => {}, () => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
