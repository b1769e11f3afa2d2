// npm run bench:search [-- --runs N] [--no-render] [--build] — every search shape of the payments
// list against a seeded database (npm run db:seed): p50/p95 of the real query function, the
// EXPLAIN ANALYZE of the SQL it sends, and p50/p95 of the signed-in /payments page on a production
// server. Prints figures and targets; exits 1 when a plan scans the whole transactions table or a
// request fails, never because a timing target was missed.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Db } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import * as schema from '@/db/schema';
import { getUserByEmail, insertUser, setPassword, updateUser } from '@/lib/auth/users';
import { searchTransactions } from '@/lib/payments/queries';
import { searchFromParams, transactionSearchSchema, type TransactionSearch } from '@/lib/payments/search-params';
import { cleanup, cleanupOnSignals, ensureBuild, freePort, onCleanup, percentile, randomToken, redactUrl, signIn, spawnServer, type CookieJar } from './lib';

/**
 * The shapes, as the query strings /payments receives. `{name}` placeholders are filled from a
 * payment in the middle of the dataset. A shape naming a parameter the search schema does not
 * have (yet) is reported as skipped, never run unfiltered.
 */
const SHAPES: { name: string; query: string }[] = [
  { name: 'first page', query: '' },
  { name: 'id: transactionId', query: 'q={transactionId}' },
  { name: 'id: uniqueTransactionId', query: 'q={uniqueTransactionId}' },
  { name: 'id: orderId', query: 'q={orderId}' },
  { name: 'id: bankTransactionId', query: 'q={bankTransactionId}' },
  { name: 'last four', query: 'q={last4}' },
  { name: 'name: Iyer', query: 'q=Iyer' },
  { name: 'name: har', query: 'q=har' },
  { name: 'name: full, rare', query: 'q={fullName}' },
  { name: 'status', query: 'status=FAILED' },
  { name: 'paymentMode', query: 'paymentMode=NET_BANKING' },
  { name: 'provider: every row', query: 'provider=enkash' },
  { name: 'provider: no row', query: 'provider=juspay' },
  { name: 'one IST day', query: 'from={day}&to={day}' },
  { name: 'amount: wide', query: 'minAmount=1000&maxAmount=2000' },
  { name: 'amount: narrow', query: 'minAmount=4999&maxAmount=5001' },
  { name: 'flagged only', query: 'flagged=1' },
  { name: 'status+mode+day', query: 'status=SUCCESS&paymentMode=UPI&from={day}&to={day}' },
  { name: 'status+mode+day, rare', query: 'status=CANCELLED&paymentMode=CORPORATE_CARD&from={day}&to={day}' },
  { name: 'deep page', query: 'cursor={deepCursor}' },
  // Issue 13: ids in any case and by their beginning, amounts and words in the box, the orders.
  { name: 'id: transactionId, lower case', query: 'q={transactionIdLower}' },
  { name: 'id: orderId, lower case', query: 'q={orderIdLower}' },
  { name: 'id: transactionId prefix (10)', query: 'q={transactionIdPrefix}' },
  { name: 'id: bankTransactionId prefix (8)', query: 'q={bankPrefix}' },
  { name: 'two letters', query: 'q=ab' },
  { name: 'amount typed', query: 'q={amount}' },
  { name: 'words: status:failed mode:upi', query: 'q=status%3Afailed+mode%3Aupi' },
  { name: 'words: >5000', query: 'q=%3E5000' },
  { name: 'sort: oldest', query: 'sort=oldest' },
  { name: 'sort: amount desc', query: 'sort=amount_desc' },
  { name: 'sort: amount asc, failed', query: 'sort=amount_asc&status=FAILED' },
];
const DEEP_PAGES = 200;
// Deep vs first: timed alternately, so both see the same machine; the slack absorbs noise.
const TARGET = { queryP95: 20, renderP95: 250, deepRatio: 1.25, deepSlackMs: 0.5 };
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/payops_bench_1m';
const BENCH_EMAIL = 'bench-finance@payops.local';

const USAGE = `Usage: npm run bench:search [-- --runs N] [--warmup N] [--no-render] [--build]

Runs every search shape against BENCH_DATABASE_URL, else DATABASE_URL, else ${DEFAULT_URL}
(seed it first: DATABASE_URL=… npm run db:seed -- --payments 1000000). Times the query function N
times per shape (default 50, after 5 warm-ups), EXPLAIN ANALYZEs its SQL, then starts the
production build on that database (--build rebuilds it first) and times GET /payments per shape.`;

interface Pair {
  first: number;
  deep: number;
}

interface Result {
  name: string;
  query: string;
  skipped?: string;
  rows?: number;
  q50?: number;
  q95?: number;
  r50?: number;
  r95?: number;
  bytes?: number;
  plan?: string;
  execMs?: number;
  seqScan?: boolean;
  error?: string;
}

function options() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '5' },
      'no-render': { type: 'boolean' },
      build: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(warmup) || warmup < 0) throw new Error('--runs and --warmup must be whole numbers');
  return { runs, warmup, render: !values['no-render'], build: !!values.build };
}

/** A drizzle database whose SQL can be caught while the real query function runs. */
function loggingDb(pool: pg.Pool) {
  let sink: { query: string; params: unknown[] }[] | undefined;
  const db = drizzle(pool, { schema, logger: { logQuery: (query, params) => sink?.push({ query, params }) } }) as unknown as Db;
  return {
    db,
    async capture(run: () => Promise<unknown>) {
      const caught: { query: string; params: unknown[] }[] = [];
      sink = caught;
      try {
        await run();
      } finally {
        sink = undefined;
      }
      return caught;
    },
  };
}

// The staff page also matches cardholder names; a query version without that option ignores it.
const staffSearch = (s: TransactionSearch) => Object.assign({ matchNames: true }, s);

function parse(query: string): TransactionSearch {
  const parsed = searchFromParams(new URLSearchParams(query));
  if (!parsed.success) throw new Error(`the search schema refused "${query}": ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return parsed.data;
}

/**
 * `Index Scan Backward using txn_at_id_idx`, or `Sort › Bitmap Heap Scan › BitmapOr(order_id_idx, …)`,
 * from an EXPLAIN text: the nodes in order, index names without the table prefix.
 */
function planSummary(plan: string): string {
  const nodes = plan
    .split('\n')
    .map((line) => /^\s*(?:->\s+)?([A-Z][^(]*?)\s+\(cost=/.exec(line)?.[1])
    .filter((n): n is string => !!n && n !== 'Limit')
    .map((n) => n.replace(/ on transactions$/, '').replace(/\btransactions_/g, ''));
  const out: string[] = [];
  for (const node of nodes) {
    const index = /^Bitmap Index Scan on (.+)$/.exec(node)?.[1];
    const parent = out.at(-1);
    if (index && parent && /^Bitmap(Or|And)/.test(parent)) {
      out[out.length - 1] = parent.endsWith(')') ? `${parent.slice(0, -1)}, ${index})` : `${parent}(${index})`;
    } else {
      out.push(node);
    }
  }
  return out.join(' › ');
}

/** Server-side execution time of each statement, summed, from EXPLAIN ANALYZE. */
const executionMs = (plan: string) => [...plan.matchAll(/Execution Time: ([\d.]+) ms/g)].reduce((sum, m) => sum + Number(m[1]), 0);

async function timed(run: () => Promise<unknown>, runs: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    samples.push(performance.now() - t);
  }
  return samples;
}

/** Times `a` and `b` alternately; returns the p50 of each. */
async function alternately(a: () => Promise<unknown>, b: () => Promise<unknown>, runs: number, warmup: number): Promise<Pair> {
  const [first, deep] = [[] as number[], [] as number[]];
  for (let i = 0; i < warmup + runs; i++) {
    for (const [run, samples] of [[a, first], [b, deep]] as const) {
      const t = performance.now();
      await run();
      if (i >= warmup) samples.push(performance.now() - t);
    }
  }
  return { first: percentile(first, 50), deep: percentile(deep, 50) };
}

/** First page and deep page whose timings can be compared, if both ran. */
function deepPair(results: Result[]): [Result, Result] | undefined {
  const first = results.find((r) => r.name === 'first page' && !r.error && !r.skipped);
  const deep = results.find((r) => r.name === 'deep page' && !r.error && !r.skipped);
  return first && deep ? [first, deep] : undefined;
}

async function sampleValues(pool: pg.Pool): Promise<Record<string, string>> {
  const { rows } = await pool.query<Record<string, string>>(`
    SELECT transaction_id AS "transactionId", unique_transaction_id AS "uniqueTransactionId", order_id AS "orderId",
           bank_transaction_id AS "bankTransactionId", card_last4 AS "last4", cardholder_name AS "fullName",
           to_char(txn_at AT TIME ZONE 'Asia/Kolkata', 'YYYY-MM-DD') AS day,
           lower(transaction_id) AS "transactionIdLower", lower(order_id) AS "orderIdLower",
           left(lower(transaction_id), 10) AS "transactionIdPrefix", left(bank_transaction_id, 8) AS "bankPrefix",
           to_char(final_amount, 'FM99999999999990.00') AS amount
      FROM transactions
     WHERE id >= (SELECT (min(id) + max(id)) / 2 FROM transactions)
       AND card_last4 IS NOT NULL AND cardholder_name IS NOT NULL AND unique_transaction_id IS NOT NULL AND order_id IS NOT NULL AND bank_transaction_id IS NOT NULL
     ORDER BY id LIMIT 1`);
  if (!rows[0]) throw new Error('no card payment to take sample values from: seed the database first');
  return rows[0];
}

/** Follows nextCursor from the first page, through the real schema, `pages` times. */
async function deepCursor(db: Db, pages: number): Promise<string> {
  let cursor = '';
  for (let i = 0; i < pages; i++) {
    const page = await searchTransactions(db, staffSearch(parse(cursor ? `cursor=${cursor}` : '')));
    if (!page.nextCursor) throw new Error(`the list ends after ${i + 1} pages: fewer payments than ${pages} pages`);
    cursor = page.nextCursor;
  }
  return cursor;
}

function fill(query: string, values: Record<string, string>): string {
  return query.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`no value for {${key}}`);
    return encodeURIComponent(values[key]);
  });
}

/** Why a shape cannot run against this schema, if it cannot. */
function unsupported(query: string): string | undefined {
  const known = new Set(Object.keys(transactionSearchSchema.shape));
  const missing = [...new URLSearchParams(query).keys()].filter((k) => !known.has(k));
  return missing.length ? `not in the search schema: ${missing.join(', ')}` : undefined;
}

async function benchQueries(pool: pg.Pool, shapes: Result[], runs: number, warmup: number): Promise<Pair | undefined> {
  const { db, capture } = loggingDb(pool);
  for (const r of shapes.filter((s) => !s.skipped)) {
    process.stdout.write(`query ${r.name} … `);
    try {
      const search = staffSearch(parse(r.query));
      const page = await searchTransactions(db, search);
      r.rows = page.rows.length;
      const samples = await timed(() => searchTransactions(db, search), runs, warmup);
      r.q50 = percentile(samples, 50);
      r.q95 = percentile(samples, 95);
      const plans: string[] = [];
      for (const { query, params } of await capture(() => searchTransactions(db, search))) {
        const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) ${query}`, params);
        plans.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
      }
      r.plan = plans.join('\n\n');
      r.execMs = executionMs(r.plan);
      r.seqScan = /Seq Scan on transactions\b/.test(r.plan);
      console.log(`p50 ${r.q50.toFixed(1)} ms, p95 ${r.q95.toFixed(1)} ms${r.seqScan ? ' — SEQUENTIAL SCAN' : ''}`);
    } catch (err) {
      r.error = (err as Error).message;
      console.log(`FAILED: ${r.error}`);
    }
  }
  const pair = deepPair(shapes);
  if (!pair) return undefined;
  const [first, deep] = pair.map((r) => staffSearch(parse(r.query)));
  return alternately(() => searchTransactions(db, first), () => searchTransactions(db, deep), runs, warmup);
}

async function financeUser(db: Db): Promise<string> {
  const password = randomToken(16);
  const existing = await getUserByEmail(db, BENCH_EMAIL);
  if (existing) {
    await updateUser(db, existing.id, { role: 'finance', active: true });
    await setPassword(db, existing.id, password);
  } else {
    await insertUser(db, { email: BENCH_EMAIL, name: 'Search benchmark', role: 'finance', password });
  }
  return password;
}

async function benchRender(url: string, pool: pg.Pool, shapes: Result[], runs: number, warmup: number, build: boolean): Promise<Pair | undefined> {
  await ensureBuild({ force: build });
  const { db } = loggingDb(pool);
  const password = await financeUser(db);
  const server = spawnServer(await freePort(), {
    DATABASE_URL: url,
    AUTH_SECRET: randomToken(32), PAYOPS_ENCRYPTION_KEY: randomToken(32), AUDIT_HMAC_KEY: randomToken(32),
    // The page is what is measured, not the sign-in: no second factor for the bench's user.
    TWO_FACTOR_REQUIRED_ROLES: '',
    ENKASH_WEBHOOK_SECRET: randomToken(24),
  });
  onCleanup('stop server', server.stop);
  await server.ready();
  const jar: CookieJar = await signIn(server.url, BENCH_EMAIL, password);

  const get = async (query: string) => {
    const res = await fetch(`${server.url}/payments${query ? `?${query}` : ''}`, { headers: { cookie: jar.header() }, redirect: 'manual' });
    jar.store(res);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET /payments?${query} answered ${res.status}${res.headers.get('location') ? ` → ${res.headers.get('location')}` : ''}`);
    return body.length;
  };
  for (const r of shapes.filter((s) => !s.skipped && !s.error)) {
    process.stdout.write(`render ${r.name} … `);
    try {
      r.bytes = await get(r.query);
      const samples = await timed(() => get(r.query), runs, warmup);
      r.r50 = percentile(samples, 50);
      r.r95 = percentile(samples, 95);
      console.log(`p50 ${r.r50.toFixed(0)} ms, p95 ${r.r95.toFixed(0)} ms`);
    } catch (err) {
      r.error = (err as Error).message;
      console.log(`FAILED: ${r.error}`);
    }
  }
  const pair = deepPair(shapes);
  const deep = pair && !pair.some((r) => r.error) ? await alternately(() => get(pair[0].query), () => get(pair[1].query), runs, warmup) : undefined;
  if (server.stderr.length) {
    console.log(`\nthe server wrote ${server.stderr.length} line(s) to stderr${server.stderr.length > 10 ? '; the first 10' : ''}:`);
    for (const line of server.stderr.slice(0, 10)) console.log(`  ${line}`);
  }
  return deep;
}

const ms = (n: number | undefined, digits = 1) => (n === undefined ? '' : n.toFixed(digits));

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i > 1 && i < r.length - 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

function report(results: Result[], render: boolean, runs: number, deep: { query?: Pair; page?: Pair }) {
  const shown = (q: string) => (q.length > 44 ? `${q.slice(0, 41)}…` : q || '(none)');
  const rows = [
    ['shape', 'query string', 'rows', 'exec ms', 'query p50 ms', 'query p95 ms', 'page p50 ms', 'page p95 ms', 'plan'],
    ...results.map((r) => [
      r.name,
      shown(r.query),
      r.rows === undefined ? '' : String(r.rows),
      ms(r.execMs, 2),
      ms(r.q50),
      ms(r.q95),
      ms(r.r50, 0),
      ms(r.r95, 0),
      r.skipped ? `SKIPPED (${r.skipped})` : r.error ? `FAILED: ${r.error}` : `${r.seqScan ? 'SEQ SCAN: ' : ''}${planSummary(r.plan ?? '')}`,
    ]),
  ];
  console.log(
    `\n${runs} sequential runs per shape after warm-up. exec = server-side Execution Time of EXPLAIN ANALYZE; query = searchTransactions()\n` +
      `round trip; page = GET /payments signed in as finance, whole body read.\n`,
  );
  console.log(table(rows));

  const sizes = results.flatMap((r) => (r.bytes === undefined ? [] : [r.bytes]));
  if (sizes.length) {
    const [min, max] = [Math.min(...sizes), Math.max(...sizes)];
    console.log(`\n/payments body: ${min === max ? `${min} bytes for every shape — the page does not list payments yet?` : `${min}–${max} bytes`}`);
  }

  const ran = results.filter((r) => r.q95 !== undefined);
  const slowQueries = ran.filter((r) => r.q95! > TARGET.queryP95).map((r) => r.name);
  const rendered = results.filter((r) => r.r95 !== undefined);
  const slowPages = rendered.filter((r) => r.r95! > TARGET.renderP95).map((r) => r.name);
  const seq = results.filter((r) => r.seqScan).map((r) => r.name);
  const verdict = (ok: boolean, detail = '') => (ok ? 'met' : `MISSED${detail ? ` (${detail})` : ''}`);
  const deepVerdict = (p?: Pair) =>
    p ? `${p.deep.toFixed(1)} vs ${p.first.toFixed(1)} ms: ${verdict(p.deep <= p.first * TARGET.deepRatio + TARGET.deepSlackMs)}` : 'not measured';

  console.log('\ntargets');
  console.log(`  every query shape p95 ≤ ${TARGET.queryP95} ms: ${verdict(!slowQueries.length, slowQueries.join(', '))}`);
  console.log(`  /payments render p95 ≤ ${TARGET.renderP95} ms: ${render && rendered.length ? verdict(!slowPages.length, slowPages.join(', ')) : 'not measured'}`);
  console.log(`  deep page (${DEEP_PAGES + 1}st) no slower than the first, timed alternately (p50 ≤ ${TARGET.deepRatio} × first + ${TARGET.deepSlackMs} ms):`);
  console.log(`    query ${deepVerdict(deep.query)}; page ${deepVerdict(deep.page)}`);
  console.log(`  no sequential scan on transactions: ${seq.length ? `FAILED (${seq.join(', ')})` : 'met'}`);
  const skipped = results.filter((r) => r.skipped).map((r) => r.name);
  if (skipped.length) console.log(`  skipped, not in the search schema yet: ${skipped.join(', ')}`);
}

async function main(): Promise<number> {
  const { runs, warmup, render, build } = options();
  cleanupOnSignals();
  const url = process.env.BENCH_DATABASE_URL?.trim() || process.env.DATABASE_URL?.trim() || DEFAULT_URL;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  onCleanup('close the pool', () => pool.end());
  const { db } = loggingDb(pool);
  const seedFirst = `seed it first, e.g.\n  DATABASE_URL=${redactUrl(url)} npm run db:seed -- --payments 1000000`;
  // Only a PayOps database is migrated (new indexes): never whatever else the URL names.
  const [{ found }] = (await pool.query<{ found: boolean }>(`SELECT to_regclass('transactions') IS NOT NULL AS found`)).rows;
  if (!found) {
    console.error(`${redactUrl(url)} has no transactions table: ${seedFirst}`);
    return 1;
  }
  await migrateDb({ db, kind: 'postgres' }, url);

  const [{ n, size, version }] = (
    await pool.query<{ n: number; size: string; version: string }>(
      `SELECT (SELECT count(*) FROM transactions)::int AS n, pg_size_pretty(pg_total_relation_size('transactions')) AS size,
              current_setting('server_version') AS version`,
    )
  ).rows;
  if (n < 50 * (DEEP_PAGES + 1)) {
    console.error(`${redactUrl(url)} holds ${n} payments: ${seedFirst}`);
    return 1;
  }
  const cpus = os.cpus();
  console.log(`machine: ${os.availableParallelism()} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`database: ${redactUrl(url)}, ${n.toLocaleString('en-IN')} payments, transactions table with indexes ${size}`);
  console.log(`command: ${process.env.npm_lifecycle_event === 'bench:search' ? 'npm run bench:search' : 'tsx bench/search.ts'} ${process.argv.slice(2).join(' ')}\n`);

  const values = await sampleValues(pool);
  process.stdout.write(`following nextCursor ${DEEP_PAGES} pages deep … `);
  const walk = performance.now();
  values.deepCursor = await deepCursor(db, DEEP_PAGES);
  console.log(`${((performance.now() - walk) / 1000).toFixed(1)} s`);

  const results: Result[] = SHAPES.map((s) => {
    const skipped = unsupported(s.query);
    return { name: s.name, query: skipped ? s.query : fill(s.query, values), skipped };
  });
  const deep = { query: await benchQueries(pool, results, runs, warmup), page: undefined as Pair | undefined };
  if (render) deep.page = await benchRender(url, pool, results, runs, warmup, build);

  console.log('\nEXPLAIN (ANALYZE, BUFFERS) of each shape');
  for (const r of results.filter((s) => s.plan)) console.log(`\n--- ${r.name}: ${r.query || '(no parameters)'}\n${r.plan}`);
  report(results, render, runs, deep);
  console.log(`\nload average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  return results.some((r) => r.seqScan || r.error) ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`\nbench:search: ${(err as Error).message}`);
} finally {
  await cleanup();
}
process.exit(code);
