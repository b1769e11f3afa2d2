import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDb, queryRows, type DbHandle } from '@/db/client';
import { createPostgresTestDb, postgresReachable, type TestDb } from '@/db/testing';
import { checkDatabase, checkLiveness } from '@/lib/health';
import { handleOtpApi } from '@/lib/otp/api';
import type { OtpLimits } from '@/lib/otp/policy';
import type { Providers } from '@/lib/providers';
import { errorResponse } from '@/lib/route';
import type { Sandbox } from '@/sandbox/server';
import { startSandboxWithProviders } from '@/sandbox/testing';
import { exampleWith, notifyRequest } from '@/test/enkash';
import { startTcpProxy } from '@/test/tcp-proxy';
import { handleEnkashNotify } from './enkash-notify';

// Issue 7, item 1: a database that stalls, hangs or is cut, again and again, under concurrent
// webhook and OTP traffic. Afterwards the instance must serve again within 15 s, with no
// connection left idle in a transaction, and every delivery it acknowledged stored once.
const SECRET = 'stall-secret';
const TOKEN = 'stall-token';
const TIMEOUT_MS = 1000;
const CYCLES = 16;
const LIMITS: OtpLimits = { maxPerPayment: 3, cooldownSeconds: 0, maxPerAgentPerHour: 1_000_000, maxGlobalPerHour: 1_000_000, windowMinutes: 10, maxValidationsPerPayment: 5 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!(await postgresReachable()))('an instance whose database stalls under load', () => {
  let t: TestDb;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let db: DbHandle;
  let sandbox: Sandbox;
  let providers: Providers;
  let n = 0;
  const acknowledged: string[] = [];
  const statuses = new Map<number, number>();

  const webhook = async () => {
    const id = `EKSTALL${process.pid}x${++n}`;
    const res = await handleEnkashNotify(notifyRequest(exampleWith({ transactionId: id }), { key: SECRET }), { db: async () => db.db, secret: SECRET });
    if (res.status === 200) acknowledged.push(id);
    return res.status;
  };
  const otp = async () => {
    const id = `txn_stall_${process.pid}x${++n}`;
    const body = { provider: 'juspay', transactionId: id, challengeId: `ch_${id}`, customerId: 'cust_1' };
    const req = new Request('http://payops.test/api/v1/otp/resend', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
    const res = await handleOtpApi(req, 'resend', { db: db.db, providers, apiToken: TOKEN, limits: LIMITS }).catch((err) => errorResponse(err, req));
    return res.status;
  };
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);

  /** Concurrent webhook and OTP callers until `stop` is set. */
  const load = (stop: { now: boolean }) =>
    Promise.all(
      Array.from({ length: 6 }, async (_, worker) => {
        while (!stop.now) {
          count(await (worker % 3 === 2 ? otp() : webhook()));
          await sleep(5);
        }
      }),
    );

  /** Milliseconds until a webhook, an OTP resend and the readiness check all succeed. */
  const recovery = async () => {
    const started = performance.now();
    while (performance.now() - started < 20_000) {
      const [w, o, h] = await Promise.all([webhook(), otp(), checkDatabase(async () => db)]);
      if (w === 200 && o === 200 && h.status === 'ok') return performance.now() - started;
      await sleep(100);
    }
    return Infinity;
  };

  beforeAll(async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    t = await createPostgresTestDb();
    const url = new URL(t.url!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    db = await openDb({ databaseUrl: url.toString(), timeoutMs: TIMEOUT_MS, poolMax: 4 });
    const started = await startSandboxWithProviders({ timeoutMs: 2000 });
    sandbox = started.sandbox;
    providers = started.providers();
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await db?.close().catch(() => {});
    await proxy?.close();
    await sandbox?.close();
    await t?.cleanup();
  });

  it(`serves again within 15 s after each of ${CYCLES} stalls, hangs and cuts, and never answers 500`, async () => {
    const stop = { now: false };
    const running = load(stop);
    const recoveries: number[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      await sleep(300);
      const fault = (['stall', 'hang', 'cut'] as const)[cycle % 3];
      proxy[fault]();
      await sleep(1500 + (cycle % 4) * 500); // a few seconds, longer than the query deadline
      proxy.up();
      recoveries.push(await recovery());
    }
    stop.now = true;
    await running;

    process.stdout.write(`[stall] recovery after each fault (ms): ${recoveries.map((r) => Math.round(r)).join(', ')}; statuses: ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    expect(Math.max(...recoveries), `recovery times: ${recoveries.map((r) => Math.round(r)).join(', ')} ms`).toBeLessThan(15_000);
    // Only success, refusal for a limit, or "try again" — never an internal error.
    expect([...statuses.keys()].filter((s) => ![200, 429, 503, 504].includes(s)), JSON.stringify([...statuses])).toEqual([]);
    expect(statuses.get(503) ?? 0, 'the faults were felt').toBeGreaterThan(0);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(50);

    // No session of the app's is left inside a transaction, and the pool holds at most its size.
    const admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
    try {
      const deadline = Date.now() + 15_000;
      let sessions: { state: string; application_name: string }[] = [];
      do {
        sessions = (
          await admin.query<{ state: string; application_name: string }>(
            `SELECT state, application_name FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
          )
        ).rows;
        if (!sessions.some((s) => s.state.startsWith('idle in transaction'))) break;
        await sleep(500);
      } while (Date.now() < deadline);
      expect(sessions.filter((s) => s.state.startsWith('idle in transaction'))).toEqual([]);
      // The live-update doorbell (lib/live/ring.ts) is one connection of its own beside the pool.
      expect(sessions.filter((s) => s.application_name !== 'payops-doorbell').length).toBeLessThanOrEqual(4);
      expect(sessions.filter((s) => s.application_name === 'payops-doorbell').length).toBeLessThanOrEqual(1);
    } finally {
      await admin.end();
    }

    // Every acknowledged delivery is stored exactly once.
    const stored = await queryRows<{ transaction_id: string }>(t.handle.db, sql`SELECT transaction_id FROM transactions WHERE provider = 'enkash'`);
    const storedIds = new Set(stored.map((r) => r.transaction_id));
    expect(acknowledged.filter((id) => !storedIds.has(id))).toEqual([]);
    expect(stored.length).toBe(storedIds.size);
  }, 240_000);

  it('liveness fails once the database has failed every call past its bound, and recovers by itself', async () => {
    expect(checkLiveness(db, 3000).status).toBe('ok');
    proxy.hang();
    const started = Date.now();
    while (Date.now() - started < 4500) {
      await webhook();
      await sleep(200);
    }
    expect(checkLiveness(db, 3000)).toMatchObject({ status: 'failing' });
    proxy.up();
    // No traffic at all: liveness's own background probe notices the database is back.
    const deadline = Date.now() + 15_000;
    while (checkLiveness(db, 3000).status !== 'ok' && Date.now() < deadline) await sleep(200);
    expect(checkLiveness(db, 3000).status).toBe('ok');
  }, 60_000);
});
