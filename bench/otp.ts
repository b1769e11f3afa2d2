// npm run bench:otp [-- --requests N --concurrency C --delay MS] — what the OTP proxy adds on top of the
// provider: the simulator's own latency for a Juspay resend (called directly) against
// POST /api/v1/otp/resend on a production build and a throwaway Postgres database (fresh payments,
// so no limit interferes). Prints figures; exits 1 only when a request failed, never on a missed target.
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startSandbox } from '@/sandbox/server';
import { cleanupOnSignals, createDatabase, ensureBuild, freePort, onCleanup, percentile, randomToken, redactUrl, runBenchmark, spawnServer } from './lib';

const TARGET_P95_MS = 20;
const WARMUP = 30;

function options() {
  const { values } = parseArgs({
    options: { requests: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '1' }, delay: { type: 'string', default: '50' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log('Usage: npm run bench:otp [-- --requests N (300) --concurrency C (1) --delay MS (50, the simulator’s added latency)]');
    process.exit(0);
  }
  const n = (v: string, name: string, min: number) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got ${v}`);
    return x;
  };
  return { requests: n(values.requests!, 'requests', 10), concurrency: n(values.concurrency!, 'concurrency', 1), delay: n(values.delay!, 'delay', 0) };
}

/** Runs `one(i)` `total` times over `concurrency` workers; returns each call's milliseconds. */
async function timed(total: number, concurrency: number, one: (i: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const started = performance.now();
        await one(i);
        samples.push(performance.now() - started);
      }
    }),
  );
  return samples;
}

async function main(): Promise<number> {
  const { requests, concurrency, delay } = options();
  cleanupOnSignals();
  await ensureBuild();

  const sandbox = await startSandbox();
  onCleanup('stop the simulator', sandbox.close);
  // Every Juspay resend waits `delay` ms before answering: the provider's own latency.
  sandbox.control.setFault('juspay.resend', { mode: 'ok', delayMs: delay });

  const base = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createDatabase(base);
  onCleanup('drop database', database.drop);
  const token = randomToken();
  const server = spawnServer(await freePort(), {
    ...sandbox.env,
    DATABASE_URL: database.url,
    ENKASH_WEBHOOK_SECRET: randomToken(24),
    AUTH_SECRET: randomToken(32), PAYOPS_ENCRYPTION_KEY: randomToken(32), AUDIT_HMAC_KEY: randomToken(32),
    PAYOPS_API_TOKEN: token,
    OTP_MAX_GLOBAL_PER_HOUR: '1000000',
  });
  onCleanup('stop server', server.stop);
  await server.ready();

  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  onCleanup('close database client', () => db.end());
  const { rows } = await db.query<{ server_version: string }>('SHOW server_version');
  console.log(`machine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, PostgreSQL ${rows[0].server_version}; simulator, server and database share them`);
  console.log(`command: ${process.env.BENCH_DATABASE_URL ? `BENCH_DATABASE_URL=${redactUrl(base)} ` : ''}npm run bench:otp -- --requests ${requests} --concurrency ${concurrency} --delay ${delay}`);
  console.log(`server: ${server.url} (next start), database ${database.name}, simulator ${sandbox.url} (+${delay} ms per Juspay resend)\n`);

  const run = randomToken(4);
  const failures: string[] = [];
  const direct = async (i: number) => {
    const id = `direct_${run}_${i}`;
    const res = await fetch(`${sandbox.baseUrls.juspay}/v2/txns/${id}/authenticate/ch_${id}/resend`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${sandbox.env.JUSPAY_API_KEY}:`).toString('base64')}`, 'x-routing-id': 'cust_bench' },
    });
    await res.text();
    if (res.status !== 200) failures.push(`direct ${res.status}`);
  };
  const proxy = (prefix: string) => async (i: number) => {
    const id = `${prefix}_${run}_${i}`;
    const res = await fetch(`${server.url}/api/v1/otp/resend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'juspay', transactionId: id, challengeId: `ch_${id}`, customerId: 'cust_bench' }),
    });
    const body = await res.text();
    if (res.status !== 200) failures.push(`proxy ${res.status} ${body.slice(0, 200)}`);
  };

  // The framework's own floor for this route: the same POST refused at the token check, no I/O.
  const floor = async () => {
    const res = await fetch(`${server.url}/api/v1/otp/resend`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await res.text();
    if (res.status !== 401) failures.push(`floor ${res.status}`);
  };

  process.stdout.write(`warm-up: ${WARMUP} of each … `);
  await timed(WARMUP, concurrency, floor);
  await timed(WARMUP, concurrency, direct);
  await timed(WARMUP, concurrency, proxy('warm'));
  console.log('done');
  // Alternating rounds, so a slow patch of the machine hits both series alike.
  const rounds = 5;
  const directMs: number[] = [];
  const proxyMs: number[] = [];
  const floorMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const size = Math.ceil(requests / rounds);
    floorMs.push(...(await timed(size, concurrency, floor)));
    directMs.push(...(await timed(size, concurrency, (i) => direct(r * size + i + 1_000_000))));
    proxyMs.push(...(await timed(size, concurrency, (i) => proxy('bench')(r * size + i))));
  }

  const attempts = await db.query<{ sent: number }>(`SELECT count(*) FILTER (WHERE outcome = 'sent')::int AS sent FROM otp_attempts`);
  // One row at the reservation and one with the outcome, per attempt.
  const audit = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'otp.resend_requested' AND outcome <> 'reserved'`);
  const fmt = (x: number) => x.toFixed(1).padStart(7);
  const line = (name: string, s: number[]) => console.log(`${name.padEnd(26)} ${fmt(percentile(s, 50))} ${fmt(percentile(s, 95))} ${fmt(percentile(s, 99))}   ${s.length}`);
  console.log(`\n${'Juspay resend'.padEnd(26)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)}   requests (concurrency ${concurrency})`);
  line('simulator, called directly', directMs);
  line('through PayOps (proxy)', proxyMs);
  line('floor: refused at the token', floorMs);
  const overhead50 = percentile(proxyMs, 50) - percentile(directMs, 50);
  const overhead95 = percentile(proxyMs, 95) - percentile(directMs, 95);
  console.log(`${'PayOps overhead'.padEnd(26)} ${fmt(overhead50)} ${fmt(overhead95)}   (proxy − simulator; the framework floor is part of it)`);
  console.log(`\noverhead p95 ${overhead95.toFixed(1)} ms   target ≤ ${TARGET_P95_MS} ms   ${overhead95 <= TARGET_P95_MS ? 'met' : 'MISSED'}`);
  console.log(`check (SQL): ${attempts.rows[0].sent} attempts sent, ${audit.rows[0].n} audit rows (expected ${requests + WARMUP} each, more when --requests does not divide by ${rounds})`);
  if (failures.length) console.log(`FAILED requests: ${failures.length}, first: ${failures[0]}`);
  return failures.length ? 1 : 0;
}

runBenchmark(main);
