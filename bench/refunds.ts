// npm run bench:refunds [-- --refunds N --delay MS --poll S] — issue 12's figures for refund sends, on a
// throwaway Postgres database with pg-boss in this process (as the app runs it) and the simulator
// in process:
//  (a) approval → provider call: for N approved refunds on distinct payments (half Enkash, half
//      Juspay), the time from `approveRefund` returning to the simulator's refund call starting,
//      two ways: `sendRefund` called directly (PayOps' own work before the call) and through the
//      `refunds-send` job (`queueRefundSend`, what the app does: adds the job pickup). Refunds go
//      one at a time, a random 0–200 ms apart (so they land anywhere in a worker's polling cycle).
//      The provider call is timed by wrapping the clients' `refund` (start and answer), which is
//      also the simulator's own latency (--delay adds that much to every refund call).
//  (b) 1,000 bulk rows end to end: upload, confirm, one approval, until every refund has its answer (`bulkEndToEnd`).
// Prints figures; exits 1 only when a refund did not reach the provider, never on a missed target.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { openDb, queryRows, type Db } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import type { Providers } from '@/lib/providers/types';
import { startSandbox, type Sandbox } from '@/sandbox/server';
import { cleanupOnSignals, createDatabase, onCleanup, percentile, randomToken, redactUrl, runBenchmark } from './lib';

const TARGET_P95_OVER_PROVIDER_MS = 50;

function options() {
  const { values } = parseArgs({
    options: {
      refunds: { type: 'string', default: '200' },
      delay: { type: 'string', default: '0' },
      poll: { type: 'string', default: '1' },
      bulk: { type: 'string', default: '1000' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log('Usage: npm run bench:refunds [-- --bulk ROWS (1000) --refunds N (200) --delay MS (0: the simulator’s added latency per refund call) --poll S (1: pg-boss polling interval, the app’s default)]');
    process.exit(0);
  }
  const refunds = Number(values.refunds);
  const delay = Number(values.delay);
  const poll = Number(values.poll);
  const bulk = Number(values.bulk);
  if (!Number.isInteger(bulk) || bulk < 1 || bulk > 5000) throw new Error(`--bulk must be 1–5000 rows, got ${values.bulk}`);
  if (!Number.isInteger(refunds) || refunds < 10) throw new Error(`--refunds must be a whole number ≥ 10, got ${values.refunds}`);
  if (!Number.isInteger(delay) || delay < 0) throw new Error(`--delay must be a whole number ≥ 0, got ${values.delay}`);
  if (!(poll >= 0.5)) throw new Error(`--poll must be ≥ 0.5 (pg-boss's floor), got ${values.poll}`);
  return { refunds, delay, poll, bulk };
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** When each refund call started and answered, by request id (the first call of each). */
class CallLog {
  started = new Map<string, number>();
  answered = new Map<string, number>();
  private waiters = new Map<string, () => void>();

  /** The providers with their `refund` timed; every other method as it was. */
  wrap(p: Providers): Providers {
    const timed = <C extends { refund(input: { requestId: string }): Promise<unknown> }>(client: C): C =>
      new Proxy(client, {
        get: (target, prop) => {
          const v = Reflect.get(target, prop, target);
          if (prop !== 'refund') return typeof v === 'function' ? v.bind(target) : v;
          return async (input: { requestId: string }) => {
            if (!this.started.has(input.requestId)) this.started.set(input.requestId, performance.now());
            this.waiters.get(input.requestId)?.();
            try {
              return await (v as C['refund']).call(target, input);
            } finally {
              if (!this.answered.has(input.requestId)) this.answered.set(input.requestId, performance.now());
            }
          };
        },
      });
    return { ...p, enkash: timed(p.enkash), juspay: timed(p.juspay) };
  }

  /** Resolves when the refund call for `requestId` starts (at once if it has); false after `ms`. */
  reached(requestId: string, ms: number): Promise<boolean> {
    if (this.started.has(requestId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(requestId);
        resolve(false);
      }, ms);
      this.waiters.set(requestId, () => {
        clearTimeout(timer);
        this.waiters.delete(requestId);
        resolve(true);
      });
    });
  }
}

async function main(): Promise<number> {
  const o = options();
  cleanupOnSignals();
  // A benchmark day asks for far more than the default daily limits (₹2 lakh a person, ₹10 lakh in
  // all), past which every request would wait for an admin's note and a minute: lifted here, said below.
  process.env.REFUND_USER_DAILY_LIMIT ??= '1000000000';
  process.env.REFUND_DAILY_LIMIT ??= '1000000000';
  // The keys a server takes from its configuration (the audit rows are keyed), before anything reads the environment.
  process.env.AUDIT_HMAC_KEY ??= randomToken(32);
  process.env.PAYOPS_ENCRYPTION_KEY ??= randomToken(32);

  const base = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createDatabase(base);
  onCleanup('drop database', database.drop);
  const handle = await openDb({ databaseUrl: database.url });
  onCleanup('close database', () => handle.close());
  await migrateDb(handle, database.url);
  const db = handle.db;

  // The simulator's refunds stay pending for a minute: only the send is measured, not its end.
  const sandbox: Sandbox = await startSandbox({ refundDelayMs: 60_000 });
  onCleanup('stop simulator', () => sandbox.close());
  if (o.delay > 0) {
    sandbox.control.setFault('enkash.refund', { mode: 'ok', delayMs: o.delay });
    sandbox.control.setFault('juspay.refund', { mode: 'ok', delayMs: o.delay });
  }
  const { parseEnv } = await import('@/lib/env');
  const { createProviders, providersConfig } = await import('@/lib/providers');
  const calls = new CallLog();
  const providers = calls.wrap(createProviders(providersConfig(parseEnv({ ...process.env, ...sandbox.env }))));

  const { requestRefund } = await import('@/lib/refunds/request');
  const { approveRefund } = await import('@/lib/refunds/decide');
  const { sendRefund } = await import('@/lib/refunds/send');
  const { queueRefundSend, refundSendQueue, refundCheckQueue } = await import('@/lib/refunds/jobs');
  const { startJobs } = await import('@/lib/jobs/runtime');

  const [{ server_version: v }] = await queryRows<{ server_version: string }>(db, sql`SHOW server_version`);
  console.log(`machine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, PostgreSQL ${v}; simulator, jobs and database share them`);
  console.log(`command: ${process.env.BENCH_DATABASE_URL ? `BENCH_DATABASE_URL=${redactUrl(base)} ` : ''}npm run bench:refunds -- --refunds ${o.refunds} --delay ${o.delay} --poll ${o.poll}; ${new Date().toISOString()}`);
  console.log(`database ${database.name}, simulator ${sandbox.url} (+${o.delay} ms per refund call); load average ${load()}\n`);

  // People: one asks, another approves (with a fresh code check).
  const user = async (email: string, role: string) =>
    Number((await queryRows<{ id: string }>(db, sql`INSERT INTO users (email, name, role, password_hash) VALUES (${email}, ${email}, ${role}, 'x') RETURNING id`))[0].id);
  const makerId = await user('bench-maker@payops.test', 'finance');
  const checkerId = await user('bench-checker@payops.test', 'admin');
  const maker = { id: makerId, label: `user:${makerId}`, role: 'finance' };
  const checker = { id: checkerId, label: `user:${checkerId}`, role: 'admin' as const, steppedUp: true };

  /** N successful payments known to PayOps and the simulator, half Enkash and half Juspay; each with one requested refund. */
  const run = randomToken(3);
  const requested = async (prefix: string, n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const juspay = i % 2 === 1;
      const order = juspay ? `OB${run}${prefix}${i}` : null;
      const txnId = juspay ? `payopsdemo-${order}-1` : `EKB${run}${prefix}${i}`;
      const status = juspay ? 'CHARGED' : 'SUCCESS';
      sandbox.control.registerPayment(juspay ? { provider: 'juspay', id: txnId, orderId: order, status, amount: '1499.50' } : { provider: 'enkash', id: txnId, status, amount: '1499.50' });
      const [p] = await queryRows<{ id: string }>(
        db,
        sql`INSERT INTO transactions (provider, transaction_id, order_id, status, status_rank, status_family, txn_at, final_amount, amount, currency)
            VALUES (${juspay ? 'juspay' : 'enkash'}, ${txnId}, ${order}, ${status}, 50, 'success', now(), 1499.50, 1499.50, 'INR') RETURNING id`,
      );
      const r = await requestRefund(db, maker, { paymentId: Number(p.id), amount: '200', reason: 'Benchmark refund', source: 'console' });
      if (!r.ok) throw new Error(r.message);
      ids.push(r.refund.id);
    }
    return ids;
  };
  const approve = async (refundId: number) => {
    const a = await approveRefund(db, checker, { refundId });
    if (!a.ok) throw new Error(a.message);
    return a.refund.requestId;
  };

  type Sample = { toCall: number; provider: number };
  const samples = { direct: [] as Sample[], job: [] as Sample[] };
  const failures: string[] = [];

  // Warm-up: tokens, connections, the JIT.
  for (const id of await requested('w', 10)) {
    await approve(id);
    await sendRefund(db, providers, id);
  }

  // The job path: pg-boss in this process, the refund queues only (no tracker), the app's polling.
  const jobs = await startJobs(handle, { work: true, providers: () => providers, queues: [refundSendQueue, refundCheckQueue], pollingIntervalSeconds: o.poll });
  onCleanup('stop jobs', () => jobs.stop(3000));
  await sleep(1500);

  // Alternating halves, so a slow patch of the machine hits both alike.
  const direct = await requested('d', o.refunds);
  const queued = await requested('j', o.refunds);
  const halves = 4;
  const per = Math.ceil(o.refunds / halves);
  const started = performance.now();
  for (let h = 0; h < halves; h++) {
    for (const id of direct.slice(h * per, (h + 1) * per)) {
      await sleep(Math.random() * 200);
      const requestId = await approve(id);
      const t0 = performance.now();
      const out = await sendRefund(db, providers, id);
      if (out.result !== 'sent') failures.push(`direct ${id}: ${out.result}`);
      const at = calls.started.get(requestId);
      if (at === undefined) continue;
      samples.direct.push({ toCall: at - t0, provider: calls.answered.get(requestId)! - at });
    }
    for (const id of queued.slice(h * per, (h + 1) * per)) {
      await sleep(Math.random() * 200);
      const requestId = await approve(id);
      const t0 = performance.now();
      await queueRefundSend(id);
      if (!(await calls.reached(requestId, 30_000))) {
        failures.push(`job ${id}: no provider call within 30 s`);
        continue;
      }
      const at = calls.started.get(requestId)!;
      // Let its answer come back before the next, so the pickup is measured from idle workers.
      while (!calls.answered.has(requestId)) await sleep(2);
      samples.job.push({ toCall: at - t0, provider: calls.answered.get(requestId)! - at });
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  // The last answers are recorded after the call returns: wait for them, then stop the workers.
  for (let i = 0; i < 500; i++) {
    const [{ open }] = await queryRows<{ open: number }>(db, sql`SELECT count(*)::int AS open FROM refunds WHERE state IN ('approved', 'sending')`);
    if (open === 0) break;
    await sleep(20);
  }
  await jobs.stop(3000);

  const fmt = (x: number) => x.toFixed(1).padStart(8);
  const line = (name: string, xs: number[]) => console.log(`${name.padEnd(44)} ${fmt(percentile(xs, 50))} ${fmt(percentile(xs, 95))} ${fmt(Math.max(...xs))}   ${xs.length}`);
  console.log(`${'approval returned → …'.padEnd(44)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}   refunds`);
  line('… refund call starts, sendRefund directly', samples.direct.map((s) => s.toCall));
  line('… refund call starts, through the job', samples.job.map((s) => s.toCall));
  line('the refund call itself (simulator), direct', samples.direct.map((s) => s.provider));
  line('the refund call itself (simulator), job', samples.job.map((s) => s.provider));
  const p95 = percentile(samples.job.map((s) => s.toCall), 95);
  console.log(`\napproval → provider call through the job, p95 ${p95.toFixed(1)} ms (the simulator's own p95 is ${percentile(samples.job.map((s) => s.provider), 95).toFixed(1)} ms more, on top); target ≤ ${TARGET_P95_OVER_PROVIDER_MS} ms: ${p95 <= TARGET_P95_OVER_PROVIDER_MS ? 'met' : 'MISSED'}`);
  console.log(`job pickup (job − direct): p50 ${(percentile(samples.job.map((s) => s.toCall), 50) - percentile(samples.direct.map((s) => s.toCall), 50)).toFixed(1)} ms, p95 ${(p95 - percentile(samples.direct.map((s) => s.toCall), 95)).toFixed(1)} ms; pg-boss polls an idle queue every ${o.poll} s per worker (${refundSendQueue.concurrency} workers)`);
  console.log(`${2 * o.refunds} refunds in ${elapsed.toFixed(1)} s; load average ${load()}`);

  const [states] = await queryRows<{ sent: number; other: number }>(
    db,
    sql`SELECT count(*) FILTER (WHERE state IN ('pending', 'succeeded'))::int AS sent, count(*) FILTER (WHERE state NOT IN ('pending', 'succeeded'))::int AS other FROM refunds`,
  );
  console.log(`check (SQL): ${states.sent} refunds pending or succeeded, ${states.other} in any other state (expected ${2 * o.refunds + 10} and 0)`);

  // The bulk run needs the refund workers again.
  const bulkJobs = await startJobs(handle, { work: true, providers: () => providers, queues: [refundSendQueue, refundCheckQueue], pollingIntervalSeconds: o.poll });
  onCleanup('stop bulk jobs', () => bulkJobs.stop(3000));
  await bulkEndToEnd({ db, sandbox, maker, checker, rows: o.bulk });
  await bulkJobs.stop(3000);
  if (failures.length) console.log(`FAILED: ${failures.length}, first: ${failures[0]}`);
  return failures.length ? 1 : 0;
}

/**
 * (b) 1,000 bulk rows end to end, the way finance does it: a CSV of 1,000 refundable payments
 * (known to the simulator) is uploaded and checked (`createDraftBatch`: parse + a verdict per row),
 * confirmed (one request per row, one transaction), approved once (`approveBatch`, which approves
 * each row and queues its send), and the refund jobs send them. Timed until every refund of the
 * batch has the provider's answer (pending or final; none approved, sending or unknown). Target ≤ 30 s.
 */
async function bulkEndToEnd(ctx: BulkContext): Promise<void> {
  const { db, sandbox, maker, checker, rows } = ctx;
  const { createDraftBatch, confirmBatch, approveBatch, batchRefunds } = await import('@/lib/refunds/bulk');
  const run = randomToken(3);
  const lines = ['transaction_id,amount,reason'];
  for (let i = 0; i < rows; i++) {
    const juspay = i % 2 === 1;
    const order = juspay ? `OBK${run}${i}` : null;
    const txnId = juspay ? `payopsdemo-${order}-1` : `EKBK${run}${i}`;
    const status = juspay ? 'CHARGED' : 'SUCCESS';
    sandbox.control.registerPayment(juspay ? { provider: 'juspay', id: txnId, orderId: order, status, amount: '999.00' } : { provider: 'enkash', id: txnId, status, amount: '999.00' });
    await db.execute(sql`INSERT INTO transactions (provider, transaction_id, order_id, status, status_rank, status_family, txn_at, final_amount, amount, currency)
                         VALUES (${juspay ? 'juspay' : 'enkash'}, ${txnId}, ${order}, ${status}, 50, 'success', now(), 999.00, 999.00, 'INR')`);
    lines.push(`${txnId},${(100 + (i % 50)).toFixed(2)},Bulk benchmark row ${i}`);
  }
  await db.execute(sql`ANALYZE`);
  const bytes = new TextEncoder().encode(lines.join('\r\n'));
  console.log(`\n(b) ${rows.toLocaleString('en-IN')} bulk rows end to end (${(bytes.length / 1024).toFixed(0)} KiB CSV, half Enkash half Juspay; daily limits REFUND_USER_DAILY_LIMIT=${process.env.REFUND_USER_DAILY_LIMIT}, REFUND_DAILY_LIMIT=${process.env.REFUND_DAILY_LIMIT}); load average ${load()}`);
  const t0 = performance.now();
  const draft = await createDraftBatch(db, { id: maker.id, role: 'finance' }, { name: 'bench.csv', bytes });
  if (!draft.ok) throw new Error(draft.message);
  const t1 = performance.now();
  const confirmed = await confirmBatch(db, { id: maker.id, role: 'finance' }, draft.batch.id);
  if (!confirmed.ok) throw new Error(confirmed.message);
  const t2 = performance.now();
  const approved = await approveBatch(db, checker, { batchId: draft.batch.id, note: 'Benchmark' });
  if (!approved.ok) throw new Error(approved.message);
  const t3 = performance.now();
  let waiting = rows;
  while (waiting > 0 && performance.now() - t3 < 120_000) {
    await sleep(100);
    waiting = [...(await batchRefunds(db, draft.batch.id)).values()].filter((r) => ['requested', 'approved', 'sending', 'unknown'].includes(r.state)).length;
  }
  const t4 = performance.now();
  const s = (a: number, b: number) => ((b - a) / 1000).toFixed(1).padStart(6);
  console.log(`upload and check (parse, a verdict per row)   ${s(t0, t1)} s`);
  console.log(`confirm (one request per row)                 ${s(t1, t2)} s`);
  console.log(`approve the batch (each row, queue its send)  ${s(t2, t3)} s`);
  console.log(`until every refund has the provider's answer  ${s(t3, t4)} s${waiting ? `  (${waiting} still waiting after 120 s)` : ''}`);
  const total = (t4 - t0) / 1000;
  console.log(`end to end ${total.toFixed(1)} s (${(rows / total).toFixed(0)} rows/s); target ≤ 30 s: ${total <= 30 && !waiting ? 'met' : 'MISSED'}; load average ${load()}`);
}

interface BulkContext {
  db: Db;
  sandbox: Sandbox;
  maker: { id: number };
  checker: { id: number; label: string; role: 'admin'; steppedUp: boolean };
  rows: number;
}

runBenchmark(main);
