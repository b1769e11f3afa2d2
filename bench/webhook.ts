// npm run bench:webhook [-- --duration N --floor N --payments N --build] — throughput and latency of
// POST /api/webhooks/enkash/notify on a production build and a Postgres database that already holds
// a million payments (analysed), against three floors measured in the same run: GET /api/health/live
// (no I/O), an echo POST (reads its body, answers) and a POST that reads its body and does one
// insert. Prints figures; exits 1 only when a request failed or the database does not hold exactly
// what was accepted, never because a target was missed.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { BENCH_FLOOR_TABLE } from '@/lib/bench-routes';
import { ensureDatabase } from '@/scripts/seed';
import { DOCUMENTED_EXAMPLE } from '@/test/enkash';
import {
  cannon,
  cleanup,
  cleanupOnSignals,
  ensureBuild,
  freePort,
  freshDeliveries,
  onCleanup,
  percentile,
  randomToken,
  redactUrl,
  ROOT,
  spawnServer,
  type CannonOptions,
  type CannonResult,
} from './lib';

const CONNECTIONS = 10;
const WARMUP_S = 3;
const WINDOW_S = 10;
const NOTIFY_PATH = '/api/webhooks/enkash/notify';
const BASELINE_TABLE = 'payops_bench_baseline';
const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const TARGETS = { freshOverLive: 0.65, p99Ms: 20, drift: 0.1 };
const USAGE = `Usage: npm run bench:webhook [-- --duration N] [--floor N] [--payments N] [--build]

Runs PayOps' production build (built if missing; --build forces a fresh one) on the database
payops_bench_webhook_<payments> of the server BENCH_DATABASE_URL names (default ${DEFAULT_SERVER}),
seeding it once with --payments payments (default 1000000) and reusing it afterwards: the rows a run
adds are deleted again (and vacuumed) at the end, so runs do not pile up. Measures ${CONNECTIONS}
connections, each scenario after a ${WARMUP_S} s warm-up: fresh deliveries for --duration s
(default 60, figures per ${WINDOW_S} s window), and live, echo, insert and duplicate for --floor s
(default 15) each. The floor routes exist because the server is started with PAYOPS_BENCH_ROUTES=1.`;

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  codes: string;
  failed: boolean;
  /** Responses with a 2xx status. */
  ok: number;
  /** 1-minute load average when the scenario ended. */
  load: number;
  /** Requests answered in the measured run. */
  total: number;
  cpu?: CpuCost;
}

interface Window {
  from: number;
  rps: number;
  p99: number;
  /** CPU per request in this window: the Next server, its Postgres backends. */
  nodeUs: number;
  pgUs: number;
}

function options() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '60' },
      floor: { type: 'string', default: '15' },
      payments: { type: 'string', default: '1000000' },
      build: { type: 'boolean', default: false },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const whole = (name: string, raw: string, min: number) => {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got ${raw}`);
    return n;
  };
  return {
    duration: whole('duration', values.duration, 1),
    floor: whole('floor', values.floor, 1),
    payments: whole('payments', values.payments, 1),
    build: values.build,
  };
}

function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  const envPart = process.env.BENCH_DATABASE_URL ? `BENCH_DATABASE_URL=${redactUrl(process.env.BENCH_DATABASE_URL)} ` : '';
  if (process.env.npm_lifecycle_event === 'bench:webhook') return `${envPart}npm run bench:webhook${args ? ` -- ${args}` : ''}`;
  return `${envPart}tsx bench/webhook.ts${args ? ` ${args}` : ''}`;
}

const load1 = () => os.loadavg()[0];

// ---------------------------------------------------------------------------------------------
// CPU time per request, by process: what each side costs, whatever else the machine is doing.

/** CPU time (ms) a Linux process has used so far (utime + stime from /proc); NaN elsewhere. */
function processCpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": state is the first, utime and stime the 12th and 13th; in ticks of 10 ms.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

interface CpuSnapshot {
  server: number;
  client: number;
  backends: Map<number, number>;
}

interface CpuCost {
  /** Milliseconds of CPU in the measured run: the Next server, its Postgres backends, autocannon. */
  server: number;
  postgres: number;
  client: number;
}

let cpuSource: (() => Promise<CpuSnapshot>) | undefined;

function cpuAccounting(db: pg.Client, database: string, serverPid: number | undefined) {
  cpuSource = async () => {
    const { rows } = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    const usage = process.cpuUsage();
    return {
      server: processCpuMs(serverPid),
      client: (usage.user + usage.system) / 1000,
      backends: new Map(rows.map((r) => [r.pid, processCpuMs(r.pid)])),
    };
  };
}

/**
 * Server-wide counters, for the record: checkpoints (another session's DROP DATABASE or
 * CHECKPOINT forces one; after each, the first change to every page writes the whole page to
 * the WAL) and WAL written, by every database on the server.
 */
async function serverCounters(db: pg.Client) {
  const { rows } = await db.query<{ checkpoints: number; wal: string }>(
    `SELECT (checkpoints_timed + checkpoints_req)::int AS checkpoints, pg_current_wal_insert_lsn()::text AS wal FROM pg_stat_bgwriter`,
  );
  return rows[0];
}

async function serverDelta(db: pg.Client, before: Awaited<ReturnType<typeof serverCounters>>) {
  const after = await serverCounters(db);
  const { rows } = await db.query<{ bytes: number }>('SELECT pg_wal_lsn_diff($1, $2)::float8 AS bytes', [after.wal, before.wal]);
  return { checkpoints: after.checkpoints - before.checkpoints, walBytes: rows[0].bytes };
}

function cpuCost(before: CpuSnapshot, after: CpuSnapshot): CpuCost {
  let postgres = 0;
  // A backend that exited during the run is missed (the pool keeps them for 30 s idle: none do).
  for (const [pid, ms] of after.backends) postgres += ms - (before.backends.get(pid) ?? 0);
  return { server: after.server - before.server, postgres, client: after.client - before.client };
}

/** A warm-up run that is thrown away, then the measured run. */
async function scenario(
  name: string,
  opts: Omit<CannonOptions, 'connections' | 'pipelining' | 'duration'>,
  duration: number,
  byWindow?: ReturnType<typeof windowed>,
) {
  const base = { ...opts, connections: CONNECTIONS, pipelining: 1 };
  process.stdout.write(`${name}: warm-up ${WARMUP_S} s, then ${duration} s … `);
  await cannon({ ...base, duration: WARMUP_S });
  const before = await cpuSource?.();
  await byWindow?.start();
  const r = await cannon({ ...base, duration }, byWindow?.onResponse);
  byWindow?.stop();
  const after = await cpuSource?.();
  const figures = summarize(name, r);
  if (before && after) figures.cpu = cpuCost(before, after);
  console.log(figures.failed ? `FAILED (${figures.codes})` : `done (load average ${figures.load.toFixed(1)})`);
  return figures;
}

function summarize(name: string, r: CannonResult): Figures {
  const codes = Object.entries(r.statusCodeStats)
    .map(([code, { count }]) => `${code}×${count}`)
    .join(' ');
  return {
    name,
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    codes: `${codes}${r.errors ? `, ${r.errors} errors (${r.timeouts} timeouts)` : ''}`,
    failed: r.non2xx > 0 || r.errors > 0,
    ok: r.requests.total - r.non2xx,
    load: load1(),
    total: r.requests.total,
  };
}

/** Latencies of the measured run by WINDOW_S-second window since its start. */
function windowed(duration: number) {
  const buckets: number[][] = Array.from({ length: Math.floor(duration / WINDOW_S) }, () => []);
  // CPU snapshots at each window's edge: CPU per request by window does not depend on what else
  // the machine runs, so it tells whether ingest itself stays flat as the tables grow.
  const snapshots: (CpuSnapshot | undefined)[] = [];
  let started = 0;
  let timer: NodeJS.Timeout | undefined;
  return {
    async start() {
      snapshots.push(await cpuSource?.());
      timer = setInterval(() => void cpuSource?.().then((s) => snapshots.push(s)), WINDOW_S * 1000);
    },
    stop: () => clearInterval(timer),
    onResponse(_status: number, latencyMs: number) {
      const now = performance.now();
      started ||= now;
      buckets[Math.floor((now - started) / 1000 / WINDOW_S)]?.push(latencyMs);
    },
    windows: (): Window[] =>
      buckets.map((b, i) => {
        const [a, z] = [snapshots[i], snapshots[i + 1]];
        const cpu = a && z ? cpuCost(a, z) : undefined;
        return {
          from: i * WINDOW_S,
          rps: b.length / WINDOW_S,
          p99: percentile(b, 99),
          nodeUs: cpu ? (cpu.server * 1000) / b.length : NaN,
          pgUs: cpu ? (cpu.postgres * 1000) / b.length : NaN,
        };
      }),
  };
}

/** Fresh deliveries: the documented example with new ids for every request, and who got a 2xx. */
// ---------------------------------------------------------------------------------------------
// The seeded database, kept between runs.

interface Baseline {
  payments: number;
  transactions: number;
  events: number;
  deliveries: number;
}

const maxIds = async (db: pg.Client) =>
  (
    await db.query<{ transactions: number; events: number; deliveries: number }>(`
      SELECT (SELECT coalesce(max(id), 0) FROM transactions)::float8 AS transactions,
             (SELECT coalesce(max(id), 0) FROM payment_events)::float8 AS events,
             (SELECT coalesce(max(id), 0) FROM deliveries)::float8 AS deliveries`)
  ).rows[0];

async function tableExists(db: pg.Client, name: string): Promise<boolean> {
  return (await db.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [name])).rows[0].ok;
}

/** Runs `npm run db:seed` (scripts/seed.ts) on the database: migrations, payments, VACUUM ANALYZE. */
async function seed(url: string, payments: number): Promise<void> {
  console.log(`seeding ${payments.toLocaleString('en-IN')} payments (scripts/seed.ts; about 4 minutes on a busy 2-core machine) …`);
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/seed.ts', '--payments', String(payments)], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: url },
  });
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`db:seed failed (exit ${code})`);
}

/**
 * The database with `payments` payments, seeded on first use. The baseline (the largest ids once
 * seeded) lets every run delete what it added, so the table sizes do not creep from run to run.
 */
async function ensureSeeded(url: string, payments: number): Promise<Baseline> {
  await ensureDatabase(url);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    if (await tableExists(db, BASELINE_TABLE)) {
      const { rows } = await db.query<Baseline>(
        `SELECT payments::float8 AS payments, transactions::float8 AS transactions, events::float8 AS events, deliveries::float8 AS deliveries FROM ${BASELINE_TABLE}`,
      );
      if (rows[0] && rows[0].payments >= payments) return rows[0];
    }
    const have = (await tableExists(db, 'transactions'))
      ? (await db.query<{ n: number }>('SELECT count(*)::float8 AS n FROM transactions')).rows[0].n
      : 0;
    if (have < payments) await seed(url, payments - have);
    // Seeded once: a fresh baseline (also after a seed that a user ran by hand).
    const ids = await maxIds(db);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::float8 AS n FROM transactions');
    await db.query(`DROP TABLE IF EXISTS ${BASELINE_TABLE}`);
    await db.query(`CREATE TABLE ${BASELINE_TABLE} (payments bigint, transactions bigint, events bigint, deliveries bigint, seeded_at timestamptz DEFAULT now())`);
    await db.query(`INSERT INTO ${BASELINE_TABLE} (payments, transactions, events, deliveries) VALUES ($1, $2, $3, $4)`, [
      rows[0].n,
      ids.transactions,
      ids.events,
      ids.deliveries,
    ]);
    await db.query('VACUUM (ANALYZE) transactions, payment_events, deliveries');
    return { payments: rows[0].n, ...ids };
  } finally {
    await db.end();
  }
}

/** Deletes every row past the baseline (a previous run's, even one that was killed) and vacuums. */
async function restoreBaseline(db: pg.Client, baseline: Baseline): Promise<string> {
  const started = performance.now();
  const deleted = { deliveries: 0, events: 0, transactions: 0 };
  await db.query('BEGIN');
  try {
    deleted.deliveries = (await db.query('DELETE FROM deliveries WHERE id > $1', [baseline.deliveries])).rowCount ?? 0;
    deleted.events = (await db.query('DELETE FROM payment_events WHERE id > $1', [baseline.events])).rowCount ?? 0;
    deleted.transactions = (await db.query('DELETE FROM transactions WHERE id > $1', [baseline.transactions])).rowCount ?? 0;
    // The live-page events the run's deliveries wrote (the seed writes none): nothing reads them here.
    await db.query(`DO $$ BEGIN IF to_regclass('live_events') IS NOT NULL THEN TRUNCATE live_events; END IF; END $$`);
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  }
  const total = deleted.deliveries + deleted.events + deleted.transactions;
  // No autovacuum on this machine: without this the next run would start on dead rows.
  if (total) await db.query('VACUUM (ANALYZE) transactions, payment_events, deliveries');
  await db.query(`CREATE TABLE IF NOT EXISTS ${BENCH_FLOOR_TABLE} (id bigserial PRIMARY KEY, body text NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`);
  await db.query(`TRUNCATE ${BENCH_FLOOR_TABLE}`);
  const ms = performance.now() - started;
  return total
    ? `deleted ${deleted.transactions} transactions, ${deleted.events} events, ${deleted.deliveries} deliveries past the baseline, vacuumed (${(ms / 1000).toFixed(1)} s)`
    : 'nothing past the baseline';
}

// ---------------------------------------------------------------------------------------------
// Checks: nothing lost, nothing doubled.

async function countSince(db: pg.Client, baseline: Baseline): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM transactions WHERE id > $1', [baseline.transactions]);
  return rows[0].n;
}

/**
 * autocannon stops its clock with up to one request per connection in flight; the server may
 * still store those. Waiting for the count to stop moving lets them land before we compare.
 */
async function settledCount(db: pg.Client, baseline: Baseline): Promise<number> {
  let last = -1;
  for (;;) {
    const n = await countSince(db, baseline);
    if (n === last) return n;
    last = n;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Every 2xx id stored once, and nothing else but late arrivals (warm-up included). */
async function checkFresh(db: pg.Client, baseline: Baseline, tally: ReturnType<typeof freshDeliveries>['tally']) {
  const total = await settledCount(db, baseline);
  const { rows } = await db.query<{ answered: number; refolded: number; events: number }>(
    `SELECT count(*) FILTER (WHERE transaction_id = ANY($1::text[]))::int AS answered,
            count(*) FILTER (WHERE event_count <> 1)::int AS refolded,
            (SELECT count(*)::int FROM payment_events WHERE id > $3) AS events
       FROM transactions WHERE id > $2`,
    [tally.accepted, baseline.transactions, baseline.events],
  );
  const { answered, refolded, events } = rows[0];
  const unanswered = tally.sent - tally.answered;
  const late = total - answered;
  const ok = answered === tally.accepted.length && refolded === 0 && events === total && late >= 0 && late <= unanswered;
  console.log(
    `fresh check (SQL): ${total} new transactions = ${answered} of ${tally.accepted.length} fresh 2xx ids` +
      ` + ${late} stored after the clock stopped (${unanswered} were in flight); ${events} events,` +
      ` ${refolded} transactions with more than one — ${ok ? 'ok' : 'FAILED'}`,
  );
  return { ok, total };
}

async function checkDuplicates(db: pg.Client, baseline: Baseline, freshTotal: number, seedId: string, accepted: number, inFlight: number) {
  const total = await settledCount(db, baseline);
  const { rows } = await db.query<{ events: number; repeats: number }>(
    `SELECT count(*)::int AS events, coalesce(sum(duplicate_count), 0)::int AS repeats
       FROM payment_events WHERE transaction_id = $1`,
    [seedId],
  );
  const { events, repeats } = rows[0];
  const ok = total === freshTotal + 1 && events === 1 && repeats >= accepted && repeats <= accepted + inFlight;
  console.log(
    `duplicate check (SQL): ${total - freshTotal} transaction added, ${events} event for it, counting ${repeats}` +
      ` repeats for ${accepted} duplicate 2xx (+ up to ${inFlight} in flight at the stop) — ${ok ? 'ok' : 'FAILED'}`,
  );
  return ok;
}

async function checkInserts(db: pg.Client, accepted: number) {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${BENCH_FLOOR_TABLE}`);
  // The warm-up's inserts are in the table too.
  const ok = rows[0].n >= accepted;
  console.log(`insert check (SQL): ${rows[0].n} rows for ${accepted} insert 2xx (warm-up included) — ${ok ? 'ok' : 'FAILED'}`);
  return ok;
}

// ---------------------------------------------------------------------------------------------

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** What else is using the CPUs, for the record: processes above 5% over the last half second (top). */
function busiestProcesses(): string {
  try {
    const out = execFileSync('top', ['-b', '-n', '2', '-d', '0.5', '-o', '%CPU', '-w', '200'], { encoding: 'utf8' });
    const lines = out.split('\n');
    const header = lines.findLastIndex((l) => /^\s*PID\s/.test(l));
    return (
      lines
        .slice(header + 1)
        .map((l) => l.trim().split(/\s+/))
        .filter((cols) => cols.length >= 12 && Number(cols[8]) >= 5)
        .map((cols) => `${cols.slice(11).join(' ')} ${Math.round(Number(cols[8]))}%`)
        .join(', ') || 'none above 5%'
    );
  } catch {
    return 'top unavailable';
  }
}

function report(figures: Figures[], windows: Window[], o: ReturnType<typeof options>) {
  const get = (name: string) => figures.find((f) => f.name === name)!;
  const [liveBefore, liveAfter, echo, insert, fresh, dup] = ['live', 'live (after)', 'echo', 'insert', 'fresh', 'duplicate'].map(get);
  const live = (liveBefore.rps + liveAfter.rps) / 2;

  const perRequest = (f: Figures, ms: number | undefined) => fmt(((ms ?? NaN) * 1000) / f.total);
  const rows = [
    ['scenario', 's', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'load', 'node µs', 'pg µs', 'client µs', 'result'],
    ...figures.map((f) => [
      f.name,
      String(f.name === 'fresh' ? o.duration : o.floor),
      fmt(f.rps, 1),
      fmt(f.p50),
      fmt(f.p99),
      String(f.non2xx),
      String(f.errors),
      fmt(f.load, 1),
      perRequest(f, f.cpu?.server),
      perRequest(f, f.cpu?.postgres),
      perRequest(f, f.cpu?.client),
      f.failed ? 'FAILED' : 'ok',
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\n${CONNECTIONS} connections, no pipelining, ${WARMUP_S} s warm-up before each; load = 1-minute load average at its end;`);
  console.log('µs = CPU time per request of the Next server process, of its Postgres backends (sum), and of autocannon');
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));

  console.log(`\nfresh by ${WINDOW_S} s window:`);
  console.log('  window     req/s  p99 ms  node µs/req  pg µs/req');
  for (const w of windows) {
    console.log(
      `  ${String(w.from).padStart(3)}–${String(w.from + WINDOW_S).padEnd(3)} s ${fmt(w.rps, 1).padStart(7)} ${fmt(w.p99).padStart(7)} ${fmt(w.nodeUs).padStart(12)} ${fmt(w.pgUs).padStart(10)}`,
    );
  }

  const first = windows[0];
  const last = windows[windows.length - 1];
  const drift = windows.length >= 2 ? last.rps / first.rps : NaN;
  console.log(`\nratios (live = mean of the two live runs, ${fmt(live, 1)} req/s):`);
  const lines: [string, string, string, boolean | null][] = [
    ['fresh / live', fmt(fresh.rps / live, 2), `≥ ${TARGETS.freshOverLive}`, fresh.rps / live >= TARGETS.freshOverLive],
    ['echo / live', fmt(echo.rps / live, 2), '(floor)', null],
    ['insert / live', fmt(insert.rps / live, 2), '(floor)', null],
    ['fresh / insert', fmt(fresh.rps / insert.rps, 2), '', null],
    ['fresh p99', `${fmt(fresh.p99)} ms`, `≤ ${TARGETS.p99Ms} ms`, fresh.p99 <= TARGETS.p99Ms],
    [
      `last/first ${WINDOW_S} s`,
      fmt(drift, 2),
      `within ${TARGETS.drift * 100}%`,
      Number.isFinite(drift) ? Math.abs(drift - 1) <= TARGETS.drift : null,
    ],
    [`  (p99 first/last)`, `${fmt(first?.p99)}/${fmt(last?.p99)} ms`, '', null],
    // What the machine cannot disturb: the cost of one delivery at the end against the start.
    [`  pg µs last/first`, fmt(last?.pgUs / first?.pgUs, 2), '', null],
    [`  node µs last/first`, fmt(last?.nodeUs / first?.nodeUs, 2), '', null],
    ['duplicate / fresh', fmt(dup.rps / fresh.rps, 2), '', null],
  ];
  for (const [what, value, target, met] of lines) {
    console.log(`  ${what.padEnd(19)} ${value.padStart(10)}   ${target.padEnd(11)} ${met === null ? '' : met ? 'met' : 'MISSED'}`);
  }
  for (const f of figures.filter((f) => f.failed)) console.log(`${f.name} FAILED: ${f.codes}`);
}

async function main(): Promise<number> {
  const o = options();
  cleanupOnSignals();
  await ensureBuild({ force: o.build });

  const serverUrl = process.env.BENCH_DATABASE_URL || DEFAULT_SERVER;
  const name = `payops_bench_webhook_${o.payments === 1_000_000 ? '1m' : o.payments}`;
  const dbUrl = new URL(serverUrl);
  dbUrl.pathname = `/${name}`;
  const url = dbUrl.href;
  const baseline = await ensureSeeded(url, o.payments);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  onCleanup('close database client', () => db.end());
  console.log(`before: ${await restoreBaseline(db, baseline)}`);
  onCleanup('delete what this run added', async () => console.log(`after: ${await restoreBaseline(db, baseline)}`));

  const secret = randomToken(24);
  const server = spawnServer(await freePort(), {
    DATABASE_URL: url,
    ENKASH_WEBHOOK_SECRET: secret,
    AUTH_SECRET: randomToken(32), PAYOPS_ENCRYPTION_KEY: randomToken(32), AUDIT_HMAC_KEY: randomToken(32),
    PAYOPS_API_TOKEN: randomToken(),
    PAYOPS_BENCH_ROUTES: '1',
  });
  onCleanup('stop server', server.stop);
  await server.ready();

  const { rows } = await db.query<{ server_version: string; autovacuum: string }>(
    `SELECT current_setting('server_version') AS server_version, current_setting('autovacuum') AS autovacuum`,
  );
  const cpus = os.cpus();
  const health = (await (await fetch(`${server.url}/api/health`)).json()) as { statistics?: unknown };
  console.log(
    `machine: ${os.availableParallelism()} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, ` +
      `PostgreSQL ${rows[0].server_version} (autovacuum ${rows[0].autovacuum}); client, server and database share them`,
  );
  console.log(`command: ${commandLine()}; ${new Date().toISOString()}`);
  console.log(`server: ${server.url} (next start), database ${name}: ${baseline.payments.toLocaleString('en-IN')} payments`);
  console.log(`/api/health statistics: ${JSON.stringify(health.statistics ?? null)}`);
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; busiest processes (%CPU): ${busiestProcesses()}\n`);

  cpuAccounting(db, name, server.pid);
  const echoCheck = await fetch(`${server.url}/api/bench/echo`, { method: 'POST', body: DOCUMENTED_EXAMPLE });
  if (echoCheck.status !== 200) throw new Error(`POST /api/bench/echo answered ${echoCheck.status}: the build predates the floor routes; run with --build`);

  const post = { method: 'POST', headers: { 'content-type': 'application/json' } };
  const notify = { ...post, url: `${server.url}${NOTIFY_PATH}?key=${secret}` };
  const figures: Figures[] = [];
  const targets = {
    live: { url: `${server.url}/api/health/live` },
    echo: { ...post, url: `${server.url}/api/bench/echo`, body: DOCUMENTED_EXAMPLE },
    insert: { ...post, url: `${server.url}/api/bench/insert`, body: DOCUMENTED_EXAMPLE },
  };
  // Every route once before anything is measured: the first requests load route modules and
  // compile, which would otherwise land in whichever scenario runs first.
  process.stdout.write(`warm-up: ${WARMUP_S} s each of live, echo, insert and fresh … `);
  // One tally for every fresh delivery, warm-ups included: the check accounts for each of them.
  const fresh = freshDeliveries();
  for (const t of [targets.live, targets.echo, targets.insert, { ...notify, requests: [fresh.request] }]) {
    await cannon({ ...t, connections: CONNECTIONS, pipelining: 1, duration: WARMUP_S });
  }
  console.log('done');
  figures.push(await scenario('live', targets.live, o.floor));
  figures.push(await scenario('echo', targets.echo, o.floor));
  const insert = await scenario('insert', targets.insert, o.floor);
  figures.push(insert);
  const insertOk = await checkInserts(db, insert.ok);

  const byWindow = windowed(o.duration);
  const counters = await serverCounters(db);
  const freshFigures = await scenario('fresh', { ...notify, requests: [fresh.request] }, o.duration, byWindow);
  figures.push(freshFigures);
  const server_ = await serverDelta(db, counters);
  const serverNote =
    `during the fresh run the server (every database on it) took ${server_.checkpoints} checkpoint(s) and wrote ` +
    `${(server_.walBytes / 1e6).toFixed(0)} MB of WAL, ${fmt(server_.walBytes / freshFigures.total)} bytes per fresh delivery`;
  const freshCheck = await checkFresh(db, baseline, fresh.tally);

  // The documented example itself, stored once so that every request measured is a duplicate.
  const seedRes = await fetch(notify.url, { method: 'POST', headers: notify.headers, body: DOCUMENTED_EXAMPLE });
  if (!seedRes.ok) throw new Error(`the duplicate seed was refused: ${seedRes.status} ${await seedRes.text()}`);
  const dup = { sent: 0, answered: 0, accepted: 0 };
  const dupRequest = {
    body: DOCUMENTED_EXAMPLE,
    setupRequest(req: object) {
      dup.sent++;
      return req;
    },
    onResponse(status: number) {
      dup.answered++;
      if (status >= 200 && status < 300) dup.accepted++;
    },
  };
  figures.push(await scenario('duplicate', { ...notify, requests: [dupRequest] }, o.floor));
  const seedId = JSON.parse(DOCUMENTED_EXAMPLE).transactionId as string;
  const dupOk = await checkDuplicates(db, baseline, freshCheck.total, seedId, dup.accepted, dup.sent - dup.answered);
  figures.push(await scenario('live (after)', targets.live, o.floor));

  report(figures, byWindow.windows(), o);
  console.log(`\n${serverNote}`);
  console.log(`\nload average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; busiest processes (%CPU): ${busiestProcesses()}`);
  if (server.stderr.length) {
    console.log(`\nthe server wrote ${server.stderr.length} line(s) to stderr${server.stderr.length > 10 ? '; the first 10' : ''}:`);
    for (const line of server.stderr.slice(0, 10)) console.log(`  ${line}`);
  }
  return figures.some((f) => f.failed) || !freshCheck.ok || !dupOk || !insertOk ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`\nbench:webhook: ${(err as Error).message}`);
} finally {
  await cleanup();
}
process.exit(code);
