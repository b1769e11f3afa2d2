// npm run bench:jobs [-- --payments N --window S --rounds R --build] — issue 9's figures for the
// job queue, on a Postgres database of --payments payments (default 1,000,000; kept between runs
// as payops_bench_jobs_<n>, shaped so 2 % are open and the rest confirmed, then analysed):
//  1. webhook throughput with verification jobs on (Enkash configured, so every accepted
//     notification queues a check, worked in the same server against the simulator) against off
//     (no provider to ask), alternating off/on for --rounds rounds of --window seconds;
//  2. the sweeper: its candidate query (p50/p95 over 30 runs), and one sweep with the per-minute
//     limit lifted — every candidate checked — as checks per second through the queue.
// Prints figures; exits 1 only when a request failed.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { openDb, queryRows, type DbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { ensureDatabase, seedPayments } from '@/scripts/seed';
import { startSandbox, type Sandbox } from '@/sandbox/server';
import { cannon, cleanupOnSignals, ensureBuild, freePort, freshDeliveries, onCleanup, randomToken, runBenchmark, spawnServer } from './lib';

const CONNECTIONS = 10;
const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

function options() {
  const { values } = parseArgs({
    options: {
      payments: { type: 'string', default: '1000000' },
      window: { type: 'string', default: '20' },
      rounds: { type: 'string', default: '2' },
      build: { type: 'boolean', default: false },
    },
  });
  return { payments: Number(values.payments), window: Number(values.window), rounds: Number(values.rounds), build: values.build };
}

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

async function prepare(handle: DbHandle, payments: number): Promise<{ open: number; inLookback: number }> {
  const [{ n }] = await queryRows<{ n: number }>(handle.db, sql`SELECT count(*)::int AS n FROM transactions`);
  if (n < payments) {
    console.log(`seeding ${(payments - n).toLocaleString('en-IN')} payments (once; kept for later runs) …`);
    await seedPayments(handle.db, { payments: payments - n });
  }
  // Realistic shape: 2 % open (not final) and unconfirmed; every final one confirmed a minute after it arrived.
  await handle.db.execute(sql`
    UPDATE transactions SET
      status = CASE WHEN id % 50 = 0 THEN 'PENDING_WITH_BANK' WHEN status_family = 'open' THEN 'SUCCESS' ELSE status END,
      status_rank = CASE WHEN id % 50 = 0 THEN 20 WHEN status_family = 'open' THEN 90 ELSE status_rank END,
      status_family = CASE WHEN id % 50 = 0 THEN 'open' WHEN status_family = 'open' THEN 'success' ELSE status_family END,
      verification = CASE WHEN id % 50 = 0 THEN 'unconfirmed' ELSE 'confirmed' END,
      verified_at = CASE WHEN id % 50 = 0 THEN NULL ELSE first_seen_at + interval '1 minute' END,
      flags = array_remove(array_remove(flags, 'notify_missing'), 'stuck')
    WHERE (id % 50 = 0) <> (status_family = 'open') OR verification <> CASE WHEN id % 50 = 0 THEN 'unconfirmed' ELSE 'confirmed' END
       OR (id % 50 = 0 AND verified_at IS NOT NULL) OR 'notify_missing' = ANY(flags) OR 'stuck' = ANY(flags)`);
  await handle.db.execute(sql`DELETE FROM transactions WHERE transaction_id LIKE 'EKBENCH%'`).catch(() => {});
  await handle.db.execute(sql`VACUUM ANALYZE transactions`);
  const [shape] = await queryRows<{ open: number; in_lookback: number }>(
    handle.db,
    sql`SELECT count(*) FILTER (WHERE status_family = 'open')::int AS open,
               count(*) FILTER (WHERE status_family = 'open' AND txn_at > now() - interval '7 days')::int AS in_lookback
        FROM transactions`,
  );
  return { open: shape.open, inLookback: shape.in_lookback };
}

async function main(): Promise<number> {
  const o = options();
  cleanupOnSignals();
  await ensureBuild({ force: o.build });
  const server = process.env.BENCH_DATABASE_URL || DEFAULT_SERVER;
  const name = `payops_bench_jobs_${o.payments === 1_000_000 ? '1m' : o.payments}`;
  const u = new URL(server);
  u.pathname = `/${name}`;
  const url = u.href;
  await ensureDatabase(url);
  const handle = await openDb({ databaseUrl: url, timeoutMs: 600_000 });
  onCleanup('close database', () => handle.close());
  await migrateDb(handle, url);
  const shape = await prepare(handle, o.payments);
  console.log(`machine: ${os.availableParallelism()} CPUs, Node ${process.version}; load average ${load()}`);
  console.log(`command: npm run bench:jobs -- --payments ${o.payments} --window ${o.window} --rounds ${o.rounds}; ${new Date().toISOString()}`);
  console.log(`database ${name}: ${o.payments.toLocaleString('en-IN')} payments, ${shape.open.toLocaleString('en-IN')} open (2 %), ${shape.inLookback} of them in the sweeper's 7-day lookback\n`);

  const sandbox: Sandbox = await startSandbox();
  onCleanup('stop simulator', () => sandbox.close());

  // 1. Webhook throughput, verification jobs off / on, alternating.
  const secret = randomToken(24);
  // The server's own sweeper is kept idle here (an empty window), so the rounds compare only the
  // checks the notifications queue; the sweeper is measured on its own below.
  const base = { DATABASE_URL: url, ENKASH_WEBHOOK_SECRET: secret, AUTH_SECRET: randomToken(32), PAYOPS_ENCRYPTION_KEY: randomToken(32), AUDIT_HMAC_KEY: randomToken(32), JOB_WORKERS: 'on', SWEEP_LOOKBACK_DAYS: '1', SWEEP_MIN_AGE_MINUTES: '1440' };
  const results: { mode: 'off' | 'on'; rps: number; p99: number; non2xx: number; load: string; verified: number }[] = [];
  for (let round = 0; round < o.rounds; round++) {
    for (const mode of ['off', 'on'] as const) {
      const env = mode === 'on' ? { ...base, ...sandbox.env } : base;
      const s = spawnServer(await freePort(), env);
      await s.ready();
      const fresh = freshDeliveries();
      const target = { url: `${s.url}/api/webhooks/enkash/notify?key=${secret}`, method: 'POST', headers: { 'content-type': 'application/json' }, requests: [fresh.request], connections: CONNECTIONS, pipelining: 1 };
      await cannon({ ...target, duration: 3 });
      const [{ before }] = await queryRows<{ before: number }>(handle.db, sql`SELECT count(*)::int AS before FROM pgboss.job WHERE name = 'payments-verify' AND state = 'completed'`);
      const r = await cannon({ ...target, duration: o.window });
      const [{ after }] = await queryRows<{ after: number }>(handle.db, sql`SELECT count(*)::int AS after FROM pgboss.job WHERE name = 'payments-verify' AND state = 'completed'`);
      results.push({ mode, rps: (r.requests.total / r.duration), p99: r.latency.p99, non2xx: r.non2xx + r.errors, load: load(), verified: after - before });
      console.log(`round ${round + 1}, verification jobs ${mode}: ${(r.requests.total / r.duration).toFixed(0)} req/s, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx + r.errors}, checks completed during the window ${after - before}, load ${load()}`);
      await s.stop();
      await handle.db.execute(sql`DELETE FROM pgboss.job WHERE name = 'payments-verify'`);
    }
  }
  const mean = (mode: 'off' | 'on') => results.filter((r) => r.mode === mode).reduce((a, r) => a + r.rps, 0) / o.rounds;
  const ratio = mean('on') / mean('off');
  console.log(`\nwebhook throughput, verification jobs on / off: ${mean('on').toFixed(0)} / ${mean('off').toFixed(0)} req/s = ${ratio.toFixed(3)} (target ≥ 0.90: ${ratio >= 0.9 ? 'met' : 'MISSED'})`);
  await handle.db.execute(sql`DELETE FROM transactions WHERE transaction_id LIKE 'EKBENCH%'`).catch(() => {});

  // 2. The sweeper on the shaped million, from a clean queue and the shape prepared above (the
  // rounds' servers may have left a scheduled job running when they stopped).
  await handle.db.execute(sql`DELETE FROM pgboss.job WHERE name IN ('payments-sweep', 'payments-verify')`);
  await prepare(handle, o.payments);
  process.env.SWEEP_PER_PROVIDER_PER_MINUTE = '10000';
  process.env.SWEEP_MIN_AGE_MINUTES = '5';
  Object.assign(process.env, sandbox.env);
  const { selectSweepCandidates, sweepLimits } = await import('@/lib/payments/sweep');
  const limits = { ...sweepLimits(), perProviderPerMinute: 60 };
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    await selectSweepCandidates(handle.db, 'enkash', limits);
    times.push(performance.now() - t0);
  }
  console.log(`\nsweeper candidate query (60 per provider per minute, the default): p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms over 30 runs`);
  const plan = await queryRows<{ 'QUERY PLAN': string }>(handle.db, sql`EXPLAIN SELECT id FROM transactions WHERE provider = 'enkash' AND (status_family = 'open' OR verification IN ('unconfirmed', 'error')) AND txn_at > now() - interval '7 days' ORDER BY txn_at DESC LIMIT 60`);
  console.log(`plan: ${plan.map((p) => p['QUERY PLAN'].trim()).slice(0, 3).join(' | ')}`);

  const { startJobs } = await import('@/lib/jobs/runtime');
  const { sendJob } = await import('@/lib/jobs/boss');
  const { sweepQueue } = await import('@/lib/payments/sweep');
  const { verifyQueue } = await import('@/lib/payments/verify-job');
  const { getProviders } = await import('@/lib/providers');
  const jobs = await startJobs(handle, { work: true, providers: getProviders, queues: [verifyQueue, sweepQueue] });
  onCleanup('stop jobs', () => jobs.stop(3000));
  const t0 = performance.now();
  const sweepId = await sendJob(sweepQueue, {});
  let queued = 0;
  for (;;) {
    const [j] = await queryRows<{ state: string; output: any }>(handle.db, sql`SELECT state::text AS state, output FROM pgboss.job WHERE id = ${sweepId}::uuid`);
    if (j?.state === 'completed') {
      queued = Number(j.output?.queued?.enkash ?? 0);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const sweepMs = performance.now() - t0;
  for (;;) {
    const [{ left }] = await queryRows<{ left: number }>(handle.db, sql`SELECT count(*)::int AS left FROM pgboss.job WHERE name = 'payments-verify' AND state < 'completed'`);
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const totalMs = performance.now() - t0;
  const [flags] = await queryRows<{ mismatch: number; stuck: number }>(
    handle.db,
    sql`SELECT count(*) FILTER (WHERE verification = 'mismatch')::int AS mismatch, count(*) FILTER (WHERE 'stuck' = ANY(flags))::int AS stuck FROM transactions WHERE status_family = 'open'`,
  );
  console.log(
    `sweep with the limit lifted: ${queued} candidates queued in ${sweepMs.toFixed(0)} ms; all ${queued} checked against the simulator in ${(totalMs / 1000).toFixed(1)} s = ${((queued * 1000) / totalMs).toFixed(0)} checks/s (one process, ${verifyQueue.concurrency} workers); afterwards ${flags.mismatch} open payments mismatch (the simulator does not know them), ${flags.stuck} flagged stuck; load ${load()}`,
  );
  return results.some((r) => r.non2xx > 0) ? 1 : 0;
}

runBenchmark(main);
