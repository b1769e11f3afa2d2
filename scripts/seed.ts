// npm run db:seed -- --payments N [--batch B] — adds N realistic Enkash payments (and one
// payment event each) to DATABASE_URL (or BENCH_DATABASE_URL), generated inside Postgres with
// INSERT … SELECT FROM generate_series, B rows per statement. Creates the database when it is
// missing, applies the migrations first, drops nothing, and runs VACUUM (ANALYZE) at the end.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import { openDb, queryRows, type Db, type DbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { BANKS, FIRST_NAMES, LAST_NAMES, SCHEMES } from '@/lib/demo/names';
import { ENKASH_PAYMENT_MODES, ENKASH_PAYMENT_STATUSES, enkashStatusInfo } from '@/lib/payments/status';

/** The embedded database is for demos: past this many payments, use a real Postgres. */
export const EMBEDDED_MAX = 20_000;
export const SPAN_DAYS = 90;
const DAY_MS = 86_400_000;

// Share of each status (sums to 1). A status added to status.ts later gets a small share.
const STATUS_WEIGHTS: Record<string, number> = {
  SUCCESS: 0.78,
  FAILED: 0.12,
  PENDING_WITH_BANK: 0.035,
  CANCELLED: 0.03,
  REFUNDED: 0.015,
  PARTIALLY_REFUNDED: 0.01,
  AUTHORIZED: 0.005,
  CREATED: 0.005,
};
const STATUS_TEXT: Record<string, [message: string, orderStatus: string]> = {
  SUCCESS: ['Transaction successful.', 'PAID'],
  FAILED: ['Transaction declined by bank.', 'ATTEMPTED'],
  PENDING_WITH_BANK: ['Transaction in progress.', 'PAYMENT_CONFIRMATION_PENDING'],
  CANCELLED: ['Transaction cancelled by the customer.', 'CANCELLED'],
  REFUNDED: ['Transaction refunded.', 'PAID'],
  PARTIALLY_REFUNDED: ['Transaction partially refunded.', 'PAID'],
  AUTHORIZED: ['Transaction authorized.', 'PAYMENT_CONFIRMATION_PENDING'],
  CREATED: ['Transaction created.', 'CHECKOUT_RENDERED'],
};
const MODE_WEIGHTS: Record<string, number> = {
  UPI: 0.36,
  CREDIT_CARD: 0.17,
  DEBIT_CARD: 0.14,
  NET_BANKING: 0.1,
  WALLET: 0.06,
  UPI_CREDIT_CARD: 0.05,
  CORPORATE_CARD: 0.05,
  PAY_LATER: 0.04,
  PREPAID_CARD: 0.03,
};
// Independent chances per payment; together about 2% of payments carry a flag.
const AMOUNT_MISMATCH = 0.01;
const STATUS_CONFLICT_OF_SUCCESS = 0.0065;
const SCRUBBED_OF_CARDS = 0.012;

/** Rows of `(value, lo, hi, …extra)` where [lo, hi) is the value's slice of [0, 1). */
function weightedValues(weights: [string, number][], extra: (value: string) => SQL[]): SQL {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  let lo = 0;
  const rows = weights.map(([value, w], i) => {
    const hi = i === weights.length - 1 ? 1 : lo + w / total;
    const row = sql`(${value}::text, ${lo}::float8, ${hi}::float8, ${sql.join(extra(value), sql`, `)})`;
    lo = hi;
    return row;
  });
  return sql`(VALUES ${sql.join(rows, sql`, `)})`;
}

const textArray = (items: readonly string[]) => sql`ARRAY[${sql.join(items.map((i) => sql`${i}::text`), sql`, `)}]`;
const pickFrom = (items: readonly string[], index: SQL) => sql`(${textArray(items)})[1 + floor(${index} * ${items.length})::int]`;

export interface SeedOptions {
  payments: number;
  batch?: number;
  /** The end of the 90 days the payments spread over. */
  now?: Date;
  onBatch?: (done: number, total: number) => void;
  /** Also write one payment event per payment (default true). The finance benchmark skips them: it reads no event. */
  events?: boolean;
}

/**
 * Adds `payments` transactions spread evenly (in time order) over the 90 days before `now`,
 * each with one accepted payment event. Ids are unique across runs: their suffix counts on
 * from the largest transaction id already present.
 */
export async function seedPayments(db: Db, options: SeedOptions): Promise<{ inserted: number }> {
  const batch = options.batch ?? 100_000;
  const events = options.events ?? true;
  const end = (options.now ?? new Date()).getTime();
  const start = end - SPAN_DAYS * DAY_MS;
  const [{ base }] = await queryRows<{ base: string }>(db, sql`SELECT coalesce(max(id), 0)::text AS base FROM transactions`);

  const statuses = weightedValues(
    ENKASH_PAYMENT_STATUSES.map((s) => [s, STATUS_WEIGHTS[s] ?? 0.001]),
    (s) => {
      const info = enkashStatusInfo(s);
      const [message, orderStatus] = STATUS_TEXT[s] ?? ['Transaction in progress.', 'ATTEMPTED'];
      return [sql`${info.rank}::smallint`, sql`${info.family}::text`, sql`${message}::text`, sql`${orderStatus}::text`];
    },
  );
  // Card modes carry a scheme, a last four and a cardholder name (the demo seed's rule).
  const modes = weightedValues(
    [...ENKASH_PAYMENT_MODES].map((m) => [m, MODE_WEIGHTS[m] ?? 0.01]),
    (m) => [sql`${m.endsWith('CARD')}::boolean`, sql`${m.endsWith('CARD') || m === 'NET_BANKING'}::boolean`],
  );
  const bankCodes = BANKS.map(([code]) => code);
  const bankNames = BANKS.map(([, name]) => name);

  let inserted = 0;
  for (let from = 1; from <= options.payments; from += batch) {
    const to = Math.min(options.payments, from + batch - 1);
    // Bulk history is not news: no live_events row or NOTIFY per seeded payment (migration live_events_triggers).
    const rows = await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('payops.live_events', 'off', true)`);
      return queryRows<{ n: number }>(tx, sql`
      WITH src AS (
        SELECT g,
               to_timestamp((${start}::float8 + (g - 1 + random()) / ${options.payments}::float8 * ${end - start}::float8) / 1000) AS created_at,
               random() AS r_status, random() AS r_mode, random() AS r_big, random() AS r_round, random() AS r_amount,
               random() AS r_mismatch, random() AS r_conflict, random() AS r_scrub, random() AS r_first, random() AS r_last,
               random() AS r_bank, random() AS r_scheme, random() AS r_letter1, random() AS r_letter2,
               random() AS r_received, floor(random() * 10000)::int AS last4,
               floor(random() * 1e12)::bigint AS bank_ref, md5(random()::text) AS unique_ref, md5(random()::text) AS token
          FROM generate_series(${from}::bigint, ${to}::bigint) AS g
      ),
      shaped AS (
        -- Enkash's txnDate has whole seconds, so payments share a second now and then (ties on txn_at).
        SELECT src.*, date_trunc('second', src.created_at) AS txn_at,
               st.status, st.rank, st.family, st.message, st.order_status, md.mode, md.card, md.has_bank,
               CASE WHEN src.r_big < 0.1 THEN 100 + src.r_amount * 200000 ELSE 100 + src.r_amount * 5000 END AS raw_amount,
               src.r_mismatch < ${AMOUNT_MISMATCH} AS mismatch,
               st.status = 'SUCCESS' AND src.r_conflict < ${STATUS_CONFLICT_OF_SUCCESS} AS conflict,
               md.card AND src.r_scrub < ${SCRUBBED_OF_CARDS} AS scrubbed
          FROM src
          JOIN ${statuses} AS st(status, lo, hi, rank, family, message, order_status) ON src.r_status >= st.lo AND src.r_status < st.hi
          JOIN ${modes} AS md(mode, lo, hi, card, has_bank) ON src.r_mode >= md.lo AND src.r_mode < md.hi
      ),
      priced AS (
        SELECT shaped.*, a.amount, s.surcharge, round(s.surcharge * 0.18, 2) AS surcharge_gst
          FROM shaped
          CROSS JOIN LATERAL (SELECT CASE WHEN r_round < 0.3 THEN round(raw_amount::numeric) ELSE round(raw_amount::numeric, 2) END AS amount) a
          -- Card payments carry a 2% surcharge with 18% GST on it; other modes none.
          CROSS JOIN LATERAL (SELECT CASE WHEN card THEN round(a.amount * 0.02, 2) ELSE 0 END AS surcharge) s
      ),
      inserted AS (
        INSERT INTO transactions (
          provider, transaction_id, unique_transaction_id, order_id, bank_transaction_id,
          status, status_rank, status_family, order_status, txn_message, payment_mode, currency,
          amount, surcharge, surcharge_gst, final_amount,
          card_scheme, card_last4, bank_code, bank_name, cardholder_name, payment_token_sha256,
          txn_at, flags, last_effect, event_count, first_seen_at, updated_at)
        SELECT 'enkash',
               -- Like Enkash's 'EK1738916997652yh8GL': epoch ms, then a suffix unique to this row.
               'EK' || (extract(epoch FROM created_at) * 1000)::bigint || chr(97 + floor(r_letter1 * 26)::int)
                 || chr(65 + floor(r_letter2 * 26)::int) || lpad(to_hex(${base}::bigint + g), 5, '0'),
               'EK' || upper(substr(unique_ref, 1, 10)),
               'ORD-' || (1000000 + ${base}::bigint + g),
               lpad(bank_ref::text, 12, '0'),
               status, rank, family, order_status, message, mode, 'INR',
               amount, surcharge, surcharge_gst,
               amount + surcharge + surcharge_gst + CASE WHEN mismatch THEN 1 ELSE 0 END,
               CASE WHEN mode = 'UPI_CREDIT_CARD' THEN 'RUPAY' WHEN card THEN ${pickFrom(SCHEMES, sql`r_scheme`)} END,
               CASE WHEN card THEN lpad(last4::text, 4, '0') END,
               CASE WHEN has_bank THEN ${pickFrom(bankCodes, sql`r_bank`)} END,
               CASE WHEN has_bank THEN ${pickFrom(bankNames, sql`r_bank`)} END,
               CASE WHEN card THEN ${pickFrom(FIRST_NAMES, sql`r_first`)} || ' ' || ${pickFrom(LAST_NAMES, sql`r_last`)} END,
               encode(sha256(convert_to(token, 'UTF8')), 'hex'),
               txn_at,
               -- Sorted, as the ingest path writes them.
               array_remove(ARRAY[CASE WHEN mismatch THEN 'amount_mismatch' END, CASE WHEN scrubbed THEN 'card_number_scrubbed' END,
                                  CASE WHEN conflict THEN 'status_conflict' END], NULL),
               CASE WHEN conflict THEN 'conflict' ELSE 'created' END,
               1,
               txn_at + (1 + r_received * 5) * interval '1 second',
               txn_at + (1 + r_received * 5) * interval '1 second'
          FROM priced
         ORDER BY g
        RETURNING provider, transaction_id, unique_transaction_id, order_id, bank_transaction_id, status, order_status,
                  txn_message, payment_mode, currency, amount, surcharge, surcharge_gst, final_amount, card_scheme,
                  card_last4, bank_code, bank_name, cardholder_name, txn_at, flags, first_seen_at
      ),
${events ? sql`      events AS (
        SELECT inserted.*, p.payload
          FROM inserted
          -- The notification as stored after scrubbing: amounts as Enkash sends them (strings and
          -- four-decimal numbers), txnDate in IST without a zone, the token redacted.
          CROSS JOIN LATERAL (SELECT jsonb_build_object(
            'transactionId', transaction_id, 'uniqueTransactionId', unique_transaction_id, 'orderId', order_id,
            'bankTransactionId', bank_transaction_id, 'status', status, 'orderStatus', order_status,
            'transactionStatus', NULL, 'txnMsg', txn_message,
            'txnDate', to_char(txn_at AT TIME ZONE 'Asia/Kolkata', 'YYYY-MM-DD HH24:MI:SS'),
            'paymentMode', payment_mode, 'currency', currency,
            'amount', round(amount, 2)::text, 'finalAmount', round(final_amount, 2)::text,
            'surcharge', surcharge, 'surchargeGst', surcharge_gst, 'mdr', NULL, 'mdrGst', NULL, 'transactionAmount', NULL,
            'cardScheme', card_scheme,
            'maskedCardNumber', CASE WHEN card_last4 IS NULL THEN NULL
                                     WHEN 'card_number_scrubbed' = ANY(flags) THEN 'XXXX' || card_last4
                                     ELSE 'XXXX XXXX XXXX ' || card_last4 END,
            'cardHolderName', cardholder_name, 'bankCode', bank_code, 'bankName', bank_name,
            'checksum', NULL, 'paymentToken', '[redacted]') AS payload) p
      ),
      stored AS (
        INSERT INTO payment_events (provider, transaction_id, payload_sha256, status, txn_at, received_at, flags, payload)
        SELECT provider, transaction_id, encode(sha256(convert_to(payload::text, 'UTF8')), 'hex'), status, txn_at,
               first_seen_at, flags, payload
          FROM events
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM stored` : sql`no_events AS (SELECT 1)
      SELECT count(*)::int AS n FROM inserted`}`);
    });
    inserted += rows[0].n;
    options.onBatch?.(to, options.payments);
  }
  return { inserted };
}

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new Error(`${redact(url)} names no database`);
  const server = new URL(url);
  server.pathname = '/postgres';
  const client = new pg.Client({ connectionString: server.href, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    return true;
  } finally {
    await client.end();
  }
}

const redact = (raw: string) => {
  const u = new URL(raw);
  if (u.password) u.password = '***';
  return u.href;
};

const USAGE = `Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/payops_bench_1m npm run db:seed -- --payments N [--batch B]

Adds N payments (default 1000000) spread over the last ${SPAN_DAYS} days to DATABASE_URL (or
BENCH_DATABASE_URL), creating the database if needed. Without either, the embedded database in
DATA_DIR takes at most ${EMBEDDED_MAX.toLocaleString('en-IN')} payments.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { payments: { type: 'string', default: '1000000' }, batch: { type: 'string', default: '100000' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const payments = Number(values.payments);
  const batch = Number(values.batch);
  if (!Number.isSafeInteger(payments) || payments < 1) throw new Error(`--payments must be a positive whole number, got ${values.payments}`);
  if (!Number.isSafeInteger(batch) || batch < 1) throw new Error(`--batch must be a positive whole number, got ${values.batch}`);

  const url = process.env.DATABASE_URL?.trim() || process.env.BENCH_DATABASE_URL?.trim() || undefined;
  if (!url && payments > EMBEDDED_MAX) {
    console.error(
      `db:seed: ${payments.toLocaleString('en-IN')} payments need a real PostgreSQL: the embedded database (PGlite) ` +
        `takes at most ${EMBEDDED_MAX.toLocaleString('en-IN')}. Set DATABASE_URL, for example\n` +
        `  DATABASE_URL=postgres://postgres@127.0.0.1:5432/payops_bench_1m npm run db:seed -- --payments ${payments}`,
    );
    return 2;
  }
  if (url && (await ensureDatabase(url))) console.log(`created database ${new URL(url).pathname.slice(1)}`);

  let handle: DbHandle | undefined;
  try {
    // A batch of 100k rows takes seconds: no 4 s query deadline here.
    handle = await openDb({ databaseUrl: url, dataDir: process.env.DATA_DIR || './.data', poolMax: 1, timeoutMs: 600_000 });
    await migrateDb(handle, url);
    console.log(`seeding ${payments.toLocaleString('en-IN')} payments into ${url ? redact(url) : `embedded ${process.env.DATA_DIR || './.data'}`}, ${batch.toLocaleString('en-IN')} per statement`);

    const started = performance.now();
    let last = started;
    const { inserted } = await seedPayments(handle.db, {
      payments,
      batch,
      onBatch(done, total) {
        const now = performance.now();
        console.log(`  ${done.toLocaleString('en-IN').padStart(12)} / ${total.toLocaleString('en-IN')}  (${((now - last) / 1000).toFixed(1)} s)`);
        last = now;
      },
    });
    const loaded = performance.now();
    // ANALYZE for the planner; VACUUM too, as autovacuum would soon after a load like this: it sets
    // the hint bits and the visibility map, so the first reads do not write every page and capped
    // counts can use index-only scans. Without it, benchmarks measure the aftermath of the load.
    await handle.db.execute(sql`VACUUM (ANALYZE) transactions`);
    await handle.db.execute(sql`VACUUM (ANALYZE) payment_events`);
    const done = performance.now();

    const [summary] = await queryRows<{ total: string; flagged: string }>(
      handle.db,
      sql`SELECT count(*)::text AS total, count(*) FILTER (WHERE cardinality(flags) > 0)::text AS flagged FROM transactions`,
    );
    const seconds = (done - started) / 1000;
    console.log(
      `inserted ${inserted.toLocaleString('en-IN')} payments and as many events in ${((loaded - started) / 1000).toFixed(1)} s ` +
        `(${Math.round(inserted / ((loaded - started) / 1000)).toLocaleString('en-IN')} payments/s), VACUUM ANALYZE ${((done - loaded) / 1000).toFixed(1)} s, ` +
        `total ${seconds.toFixed(1)} s`,
    );
    console.log(`the database now holds ${Number(summary.total).toLocaleString('en-IN')} payments, ${Number(summary.flagged).toLocaleString('en-IN')} flagged`);
    return 0;
  } finally {
    await handle?.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = await main();
  } catch (err) {
    console.error(`db:seed: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
