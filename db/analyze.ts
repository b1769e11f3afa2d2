import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { DbHandle } from './client';
import * as schema from './schema';

/**
 * Planner statistics when nobody else keeps them: PostgreSQL's autovacuum normally ANALYZEs a
 * table once more than `autovacuum_analyze_threshold + autovacuum_analyze_scale_factor ×
 * reltuples` of its rows changed. With autovacuum off (as on the benchmark machine) or on
 * PGlite (no autovacuum worker), a table is never analysed, and plans chosen while it was empty
 * stay cached per connection as it grows. The one that hurt: the foreign-key check of every new
 * payment event (`SELECT 1 FROM transactions WHERE provider = $1 AND transaction_id = $2`) was
 * planned on `transactions_provider_txn_at_idx` with transaction_id as a filter, reading every
 * payment of the provider per delivery — ingest fell from ~730 to ~520 deliveries/s within
 * seconds (bench/ingest-growth.ts). ANALYZE invalidates those cached plans, so PayOps applies
 * autovacuum's own rule to its own tables: at start, then every CHECK_INTERVAL_MS while
 * autovacuum is not running. It only analyses (a sample of 300 × default_statistics_target
 * rows, whatever the table's size); dead rows still need VACUUM, which stays the server's job.
 */
// Short, because a growing empty table is the worst case: the cost of a bad plan grows with the
// rows added before the next check. A check is one connection and one catalog query.
export const CHECK_INTERVAL_MS = 5_000;
/** An ANALYZE that takes longer than this is abandoned (the server's own cancel). */
const ANALYZE_TIMEOUT_MS = 120_000;
/** How long the start waits for its first check. */
const START_DEADLINE_MS = 30_000;

/** PayOps' tables, from the Drizzle schema (not whatever else shares the database). */
export const PAYOPS_TABLES: readonly string[] = (Object.values(schema) as unknown[])
  .filter((value): value is PgTable => is(value, PgTable))
  .map((table) => getTableName(table))
  .sort();

/** `query(text, values)` → `{ rows }`: what pg.Client and PGlite both offer. */
export interface Querier {
  query<T>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
}

export interface StaleTable {
  table: string;
  /** Rows the planner believes the table has; -1 when it was never analysed. */
  reltuples: number;
  /** Rows inserted, updated or deleted since the last ANALYZE (pg_stat_user_tables). */
  changed: number;
  /** autovacuum's analyse threshold for this table. */
  limit: number;
}

// to_regclass follows search_path, as the application's own statements do.
const STALE_SQL = `
  SELECT c.relname AS "table", c.reltuples::float8 AS reltuples,
         coalesce(s.n_mod_since_analyze, 0)::float8 AS changed,
         current_setting('autovacuum_analyze_threshold')::float8
           + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(c.reltuples, 0)::float8 AS "limit",
         (s.last_analyze IS NULL AND s.last_autoanalyze IS NULL) AS never
    FROM unnest($1::text[]) AS t(name)
    JOIN pg_class c ON c.oid = to_regclass(t.name)
    LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
   ORDER BY c.relname`;

/** The tables autovacuum would analyse now: never analysed, or changed past its threshold. */
export async function staleTables(q: Querier, tables: readonly string[] = PAYOPS_TABLES): Promise<StaleTable[]> {
  const { rows } = await q.query<StaleTable & { never: boolean }>(STALE_SQL, [tables]);
  // reltuples is -1 until a table's first ANALYZE or VACUUM (PostgreSQL 14+).
  return rows
    .filter((r) => (r.reltuples < 0 && r.never) || r.changed > r.limit)
    .map(({ never: _never, ...r }) => r);
}

/** 'on' or 'off': the server's autovacuum setting (PGlite says 'on' but runs no worker). */
export async function autovacuumSetting(q: Querier): Promise<'on' | 'off'> {
  const { rows } = await q.query<{ v: string }>(`SELECT current_setting('autovacuum') AS v`);
  return rows[0]?.v === 'on' ? 'on' : 'off';
}

export interface AnalyzeRun {
  analysed: StaleTable[];
  /** Another instance held the lock: it is doing this work. */
  skipped: boolean;
  ms: number;
}

/**
 * Analyses the stale tables. Several instances may share one database: a session advisory
 * lock lets one of them do it, and the others skip rather than queue behind it.
 */
export async function analyzeStale(q: Querier, tables: readonly string[] = PAYOPS_TABLES): Promise<AnalyzeRun> {
  const started = performance.now();
  const { rows } = await q.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtext('payops.analyze')) AS locked`);
  if (!rows[0]?.locked) return { analysed: [], skipped: true, ms: performance.now() - started };
  try {
    const stale = await staleTables(q, tables);
    for (const t of stale) await q.query(`ANALYZE "${t.table.replaceAll('"', '""')}"`);
    return { analysed: stale, skipped: false, ms: performance.now() - started };
  } finally {
    await q.query(`SELECT pg_advisory_unlock(hashtext('payops.analyze'))`).catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// The process's analyser: started once at boot, read by /api/health.

export interface StatisticsStatus {
  /** 'embedded': PGlite, which runs no autovacuum worker. */
  autovacuum: 'on' | 'off' | 'embedded' | 'unknown';
  /** Whether PayOps itself re-analyses its tables (autovacuum not running). */
  selfAnalyze: boolean;
  lastCheckAt: string | null;
  lastAnalyzeAt: string | null;
  /** Tables analysed by this process since it started. */
  tablesAnalysed: number;
  error?: string;
}

const STATUS_KEY = Symbol.for('payops.statistics');
type Holder = { [STATUS_KEY]?: { status: StatisticsStatus; timer?: NodeJS.Timeout } };

/** What /api/health reports; null until the analyser has run once in this process. */
export function statisticsStatus(): StatisticsStatus | null {
  const state = (globalThis as Holder)[STATUS_KEY];
  return state ? { ...state.status } : null;
}

/** One check on its own connection: never a pool client, never the pool's 4 s deadlines. */
async function withQuerier<T>(handle: DbHandle, databaseUrl: string | undefined, run: (q: Querier) => Promise<T>): Promise<T> {
  if (handle.kind === 'pglite') return run((handle.db as unknown as { $client: PGlite }).$client);
  if (!databaseUrl) throw new Error('a Postgres handle needs its URL');
  const client = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: 5000,
    statement_timeout: ANALYZE_TIMEOUT_MS,
    // Client side too: a connection that stops answering must not hold the check for ever.
    query_timeout: ANALYZE_TIMEOUT_MS + 5000,
    application_name: 'payops-analyze',
  });
  await client.connect();
  try {
    return await run(client as unknown as Querier);
  } finally {
    // end() waits for the server; one that hangs gets its socket cut instead.
    const ended = client.end().then(() => true, () => true);
    const cut = new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref());
    if (!(await Promise.race([ended, cut]))) (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }
}

/** One round: read the setting, and analyse what autovacuum would have when it is not running. */
export async function checkStatistics(handle: DbHandle, databaseUrl?: string): Promise<StatisticsStatus> {
  const holder = globalThis as Holder;
  const state = (holder[STATUS_KEY] ??= {
    status: { autovacuum: 'unknown', selfAnalyze: false, lastCheckAt: null, lastAnalyzeAt: null, tablesAnalysed: 0 },
  });
  try {
    await withQuerier(handle, databaseUrl, async (q) => {
      const setting = handle.kind === 'pglite' ? 'embedded' : await autovacuumSetting(q);
      state.status.autovacuum = setting;
      state.status.selfAnalyze = setting !== 'on';
      if (state.status.selfAnalyze) {
        const run = await analyzeStale(q);
        if (run.analysed.length) {
          state.status.lastAnalyzeAt = new Date().toISOString();
          state.status.tablesAnalysed += run.analysed.length;
        }
      }
    });
    state.status.lastCheckAt = new Date().toISOString();
    delete state.status.error;
  } catch (err) {
    // The message only: a connection string never reaches /api/health.
    state.status.error = err instanceof Error ? err.message.replace(/postgres(ql)?:\/\/\S+/gi, '[url]') : 'failed';
  }
  return { ...state.status };
}

/** The warning printed at start when autovacuum is off; null when it is on. */
export function autovacuumWarning(status: StatisticsStatus): string | null {
  if (status.autovacuum !== 'off') return null;
  return (
    'PostgreSQL autovacuum is OFF on this server. PayOps analyses its own tables at start and every ' +
    `${CHECK_INTERVAL_MS / 1000} s when they changed past autovacuum's threshold, so plans follow the data, ` +
    'but nothing VACUUMs them: dead rows and bloat accumulate. Turn autovacuum on (autovacuum = on, track_counts = on).'
  );
}

/**
 * At start: one check (awaited, so the first requests are planned on fresh statistics), the
 * warning, then a check every CHECK_INTERVAL_MS. Never fatal: stale statistics make a server
 * slower, not wrong. Returns a stop function.
 */
export async function startStatistics(handle: DbHandle, databaseUrl?: string): Promise<() => void> {
  // A database that hangs must not hold the start forever: past the deadline, serve anyway.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<StatisticsStatus>((resolve) => {
    timer = setTimeout(() => resolve({ ...statisticsStatus()!, error: `no answer within ${START_DEADLINE_MS / 1000} s` }), START_DEADLINE_MS);
  });
  const first = await Promise.race([checkStatistics(handle, databaseUrl), deadline]).finally(() => clearTimeout(timer));
  if (first.error) console.warn(`[payops] could not check planner statistics: ${first.error}`);
  const warning = autovacuumWarning(first);
  if (warning) console.warn(`\n[payops] WARNING: ${warning}\n`);

  const state = (globalThis as Holder)[STATUS_KEY]!;
  if (state.timer) clearInterval(state.timer);
  let running = false;
  let lastError = first.error;
  state.timer = setInterval(() => {
    if (running) return;
    running = true;
    void checkStatistics(handle, databaseUrl)
      .then((s) => {
        // Say it once per failure streak, not on every check of an outage.
        if (s.error && s.error !== lastError) console.warn(`[payops] planner statistics check failed: ${s.error}`);
        lastError = s.error;
      })
      .finally(() => (running = false));
  }, CHECK_INTERVAL_MS);
  state.timer.unref();
  return () => {
    clearInterval(state.timer);
    state.timer = undefined;
  };
}
