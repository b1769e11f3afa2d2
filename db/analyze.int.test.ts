import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { seedPayments } from '@/scripts/seed';
import { analyzeStale, autovacuumWarning, checkStatistics, PAYOPS_TABLES, staleTables, statisticsStatus, type Querier } from './analyze';
import { testDatabaseKinds, type TestDb } from './testing';

describe('PAYOPS_TABLES', () => {
  it("names PayOps' tables from the schema", () => {
    expect(PAYOPS_TABLES).toEqual(expect.arrayContaining(['transactions', 'payment_events', 'deliveries', 'audit_log']));
    expect(PAYOPS_TABLES).not.toContain('__drizzle_migrations');
  });

  it('warns only when autovacuum is off', () => {
    const base = { selfAnalyze: true, lastCheckAt: null, lastAnalyzeAt: null, tablesAnalysed: 0 };
    expect(autovacuumWarning({ ...base, autovacuum: 'off' })).toMatch(/autovacuum is OFF/);
    expect(autovacuumWarning({ ...base, autovacuum: 'on', selfAnalyze: false })).toBeNull();
    expect(autovacuumWarning({ ...base, autovacuum: 'embedded' })).toBeNull();
  });
});

describe.each(await testDatabaseKinds())('planner statistics on $kind', ({ kind, create }) => {
  let t: TestDb;
  let q: Querier;
  let client: pg.Client | undefined;

  beforeAll(async () => {
    t = await create();
    if (t.kind === 'pglite') {
      q = (t.handle.db as unknown as { $client: PGlite }).$client;
    } else {
      client = new pg.Client({ connectionString: t.url });
      await client.connect();
      q = client as unknown as Querier;
    }
  });
  afterAll(async () => {
    await client?.end();
    await t?.cleanup();
  });

  it('finds every table of a freshly migrated database never analysed, and none once analysed', async () => {
    const before = await staleTables(q);
    expect(before.map((s) => s.table)).toEqual([...PAYOPS_TABLES]);
    expect(before.every((s) => s.reltuples < 0)).toBe(true);

    const run = await analyzeStale(q);
    expect(run.skipped).toBe(false);
    expect(run.analysed.map((s) => s.table)).toEqual([...PAYOPS_TABLES]);
    expect(await staleTables(q)).toEqual([]);
  });

  it("re-analyses a table once its changes pass autovacuum's threshold (50 + 10%), not before", async () => {
    await seedPayments(t.handle.db, { payments: 30 });
    // Under the threshold of 50 rows: nothing to do. (Counters reach pg_stat after a short delay.)
    await new Promise((r) => setTimeout(r, 1500));
    expect(await staleTables(q)).toEqual([]);

    await seedPayments(t.handle.db, { payments: 400 });
    await vi.waitFor(
      // finance_daily too: the rollup triggers wrote a row per day, status and mode of the 400.
      async () => expect((await staleTables(q)).map((s) => s.table)).toEqual(['finance_daily', 'payment_events', 'transactions']),
      // A backend reports its counters when idle, at most every 10 s (PGSTAT_IDLE_INTERVAL).
      { timeout: 25_000, interval: 250 },
    );
    const run = await analyzeStale(q);
    expect(run.analysed.map((s) => s.table)).toEqual(['finance_daily', 'payment_events', 'transactions']);
    const { rows } = await q.query<{ reltuples: number }>(`SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = 'transactions'::regclass`);
    expect(rows[0].reltuples).toBe(430);
    expect(await staleTables(q)).toEqual([]);
  });

  it.runIf(kind === 'postgres')('leaves the work to another instance that holds the lock', async () => {
    const other = new pg.Client({ connectionString: t.url });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('payops.analyze'))`);
      expect((await analyzeStale(q)).skipped).toBe(true);
    } finally {
      await other.end();
    }
    expect((await analyzeStale(q)).skipped).toBe(false);
  });

  it('reports the autovacuum setting and whether PayOps analyses itself', async () => {
    const status = await checkStatistics(t.handle, t.url);
    expect(status.error).toBeUndefined();
    if (kind === 'pglite') {
      expect(status).toMatchObject({ autovacuum: 'embedded', selfAnalyze: true });
    } else {
      const { rows } = await q.query<{ autovacuum: string }>('SHOW autovacuum');
      expect(status).toMatchObject({ autovacuum: rows[0].autovacuum, selfAnalyze: rows[0].autovacuum === 'off' });
    }
    expect(status.lastCheckAt).not.toBeNull();
    expect(statisticsStatus()).toEqual(status);
  });
});

describe.each(await testDatabaseKinds())('a cached plan of an empty table on $kind', ({ create }) => {
  let t: TestDb;
  const clients: pg.Client[] = [];
  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    for (const c of clients) await c.end();
    await t?.cleanup();
  });

  const connect = async (): Promise<Querier> => {
    if (t.kind === 'pglite') return (t.handle.db as unknown as { $client: PGlite }).$client;
    const c = new pg.Client({ connectionString: t.url });
    await c.connect();
    clients.push(c);
    return c as unknown as Querier;
  };

  it("is replanned once the table grew and was analysed: the new event's foreign-key check uses the unique index", async () => {
    // The statement Postgres runs for payment_events → transactions (ri_triggers.c), prepared
    // while transactions is empty and cached generically, as each connection's trigger does.
    const session = await connect();
    await session.query('SET plan_cache_mode = force_generic_plan');
    await session.query(`PREPARE fk_check(text, text) AS SELECT 1 FROM ONLY "public"."transactions" x
                         WHERE "provider" OPERATOR(pg_catalog.=) $1 AND "transaction_id" OPERATOR(pg_catalog.=) $2 FOR KEY SHARE OF x`);
    const plan = async () =>
      (await session.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) EXECUTE fk_check('enkash', 'EKNONE')`)).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    const empty = await plan();
    await seedPayments(t.handle.db, { payments: 500 });
    // Unanalysed, the cached plan survives the growth: on PostgreSQL 15 it walks every payment of the
    // provider (transactions_provider_txn_at_idx, transaction_id as a filter).
    expect(await plan()).toBe(empty);

    await analyzeStale(await connect());
    const analysed = await plan();
    expect(analysed).toContain('transactions_transaction_id_provider_uq');
    expect(analysed).not.toContain('Filter');
  });
});
