// npm run bench:stall — a production server whose database connection stalls, hangs and is cut,
// again and again, under concurrent webhook and OTP traffic. Prints, per fault, how long until a
// webhook, an OTP resend and /api/health all answer 200 again; the status counts; sessions left
// idle in a transaction; liveness through a long outage; and how long SIGTERM takes mid-stall.
// Prints figures; exits 1 only when a request got a 500 or an acknowledged delivery was lost.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startSandbox } from '@/sandbox/server';
import { exampleWith } from '@/test/enkash';
import { startTcpProxy } from '@/test/tcp-proxy';
import { cleanupOnSignals, createDatabase, ensureBuild, freePort, onCleanup, redactUrl, runBenchmark, spawnServer } from './lib';

const BASE_URL = process.env.BENCH_DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';
const SECRET = 'bench-stall-secret-0123456789abcdef';
const TOKEN = 'bench-stall-token';
const LIVENESS_BOUND_S = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const { values } = parseArgs({ options: { cycles: { type: 'string', default: '16' }, workers: { type: 'string', default: '8' } } });
  const cycles = Number(values.cycles);
  const workers = Number(values.workers);
  cleanupOnSignals();
  await ensureBuild();
  const database = await createDatabase(BASE_URL);
  onCleanup('drop the database', database.drop);
  const target = new URL(database.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  onCleanup('close the proxy', proxy.close);
  const viaProxy = new URL(database.url);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  const sandbox = await startSandbox();
  onCleanup('close the simulator', () => sandbox.close());

  const server = spawnServer(await freePort(), {
    ...sandbox.env,
    DATABASE_URL: viaProxy.href,
    ENKASH_WEBHOOK_SECRET: SECRET,
    AUTH_SECRET: 'bench-stall-auth-secret-0123456789abcdef',
    PAYOPS_ENCRYPTION_KEY: 'YmVuY2gtc3RhbGwtZW5jcnlwdGlvbi1rZXktMzJieXQ',
    AUDIT_HMAC_KEY: 'bench-stall-audit-hmac-key-0123456789abcdef',
    PAYOPS_API_TOKEN: TOKEN,
    LIVENESS_DB_FAILURE_SECONDS: String(LIVENESS_BOUND_S),
    OTP_MAX_PER_AGENT_PER_HOUR: '10000',
    OTP_MAX_GLOBAL_PER_HOUR: '1000000',
  });
  onCleanup('stop the server', server.stop);
  await server.ready();
  console.log(`server ${server.url} on ${redactUrl(database.url)} through a TCP proxy; ${workers} concurrent callers; ${cycles} faults`);

  let n = 0;
  const acknowledged: string[] = [];
  const statuses: Record<string, number> = {};
  const post = async (path: string, body: string, headers: Record<string, string>) => {
    try {
      const res = await fetch(`${server.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(20_000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0; // no answer at all
    }
  };
  const webhook = async () => {
    const id = `EKBSTALL${++n}x${Date.now()}`;
    const status = await post(`/api/webhooks/enkash/notify?key=${SECRET}`, exampleWith({ transactionId: id }), {});
    if (status === 200) acknowledged.push(id);
    return status;
  };
  const otp = async () => {
    const id = `txn_bstall_${++n}x${Date.now()}`;
    return post('/api/v1/otp/resend', JSON.stringify({ provider: 'juspay', transactionId: id, challengeId: `ch_${id}`, customerId: 'cust_1' }), { authorization: `Bearer ${TOKEN}` });
  };
  const get = async (path: string) => {
    try {
      const res = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(20_000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  };

  const stop = { now: false };
  const load = Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (!stop.now) {
        // One caller in four resends OTPs, paced: the per-agent hourly limit (at most 10,000) must
        // not be what refuses them.
        const isOtp = w % 4 === 3;
        const status = await (isOtp ? otp() : webhook());
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (isOtp) await sleep(100);
      }
    }),
  );
  const recovery = async () => {
    const started = performance.now();
    let last: number[] = [];
    while (performance.now() - started < 60_000) {
      last = await Promise.all([webhook(), otp(), get('/api/health')]);
      if (last.every((s) => s === 200)) return (performance.now() - started) / 1000;
      await sleep(100);
    }
    console.log(`no recovery within 60 s: webhook, OTP, health answered ${last.join(', ')}`);
    return Infinity;
  };

  const recoveries: { fault: string; seconds: number; stalledS: number }[] = [];
  for (let cycle = 0; cycle < cycles; cycle++) {
    await sleep(1000);
    const fault = (['stall', 'hang', 'cut'] as const)[cycle % 3];
    const stalledS = 2 + (cycle % 3);
    proxy[fault]();
    await sleep(stalledS * 1000);
    proxy.up();
    recoveries.push({ fault, stalledS, seconds: await recovery() });
    const r = recoveries.at(-1)!;
    console.log(`fault ${cycle + 1}/${cycles}: ${r.fault} for ${r.stalledS} s, serves again after ${r.seconds.toFixed(2)} s`);
  }
  stop.now = true;
  await load;

  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  const sessions = (await admin.query<{ state: string; n: number }>(`SELECT coalesce(state, '?') AS state, count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1`)).rows;
  const stored = (await admin.query<{ transaction_id: string }>(`SELECT transaction_id FROM transactions WHERE provider = 'enkash'`)).rows;
  const storedIds = new Set(stored.map((r) => r.transaction_id));
  const lost = acknowledged.filter((id) => !storedIds.has(id));
  const acknowledgedCount = acknowledged.length;

  // Liveness through an outage longer than its bound, and back.
  proxy.hang();
  const outage = performance.now();
  let liveDuring = 200;
  while (performance.now() - outage < (LIVENESS_BOUND_S + 10) * 1000) {
    void webhook();
    liveDuring = await get('/api/health/live');
    if (liveDuring === 503) break;
    await sleep(250);
  }
  const liveFailedAfterS = (performance.now() - outage) / 1000;
  proxy.up();
  const back = performance.now();
  while ((await get('/api/health/live')) !== 200 && performance.now() - back < 30_000) await sleep(250);
  const liveBackAfterS = (performance.now() - back) / 1000;

  // SIGTERM while a stall holds statements in flight.
  const inFlight = Array.from({ length: workers }, () => webhook());
  await sleep(200);
  proxy.stall();
  await sleep(500);
  const term = performance.now();
  await server.stop();
  const stopS = (performance.now() - term) / 1000;
  proxy.up();
  await Promise.all(inFlight);
  await admin.end();

  const worst = Math.max(...recoveries.map((r) => r.seconds));
  console.log('\nfault  held  serves again after');
  for (const r of recoveries) console.log(`${r.fault.padEnd(6)} ${String(r.stalledS).padStart(3)} s  ${r.seconds.toFixed(2)} s`);
  console.log(`\nworst recovery: ${worst.toFixed(2)} s (target ≤ 15 s)`);
  console.log(`statuses under load: ${JSON.stringify(statuses)} (0 = no answer)`);
  console.log(`sessions afterwards: ${JSON.stringify(sessions)}; idle in transaction: ${sessions.filter((s) => s.state.startsWith('idle in transaction')).reduce((a, s) => a + s.n, 0)}`);
  console.log(`acknowledged deliveries: ${acknowledgedCount}, stored: ${storedIds.size}, lost: ${lost.length}`);
  console.log(`liveness: ${liveDuring} after ${liveFailedAfterS.toFixed(1)} s of outage (bound ${LIVENESS_BOUND_S} s); 200 again ${liveBackAfterS.toFixed(1)} s after the database came back`);
  console.log(`SIGTERM mid-stall: the server was gone after ${stopS.toFixed(2)} s (target ≤ 10 s)`);
  return (statuses[500] ?? 0) > 0 || lost.length > 0 ? 1 : 0;
}

runBenchmark(main);
