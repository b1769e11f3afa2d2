// npm run bench:alerts [-- --runs N] [--deliveries N] — every alert rule's measurement against a
// seeded database (npm run db:seed): p50/p95 of the rule's query function and the EXPLAIN ANALYZE
// of each statement it sends. The rules run once a minute on every instance, so each must stay a
// few index ranges however large deliveries and transactions grow. Exits 1 when a plan reads a
// whole PayOps table (a Seq Scan on it), never because a timing was slow.
import { parseArgs } from 'node:util';
import { sql, type SQL } from 'drizzle-orm';
import { openDb, queryRows, type Db } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { DEFAULT_ALERT_CONFIG } from '@/lib/alerts/config';
import { ALERT_RULES } from '@/lib/alerts/rules';
import { percentile, redactUrl, runBenchmark } from './lib';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/payops_bench_1m';
const USAGE = `Usage: npm run bench:alerts [-- --runs N] [--deliveries N]

Measures every alert rule against BENCH_DATABASE_URL, else DATABASE_URL, else ${DEFAULT_URL}
(seed it first: DATABASE_URL=… npm run db:seed -- --payments 1000000). The seed writes no webhook
deliveries: --deliveries N first tops the deliveries table up to N synthetic rows over the last 90
days (80% Enkash, 2% refused, 0.1% status conflicts), kept for later runs.`;

// PayOps' big tables: reading one whole, once a minute per instance, is the failure this looks for.
const BIG_TABLES = ['deliveries', 'transactions', 'payment_events', 'otp_attempts'];

function explaining(db: Db, plans: string[]): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'execute') return Reflect.get(target, prop, receiver);
      return async (query: SQL) => {
        const rows = await queryRows<{ 'QUERY PLAN': string }>(target, sql`EXPLAIN (ANALYZE, BUFFERS) ${query}`);
        plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
        return target.execute(query);
      };
    },
  });
}

const executionMs = (plan: string) => Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
const indexesUsed = (plan: string) => [...new Set([...plan.matchAll(/(?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)/g)].map((m) => m[1]))];
const seqScans = (plan: string) => [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]).filter((t) => BIG_TABLES.includes(t));

async function topUpDeliveries(db: Db, target: number): Promise<void> {
  const [{ n }] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM deliveries`);
  if (n >= target) return;
  const add = target - n;
  console.log(`adding ${add.toLocaleString('en-IN')} synthetic deliveries over the last 90 days…`);
  const started = performance.now();
  await db.execute(sql`
    INSERT INTO deliveries (provider, received_at, auth, outcome, http_status, effect)
    SELECT CASE WHEN random() < 0.8 THEN 'enkash' ELSE 'juspay' END,
           now() - (g::float8 / ${add}::float8) * interval '90 days', 'ok',
           CASE WHEN r < 0.95 THEN 'accepted' WHEN r < 0.98 THEN 'duplicate' ELSE 'rejected' END,
           CASE WHEN r < 0.98 THEN 200 WHEN r < 0.99 THEN 401 ELSE 400 END,
           CASE WHEN r < 0.001 THEN 'conflict' WHEN r < 0.95 THEN 'created' END
      FROM (SELECT g, random() AS r FROM generate_series(1, ${add}::int) g) s`);
  // PayOps analyses its own tables when autovacuum is off (db/analyze.ts); so does this.
  await db.execute(sql`ANALYZE deliveries`);
  console.log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' }, deliveries: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = Number(values.runs);
  const url = process.env.BENCH_DATABASE_URL?.trim() || process.env.DATABASE_URL?.trim() || DEFAULT_URL;
  const handle = await openDb({ databaseUrl: url, poolMax: 1, timeoutMs: 600_000 });
  try {
    await migrateDb(handle, url);
    const db = handle.db;
    if (values.deliveries) await topUpDeliveries(db, Number(values.deliveries));
    const [size] = await queryRows<{ t: number; d: number }>(db, sql`SELECT (SELECT count(*) FROM transactions)::int AS t, (SELECT count(*) FROM deliveries)::int AS d`);
    console.log(`${redactUrl(url)}: ${size.t.toLocaleString('en-IN')} payments, ${size.d.toLocaleString('en-IN')} deliveries; ${runs} runs per rule\n`);

    let failed = false;
    const now = new Date();
    for (const rule of ALERT_RULES) {
      const ctx = { now, config: DEFAULT_ALERT_CONFIG };
      const plans: string[] = [];
      await rule.measure(explaining(db, plans), ctx);
      await rule.measure(db, ctx);
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await rule.measure(db, ctx);
        samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      const scans = plans.flatMap(seqScans);
      if (scans.length) failed = true;
      console.log(
        `${rule.name.padEnd(22)} p50 ${percentile(samples, 50).toFixed(1).padStart(6)} ms  p95 ${percentile(samples, 95).toFixed(1).padStart(6)} ms  ` +
          `server ${plans.map(executionMs).map((ms) => ms.toFixed(1)).join(' + ')} ms  indexes: ${plans.flatMap(indexesUsed).join(', ') || '—'}` +
          (scans.length ? `  !! Seq Scan on ${scans.join(', ')}` : ''),
      );
      if (process.env.BENCH_PLANS) for (const plan of plans) console.log(`${plan}\n`);
    }
    return failed ? 1 : 0;
  } finally {
    await handle.close();
  }
}

runBenchmark(main);
