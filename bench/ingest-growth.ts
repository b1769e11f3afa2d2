// npx tsx bench/ingest-growth.ts [--seconds N] [--window N] — does ingest stay flat while its
// tables grow from empty, on a server with autovacuum off? Runs the real webhook handler
// (handleEnkashNotify, in this process, no HTTP) with 10 deliveries in flight on two throwaway
// Postgres databases in turn: one never analysed after migrating (what PayOps did before
// db/analyze.ts), one with db/analyze.ts's periodic check (what the server now does). Per
// window it prints deliveries/s and what each delivery cost: Postgres CPU (its backends, from
// /proc) and the rows its statements read from the three tables, by sequential or index scans
// (pg_stat_user_tables: seq_tup_read + idx_tup_fetch).
// CPU per delivery and rows scanned do not depend on what else the machine runs; deliveries/s does.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDb, type DbHandle } from '@/db/client';
import { analyzeStale, CHECK_INTERVAL_MS } from '@/db/analyze';
import { migrateDb } from '@/db/migrate';
import { handleEnkashNotify } from '@/lib/webhooks/enkash-notify';
import { DOCUMENTED_EXAMPLE } from '@/test/enkash';
import { cleanup, cleanupOnSignals, createDatabase, onCleanup, randomToken } from './lib';

const IN_FLIGHT = 10;
const SECRET = 'ingest-growth';

function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

interface Sample {
  deliveries: number;
  pgCpuMs: number;
  seqRows: number;
  rows: number;
}

async function sample(admin: pg.Client, database: string, done: number): Promise<Sample> {
  const { rows: backends } = await admin.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [database],
  );
  // Counters reach pg_stat when a backend goes idle, at most every second: close enough per window.
  // max(id), not count(*): a count would itself scan the table it measures.
  const { rows } = await admin.query<{ seq: string; n: string }>(
    `SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0)::text AS seq,
            (SELECT coalesce(max(id), 0) FROM transactions)::text AS n
       FROM pg_stat_user_tables WHERE relname IN ('transactions', 'payment_events', 'deliveries')`,
  );
  return {
    deliveries: done,
    pgCpuMs: backends.reduce((s, b) => s + cpuMs(b.pid), 0),
    seqRows: Number(rows[0].seq),
    rows: Number(rows[0].n),
  };
}

/** The plan of the query Postgres runs for the payment_events → transactions foreign key (ri_triggers.c). */
async function fkPlan(admin: pg.Client): Promise<string> {
  await admin.query('SET plan_cache_mode = force_generic_plan');
  await admin.query(
    `PREPARE payops_fk_check(text, text) AS SELECT 1 FROM ONLY "public"."transactions" x
       WHERE "provider" OPERATOR(pg_catalog.=) $1 AND "transaction_id" OPERATOR(pg_catalog.=) $2 FOR KEY SHARE OF x`,
  );
  const { rows } = await admin.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) EXECUTE payops_fk_check('enkash', 'none')`);
  await admin.query('DEALLOCATE payops_fk_check');
  return rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n');
}

async function runOne(label: string, analyse: boolean, seconds: number, windowS: number) {
  const database = await createDatabase(process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  onCleanup(`drop ${database.name}`, database.drop);
  const handle: DbHandle = await openDb({ databaseUrl: database.url, poolMax: IN_FLIGHT });
  onCleanup(`close ${database.name}`, () => handle.close().catch(() => {}));
  await migrateDb(handle, database.url);
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  onCleanup(`close admin client of ${database.name}`, () => admin.end().catch(() => {}));

  const deps = { db: async () => handle.db, secret: SECRET };
  const run = randomToken(3).toUpperCase();
  let seq = 0;
  let done = 0;
  let failures = 0;
  const deadline = Date.now() + seconds * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const id = `EKGROW${run}${++seq}`;
      const body = DOCUMENTED_EXAMPLE.replace('"EK1738916997652yh8GL"', `"${id}"`).replace('"EK66674UU7T"', `"U${id}"`);
      const req = new Request(`http://localhost/api/webhooks/enkash/notify?key=${SECRET}`, { method: 'POST', body });
      const res = await handleEnkashNotify(req, deps);
      if (res.status === 200) done++;
      else failures++;
    }
  };
  // The server's own rule: analyse what autovacuum would, every CHECK_INTERVAL_MS. The first
  // check runs at once, as at boot.
  let analysed = 0;
  const check = async () => {
    const r = await analyzeStale(admin);
    analysed += r.analysed.length;
  };
  if (analyse) await check();
  const timer = analyse ? setInterval(() => void check(), CHECK_INTERVAL_MS) : undefined;

  console.log(`\n${label}: database ${database.name}, ${IN_FLIGHT} deliveries in flight for ${seconds} s`);
  console.log('  window    deliv/s   pg µs/deliv  rows read/deliv   transactions');
  let last = await sample(admin, database.name, 0);
  const windows: { rate: number; pgUs: number; seq: number }[] = [];
  const sampler = setInterval(async () => {
    const now = await sample(admin, database.name, done);
    const n = now.deliveries - last.deliveries;
    const w = { rate: n / windowS, pgUs: ((now.pgCpuMs - last.pgCpuMs) * 1000) / n, seq: (now.seqRows - last.seqRows) / n };
    windows.push(w);
    const from = (windows.length - 1) * windowS;
    console.log(
      `  ${String(from).padStart(3)}–${String(from + windowS).padEnd(4)}s ${w.rate.toFixed(0).padStart(7)} ${w.pgUs.toFixed(0).padStart(12)} ${w.seq.toFixed(1).padStart(15)} ${String(now.rows).padStart(13)}`,
    );
    last = now;
  }, windowS * 1000);
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  clearInterval(sampler);
  clearInterval(timer);
  console.log(`  ${done} deliveries, ${failures} failed; ${analyse ? `${analysed} tables analysed along the way` : 'never analysed'}; load average ${os.loadavg()[0].toFixed(1)}`);
  console.log(`  the foreign-key check of payment_events → transactions, planned now as Postgres plans it (generic):\n${await fkPlan(admin)}`);
  // Done with this database now, not at exit: its idle pool would see the next drop's FORCE.
  await admin.end();
  await handle.close();
  await database.drop();
  return { windows, failures };
}

async function main() {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, window: { type: 'string', default: '10' } } });
  const seconds = Number(values.seconds);
  const windowS = Number(values.window);
  cleanupOnSignals();
  console.log(`ingest-growth: ${new Date().toISOString()}, ${os.availableParallelism()} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const a = await runOne('never analysed (before db/analyze.ts)', false, seconds, windowS);
  const b = await runOne(`analysed at start and every ${CHECK_INTERVAL_MS / 1000} s (db/analyze.ts)`, true, seconds, windowS);
  const drift = (w: typeof a.windows) => (w.length >= 2 ? w[w.length - 1].pgUs / w[0].pgUs : NaN);
  console.log(`\nPostgres CPU per delivery, last window / first: never analysed ${drift(a.windows).toFixed(2)}, analysed ${drift(b.windows).toFixed(2)}`);
  return a.failures + b.failures > 0 ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`ingest-growth: ${(err as Error).stack}`);
} finally {
  await cleanup();
}
process.exit(code);
