// npm run bench:finance -- [--db URL] [--sizes 1m,10m] [--runs 40] [--pages] [--ingest N] [--skip-seed] [--skip-settlements] [--skip-export]
// Finance at scale, on one kept database (default …/payops_fin_bench): seeds it up to each size
// (db:seed's generator, lean: no payment events and only the indexes the finance paths use), then
// prints /finance's query p50/p95 per range (and, with --pages, the signed-in page's on `next start`), finance:verify's time, and at the first size the
// settlement sync + reconciliation of 30 days of payouts (the simulator in process) and the CSV
// export rate with its peak memory. Figures only; it never fails on a target.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { openDb, queryRows, type Db, type DbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { exportPaymentsCsv } from '@/lib/finance/export';
import { financeRangeFromParams, addDays, todayIst } from '@/lib/finance/range';
import { financeTotals } from '@/lib/finance/totals';
import { verifyFinanceRollup } from '@/lib/finance/verify';
import { transactionSearchSchema } from '@/lib/payments/search-params';
import { syncSettlements } from '@/lib/settlements/sync';
import { mdrRates } from '@/db/schema';
import { SIM_MDR_PERCENT } from '@/sandbox/settlements';
import { startSandboxWithProviders } from '@/sandbox/testing';
import { ensureDatabase, seedPayments } from '@/scripts/seed';
import { getUserByEmail, insertUser, setPassword, updateUser } from '@/lib/auth/users';
import { ensureBuild, freePort, onCleanup, percentile, randomToken, redactUrl, runBenchmark, signIn, spawnServer } from './lib';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/payops_fin_bench';
const RANGES = [1, 7, 30, 90, 366];
const TARGET = { p95Ms: 150, syncSeconds: 60, exportRowsPerSecond: 50_000 };
// Indexes for the payments search only (the finance paths read the rollup, the (txn_at, id) index
// for the export and the (transaction_id, provider) key for reconciliation): dropped for the load.
const SEARCH_ONLY_INDEXES = [
  'transactions_status_txn_at_idx', 'transactions_payment_mode_txn_at_idx', 'transactions_card_last4_txn_at_idx',
  'transactions_provider_txn_at_idx', 'transactions_final_amount_idx', 'transactions_amount_sort_idx',
  'transactions_unique_transaction_id_idx', 'transactions_transaction_id_lower_idx', 'transactions_unique_transaction_id_lower_idx',
  'transactions_order_id_lower_idx', 'transactions_bank_transaction_id_lower_idx', 'transactions_cardholder_name_trgm_idx',
  'transactions_sweep_idx', 'transactions_mismatch_verified_at_idx', 'transactions_flagged_txn_at_idx',
];

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const ms = (n: number) => `${n.toFixed(1)} ms`;
const count = (n: number) => n.toLocaleString('en-IN');
const parseSize = (v: string) => {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(v.trim());
  if (!m) throw new Error(`not a size: ${v}`);
  return Math.round(Number(m[1]) * (m[2].toLowerCase() === 'm' ? 1e6 : m[2].toLowerCase() === 'k' ? 1e3 : 1));
};

async function payments(db: Db): Promise<number> {
  const [{ n }] = await queryRows<{ n: string }>(db, sql`SELECT count(*)::text AS n FROM transactions`);
  return Number(n);
}

async function seedTo(handle: DbHandle, size: number) {
  const have = await payments(handle.db);
  if (have >= size) {
    console.log(`  holds ${count(have)} payments already: no seeding`);
    return;
  }
  for (const name of SEARCH_ONLY_INDEXES) await handle.db.execute(sql.raw(`DROP INDEX IF EXISTS ${name}`));
  const started = performance.now();
  let last = started;
  // The rollup triggers run in every batch's statement: the load measures them too.
  await seedPayments(handle.db, {
    payments: size - have,
    events: false,
    onBatch(done, total) {
      const now = performance.now();
      if (done % 1_000_000 === 0 || done === total) console.log(`    ${count(have + done).padStart(12)}  (${((now - last) / 1000).toFixed(1)} s, load ${load()})`);
      if (done % 1_000_000 === 0) last = now;
    },
  });
  const loaded = performance.now();
  await handle.db.execute(sql`VACUUM (ANALYZE) transactions`);
  await handle.db.execute(sql`VACUUM (ANALYZE) finance_daily`);
  const done = performance.now();
  console.log(
    `  seeded ${count(size - have)} payments in ${((loaded - started) / 1000).toFixed(1)} s (${count(Math.round((size - have) / ((loaded - started) / 1000)))}/s), ` +
      `VACUUM ANALYZE ${((done - loaded) / 1000).toFixed(1)} s, total ${((done - started) / 1000).toFixed(1)} s`,
  );
}

async function timeFinance(db: Db, runs: number) {
  console.log(`  /finance totals query (financeTotals: the page's only database work), ${runs} runs per range after 3 warm-ups:`);
  const rows: Record<number, { p50: number; p95: number }> = {};
  for (const days of RANGES) {
    const to = todayIst();
    const range = financeRangeFromParams({ from: addDays(to, 1 - days), to }).range;
    const samples: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      const t = performance.now();
      await financeTotals(db, range);
      if (i >= 3) samples.push(performance.now() - t);
    }
    rows[days] = { p50: percentile(samples, 50), p95: percentile(samples, 95) };
    console.log(`    ${String(days).padStart(3)} days  p50 ${ms(rows[days].p50).padStart(9)}  p95 ${ms(rows[days].p95).padStart(9)}  (target p95 ≤ ${TARGET.p95Ms} ms)`);
  }
  const [{ n }] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM finance_daily`);
  console.log(`    rollup rows: ${count(n)}`);
  return rows;
}

const BENCH_EMAIL = 'bench-finance@payops.local';

/** The signed-in /finance page itself on a production server (`next start`): what a person waits for. */
async function timePages(db: Db, url: string, runs: number) {
  await ensureBuild();
  const password = randomToken(16);
  const existing = await getUserByEmail(db, BENCH_EMAIL);
  if (existing) {
    await updateUser(db, existing.id, { role: 'finance', active: true });
    await setPassword(db, existing.id, password);
  } else await insertUser(db, { email: BENCH_EMAIL, name: 'Finance benchmark', role: 'finance', password });
  const server = spawnServer(await freePort(), {
    DATABASE_URL: url, AUTH_SECRET: randomToken(32), PAYOPS_ENCRYPTION_KEY: randomToken(32), AUDIT_HMAC_KEY: randomToken(32),
    // The page is what is measured, not the sign-in: no second factor for the bench's user.
    TWO_FACTOR_REQUIRED_ROLES: '', ENKASH_WEBHOOK_SECRET: randomToken(24), JOB_WORKERS: 'off',
  });
  onCleanup('stop server', server.stop);
  try {
    await server.ready();
    const jar = await signIn(server.url, BENCH_EMAIL, password);
    console.log(`  /finance page (signed-in GET on next start, whole HTML), ${runs} runs per range after 3 warm-ups:`);
    for (const days of RANGES) {
      const to = todayIst();
      const query = `from=${addDays(to, 1 - days)}&to=${to}`;
      const samples: number[] = [];
      for (let i = 0; i < runs + 3; i++) {
        const t = performance.now();
        const res = await fetch(`${server.url}/finance?${query}`, { headers: { cookie: jar.header() }, redirect: 'manual' });
        jar.store(res);
        await res.text();
        if (res.status !== 200) throw new Error(`GET /finance?${query} answered ${res.status}`);
        if (i >= 3) samples.push(performance.now() - t);
      }
      console.log(`    ${String(days).padStart(3)} days  p50 ${ms(percentile(samples, 50)).padStart(9)}  p95 ${ms(percentile(samples, 95)).padStart(9)}  (target p95 ≤ ${TARGET.p95Ms} ms)`);
    }
  } finally {
    await server.stop();
  }
}

/**
 * What the rollup costs the webhook: the ingest's one statement, with the rollup triggers enabled
 * and disabled, alternating blocks, one at a time and 8 at once (all on today's rows, so the
 * concurrent ones meet on the same rollup rows).
 */
async function timeIngest(db: Db, perMode: number) {
  const { enkashPayment } = await import('@/lib/settlements/testing');
  const triggers = ['transactions_finance_insert', 'transactions_finance_update'];
  const set = (on: boolean) => Promise.all(triggers.map((t) => db.execute(sql.raw(`ALTER TABLE transactions ${on ? 'ENABLE' : 'DISABLE'} TRIGGER ${t}`))));
  const txnDate = new Date(Date.now() + 330 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
  let n = 0;
  const one = async () => {
    const id = `EKBENCHINGEST${Date.now()}${n++}`;
    const t = performance.now();
    await enkashPayment(db, null, { id, amount: '1499.50', mode: 'UPI', txnDate, status: 'SUCCESS' });
    return performance.now() - t;
  };
  const result: Record<string, { lat: number[]; ms: number; count: number }> = {};
  try {
    for (let block = 0; block < 6; block++) {
      for (const on of [true, false]) {
        await set(on);
        for (const conc of [1, 8]) {
          const key = `${on ? 'with' : 'without'} rollup, ${conc} at once`;
          const r = (result[key] ??= { lat: [], ms: 0, count: 0 });
          const t = performance.now();
          const per = Math.ceil(perMode / 6 / conc);
          await Promise.all(Array.from({ length: conc }, async () => {
            for (let i = 0; i < per; i++) r.lat.push(await one());
          }));
          r.ms += performance.now() - t;
          r.count += per * conc;
        }
      }
    }
  } finally {
    await set(true);
  }
  console.log(`  webhook ingest (ingestClaim, one Enkash SUCCESS each), alternating blocks:`);
  for (const [k, r] of Object.entries(result)) {
    console.log(`    ${k.padEnd(30)} p50 ${ms(percentile(r.lat, 50)).padStart(8)}  p95 ${ms(percentile(r.lat, 95)).padStart(8)}  ${count(Math.round(r.count / (r.ms / 1000)))}/s`);
  }
  // The ingests made while the triggers were off are not in the rollup: rebuild it from the payments.
  await db.execute(sql`DELETE FROM finance_daily`);
  await db.execute(sql`INSERT INTO finance_daily SELECT * FROM finance_daily_expected`);
}

async function timeVerify(db: Db) {
  const t = performance.now();
  const { rows, differences } = await verifyFinanceRollup(db);
  console.log(`  finance:verify: ${count(rows)} rollup rows, ${differences.length} difference(s), ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function timeSettlements(db: Db) {
  const since = new Date(Date.now() - 30 * 86_400_000);
  const { sandbox, providers } = await startSandboxWithProviders({ timeoutMs: 120_000 });
  try {
    // A first sync, every time: the payouts of an earlier run are forgotten (a benchmark database).
    await db.execute(sql`TRUNCATE settlement_payouts, settlement_lines, settlement_exceptions`);
    await db.delete(mdrRates);
    await db.insert(mdrRates).values(Object.entries(SIM_MDR_PERCENT).map(([paymentMode, percent]) => ({ paymentMode, percent, effectiveFrom: '2020-01-01', createdBy: 'bench' })));
    // The simulator learns the last 30 days' payments (and 3 before, for the first payouts).
    const rows = await queryRows<{ id: string; status: string; amount: string; mode: string; at: string }>(
      db,
      sql`SELECT transaction_id AS id, status, final_amount::text AS amount, payment_mode AS mode,
                 to_char(txn_at AT TIME ZONE 'Asia/Kolkata', 'YYYY-MM-DD HH24:MI:SS') AS at
          FROM transactions WHERE provider = 'enkash' AND txn_at >= ${new Date(since.getTime() - 3 * 86_400_000).toISOString()}::timestamptz`,
    );
    for (const r of rows) {
      sandbox.control.registerPayment({ provider: 'enkash', id: r.id, status: r.status, amount: r.amount, payload: { txnDate: r.at, finalAmount: r.amount, paymentMode: r.mode } });
    }
    console.log(`  settlements: the simulator knows ${count(rows.length)} payments of the last 33 days (default fault chances per payout)`);
    for (const label of ['first sync', 're-sync (nothing new)']) {
      const t = performance.now();
      const r = await syncSettlements(db, providers(), { since, actor: 'bench', settings: { dueDays: { default: 3, modes: {} }, feeTolerance: '0.10' } });
      const s = (performance.now() - t) / 1000;
      console.log(
        `    ${label}: ${r.payouts} payouts, ${count(r.lines)} lines, ${r.created} new, ${r.changed} changed; reconciliation ${JSON.stringify(r.reconcile.outcomes)}; ` +
          `exceptions opened ${r.reconcile.opened}, cleared ${r.reconcile.cleared} — ${s.toFixed(1)} s (target < ${TARGET.syncSeconds} s; load ${load()})`,
      );
    }
  } finally {
    await sandbox.close();
  }
}

async function timeExport(db: Db) {
  const search = transactionSearchSchema.parse({});
  let rows = 0;
  let bytes = 0;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const before = process.memoryUsage().rss;
  const t = performance.now();
  const reader = exportPaymentsCsv(db, search).getReader();
  const newline = 0x0a;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (let i = 0; i < value.length; i++) if (value[i] === newline) rows++;
  }
  clearInterval(sampler);
  const s = (performance.now() - t) / 1000;
  console.log(
    `  CSV export of every payment: ${count(rows - 1)} rows, ${(bytes / 1e6).toFixed(0)} MB in ${s.toFixed(1)} s = ${count(Math.round((rows - 1) / s))} rows/s ` +
      `(target ≥ ${count(TARGET.exportRowsPerSecond)}); RSS ${(before / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB`,
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: process.env.BENCH_DATABASE_URL || DEFAULT_URL },
      sizes: { type: 'string', default: '1m,10m' },
      runs: { type: 'string', default: '40' },
      'skip-seed': { type: 'boolean', default: false },
      'skip-settlements': { type: 'boolean', default: false },
      'skip-export': { type: 'boolean', default: false },
      pages: { type: 'boolean', default: false },
      ingest: { type: 'string', default: '0' },
    },
  });
  const url = values.db!;
  const sizes = values.sizes!.split(',').map(parseSize).sort((a, b) => a - b);
  const runs = Number(values.runs);
  console.log(`bench:finance on ${redactUrl(url)}; sizes ${sizes.map(count).join(', ')}; ${os.cpus().length} CPUs; load ${load()}`);
  if (await ensureDatabase(url)) console.log('created the database');
  const handle = await openDb({ databaseUrl: url, poolMax: 4, timeoutMs: 1_800_000 });
  try {
    await migrateDb(handle, url);
    for (const [i, size] of sizes.entries()) {
      console.log(`\n== ${count(size)} payments (load ${load()})`);
      if (!values['skip-seed']) await seedTo(handle, size);
      await handle.db.execute(sql`ANALYZE finance_daily`);
      await timeFinance(handle.db, runs);
      if (values.pages) await timePages(handle.db, url, runs);
      if (Number(values.ingest) > 0) await timeIngest(handle.db, Number(values.ingest));
      await timeVerify(handle.db);
      if (i === 0 && !values['skip-export']) await timeExport(handle.db);
      if (i === 0 && !values['skip-settlements']) await timeSettlements(handle.db);
    }
    console.log(`\nload at the end ${load()}`);
    return 0;
  } finally {
    await handle.close();
  }
}

runBenchmark(main);
