import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDb, queryRows, type DbHandle } from '@/db/client';
import { createPostgresTestDb, postgresReachable, type TestDb } from '@/db/testing';
import { startTcpProxy } from '@/test/tcp-proxy';

// A transaction must give its connection back whatever fails inside it. With a pool of ONE
// connection, a single leaked or poisoned client makes every later call fail, so each case
// below would have caught drizzle's own transaction helper (begin outside its try/finally,
// a client whose rollback failed returned to the pool with a statement pending).
const TIMEOUT_MS = 600;

describe.skipIf(!(await postgresReachable()))('transactions through a connection that stalls', () => {
  let t: TestDb;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let db: DbHandle;
  let backendPids = new Set<number>();
  beforeAll(async () => {
    t = await createPostgresTestDb();
    const url = new URL(t.url!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    db = await openDb({ databaseUrl: url.toString(), timeoutMs: TIMEOUT_MS, poolMax: 1 });
  });
  afterEach(() => proxy.up());
  afterAll(async () => {
    await db?.close().catch(() => {});
    await proxy?.close();
    await t?.cleanup();
  });

  const pid = async () => (await queryRows<{ pid: number }>(db.db, sql`SELECT pg_backend_pid() AS pid`))[0].pid;
  /** The pool serves again, within a few deadlines: the failed client did not stay checked out. */
  const servesAgain = async () => {
    proxy.up();
    for (let i = 0; i < 5; i++) {
      try {
        const rows = await db.db.transaction(async (tx) => queryRows<{ one: number }>(tx, sql`SELECT 1 AS one`));
        return rows[0].one;
      } catch {
        await new Promise((r) => setTimeout(r, TIMEOUT_MS));
      }
    }
    return null;
  };
  const stallDuring = <T>(fn: () => Promise<T>) => {
    proxy.hang();
    return fn();
  };

  it('a begin that misses its deadline releases the client', async () => {
    backendPids = new Set([await pid()]);
    await expect(stallDuring(() => db.db.transaction(async () => 1))).rejects.toThrow();
    expect(await servesAgain()).toBe(1);
  });

  it('a statement that misses its deadline destroys the client instead of returning it busy', async () => {
    await expect(
      db.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT 1`);
        proxy.hang();
        await tx.execute(sql`SELECT 2`);
      }),
    ).rejects.toThrow(); // drizzle wraps the driver's "Query read timeout"
    expect(await servesAgain()).toBe(1);
    // A new connection: the one whose statement was left pending was not reused.
    const now = await pid();
    expect(backendPids.has(now)).toBe(false);
    backendPids.add(now);
  });

  it('a commit that misses its deadline destroys the client', async () => {
    await expect(
      db.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT 1`);
        proxy.hang();
      }),
    ).rejects.toThrow(); // drizzle wraps the driver's "Query read timeout"
    expect(await servesAgain()).toBe(1);
  });

  it('a rollback that misses its deadline destroys the client', async () => {
    await expect(
      db.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT 1`);
        proxy.hang();
        throw new Error('the caller gave up');
      }),
    ).rejects.toThrow('the caller gave up');
    expect(await servesAgain()).toBe(1);
  });

  it('a stall that ends late delivers old statements to a destroyed client, never to the next user', async () => {
    await expect(
      db.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT 1`);
        proxy.stall();
        await tx.execute(sql`SELECT 2`);
      }),
    ).rejects.toThrow(); // drizzle wraps the driver's "Query read timeout"
    expect(await servesAgain()).toBe(1);
    // A nested transaction (savepoint) works on the fresh client: no "savepoint sp1 does not exist".
    const nested = await db.db.transaction(async (tx) => tx.transaction(async (inner) => queryRows<{ two: number }>(inner, sql`SELECT 2 AS two`)));
    expect(nested[0].two).toBe(2);
  });

  it('an error the database answered keeps the client: it is rolled back and reused', async () => {
    const before = await pid();
    await expect(db.db.transaction(async (tx) => tx.execute(sql`SELECT 1/0`))).rejects.toThrow();
    expect(await pid()).toBe(before);
    const [{ status }] = await queryRows<{ status: string }>(db.db, sql`SELECT 'idle' AS status`);
    expect(status).toBe('idle');
  });

  it('the server bounds its side: statement and idle-in-transaction deadlines are set per connection', async () => {
    const rows = await queryRows<{ st: string; iit: string; lt: string }>(
      db.db,
      sql`SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS iit,
                 current_setting('lock_timeout') AS lt`,
    );
    expect(rows[0]).toEqual({ st: `${TIMEOUT_MS}ms`, iit: '5s', lt: `${TIMEOUT_MS}ms` });
  });

  it('a session left in a transaction by a vanished client is ended by the server', async () => {
    // A raw client through the proxy opens a transaction, then the network hangs and the client
    // gives up; the proxy keeps the server side open, as a partition would.
    const client = new pg.Client({ connectionString: ((db.db as unknown as { $client: pg.Pool }).$client).options.connectionString, idle_in_transaction_session_timeout: 1000 });
    await client.connect();
    client.on('error', () => {});
    const [{ pid: orphan }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    await client.query('BEGIN');
    proxy.hang();
    const admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
    try {
      const state = async () => (await admin.query<{ state: string }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [orphan])).rows[0]?.state ?? 'gone';
      expect(await state()).toBe('idle in transaction');
      await new Promise((r) => setTimeout(r, 1600));
      expect(await state()).toBe('gone');
    } finally {
      await admin.end();
      proxy.up();
      await client.end().catch(() => {});
    }
  });
});
