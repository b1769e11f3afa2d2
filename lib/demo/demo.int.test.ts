import fs from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { createPgliteTestDb, type TestDb } from '@/db/testing';
import { verifyTransaction } from '@/lib/payments/verify';
import { parseEnv } from '@/lib/env';
import { createProviders, providersConfig, type Providers } from '@/lib/providers';
import { handleEnkashNotify } from '@/lib/webhooks/enkash-notify';
import { handleJuspayWebhook } from '@/lib/webhooks/juspay';
import { startSandbox, type Sandbox } from '@/sandbox/server';
import { startSandboxWithProviders } from '@/sandbox/testing';
import { DOCUMENTED_EXAMPLE, notifyRequest } from '@/test/enkash';
import { demoProviderPaymentsFile, seedDemo } from './seed';

/**
 * The embedded demo as `npm start` runs it: the simulator starts first and learns the seeded
 * payments from the file the seed writes beside the database, so a re-check confirms them; its
 * demo traffic reaches the real webhook handlers and is confirmed too.
 */
let t: TestDb;
let dir: string;
let sandbox: Sandbox;
let providers: Providers;
const rows = <T = Record<string, any>>(query: ReturnType<typeof sql>) => queryRows<T>(t.handle.db, query);
const db = () => t.handle.db;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'payops-demo-'));
  t = await createPgliteTestDb();
  // Started before anything is seeded, as `npm start` may.
  const started = await startSandboxWithProviders({ timeoutMs: 2000, knownPayments: [demoProviderPaymentsFile(dir)] });
  sandbox = started.sandbox;
  providers = started.providers();
  await seedDemo(t.handle, dir, 40);
});
afterAll(async () => {
  await sandbox?.close();
  await t?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the embedded demo and its simulator', () => {
  it('re-checks every seeded payment as confirmed, Enkash and the pending Juspay one alike', async () => {
    const seeded = await rows<{ id: number; provider: string }>(sql`SELECT id, provider FROM transactions ORDER BY id`);
    expect(seeded.length).toBeGreaterThan(40);
    expect(new Set(seeded.map((r) => r.provider))).toEqual(new Set(['enkash', 'juspay']));
    for (const r of seeded) {
      const result = await verifyTransaction(db(), providers, { id: Number(r.id) });
      expect(result, `${r.provider} #${r.id}: ${result?.detail}`).toMatchObject({ verification: 'confirmed' });
    }
    const [mismatches] = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM transactions WHERE 'provider_mismatch' = ANY(flags)`);
    expect(mismatches.n).toBe(0);
  });

  it('has a status conflict as an open case, for finance to resolve (issue 10)', async () => {
    const [c] = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM cases WHERE kind = 'status_conflict' AND state = 'open'`);
    expect(c.n).toBeGreaterThanOrEqual(1);
  });

  it('learns the pending Juspay payment of a later start, also by its txn_uuid (the id its OTP calls use)', async () => {
    await seedDemo(t.handle, dir, 40); // a restart: users exist, only a fresh pending Juspay payment is added
    const [fresh] = await rows<{ id: number; transaction_id: string; unique_transaction_id: string }>(
      sql`SELECT id, transaction_id, unique_transaction_id FROM transactions WHERE provider = 'juspay' ORDER BY id DESC LIMIT 1`,
    );
    expect(await verifyTransaction(db(), providers, { id: Number(fresh.id) })).toMatchObject({ verification: 'confirmed', verifiedStatus: 'PENDING_VBV', verifiedFamily: 'open' });
    expect(sandbox.control.transaction('juspay', fresh.unique_transaction_id)?.id).toBe(fresh.transaction_id);
  });

  it('backfills the file from the database for a demo seeded before there was one', async () => {
    fs.rmSync(demoProviderPaymentsFile(dir));
    await seedDemo(t.handle, dir, 40);
    const lines = fs.readFileSync(demoProviderPaymentsFile(dir), 'utf8').trim().split('\n');
    const [count] = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM transactions`);
    expect(lines).toHaveLength(count.n);
    const fresh = await startSandbox({ knownPayments: [demoProviderPaymentsFile(dir)] });
    try {
      const [one] = await rows<{ transaction_id: string; status: string }>(sql`SELECT transaction_id, status FROM transactions WHERE provider = 'enkash' LIMIT 1`);
      expect(fresh.control.transaction('enkash', one.transaction_id)?.status).toBe(one.status);
    } finally {
      await fresh.close();
    }
  });

  it('confirms npm run notify\u2019s documented example', async () => {
    const res = await handleEnkashNotify(notifyRequest(DOCUMENTED_EXAMPLE), { db: async () => db(), secret: undefined });
    expect(res.status).toBe(200);
    const [row] = await rows<{ id: number }>(sql`SELECT id FROM transactions WHERE transaction_id = 'EK1738916997652yh8GL'`);
    expect(await verifyTransaction(db(), providers, { id: Number(row.id) })).toMatchObject({ verification: 'confirmed', verifiedStatus: 'SUCCESS' });
  });
});

describe('demo traffic into the real webhooks', () => {
  const SECRET = 'demo-traffic-secret';
  const JUSPAY = { username: 'payops', password: 'demo-traffic-hook' };
  let payops: { url: string; close: () => Promise<void> };
  let traffic: Sandbox;

  beforeAll(async () => {
    payops = await servePayops({ secret: SECRET, juspay: JUSPAY });
    traffic = await startSandbox({ payopsUrl: payops.url, webhookAuth: { enkashKey: SECRET, juspayUsername: JUSPAY.username, juspayPassword: JUSPAY.password }, trafficTickMs: 10 });
  });
  afterAll(async () => {
    await traffic?.close();
    await payops?.close();
  });

  it('is accepted and confirmed; a payment whose final notification never came is found unconfirmed with a final family', async () => {
    const [{ max }] = await rows<{ max: number }>(sql`SELECT coalesce(max(id), 0)::int AS max FROM transactions`);
    // Payments by hand below; finals come 50 ms after a PENDING one.
    traffic.control.traffic.start({ minIntervalMs: 3_600_000, maxIntervalMs: 3_600_000, minFinalAfterMs: 50, maxFinalAfterMs: 50 });
    const send = (body: unknown) =>
      fetch(`${traffic.url}/__sandbox/traffic/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
    for (const provider of ['enkash', 'juspay']) {
      expect(await send({ provider, flow: 'final', success: true })).toMatchObject({ status: 200 });
      expect(await send({ provider, flow: 'final', success: false })).toMatchObject({ status: 200 });
    }
    expect(await send({ provider: 'juspay', flow: 'lost', success: true })).toMatchObject({ status: 200 });
    const sent = await rows<{ id: number; provider: string; transaction_id: string; status: string }>(
      sql`SELECT id, provider, transaction_id, status FROM transactions WHERE id > ${max} ORDER BY id`,
    );
    expect(sent.map((r) => r.status).sort()).toEqual(['AUTHENTICATION_FAILED', 'CHARGED', 'FAILED', 'PENDING_VBV', 'SUCCESS']);
    const lost = sent.find((r) => r.status === 'PENDING_VBV')!;
    // Its final status comes at the provider, silently.
    for (let i = 0; i < 300 && traffic.control.transaction('juspay', lost.transaction_id)?.status !== 'CHARGED'; i++) await sleep(10);

    const p = clientsFor(traffic);
    for (const r of sent.filter((x) => x !== lost)) {
      expect((await verifyTransaction(db(), p, { id: Number(r.id) }))!.verification, `${r.provider} ${r.status}`).toBe('confirmed');
    }
    expect(await verifyTransaction(db(), p, { id: Number(lost.id) })).toMatchObject({ verification: 'unconfirmed', status: 'PENDING_VBV', verifiedStatus: 'CHARGED', verifiedFamily: 'success' });
    const [flagged] = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM transactions WHERE id > ${max} AND cardinality(flags) > 0`);
    expect(flagged.n).toBe(0);
  });

  it('sends deliveries PayOps refuses and records: a wrong secret (401) and a malformed body (400)', async () => {
    const before = await refusals();
    for (const bad of ['wrong_secret', 'malformed', 'wrong_secret', 'malformed']) {
      const res = await fetch(`${traffic.url}/__sandbox/traffic/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ bad }) });
      expect((await res.json()).status).toBe(bad === 'malformed' ? 400 : 401);
    }
    const after = await refusals();
    expect({ 400: after[400] - before[400], 401: after[401] - before[401] }).toEqual({ 400: 2, 401: 2 });
  });

  async function refusals() {
    const r = await rows<{ s: number; n: number }>(sql`SELECT http_status AS s, count(*)::int AS n FROM deliveries WHERE http_status IN (400, 401) GROUP BY 1`);
    const by = Object.fromEntries(r.map((x) => [Number(x.s), x.n]));
    return { 400: by[400] ?? 0, 401: by[401] ?? 0 };
  }

  /** PayOps' two webhook endpoints over HTTP, on the test database. */
  async function servePayops(o: { secret: string; juspay: { username: string; password: string } }) {
    const server = createServer(async (req, res) => {
      const request = await toRequest(req);
      const deps = { db: async () => db() };
      const response = req.url?.startsWith('/api/webhooks/juspay')
        ? await handleJuspayWebhook(request, { ...deps, credentials: { ...o.juspay, required: true } })
        : await handleEnkashNotify(request, { ...deps, secret: o.secret });
      res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
  }
});

async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  headers.set('x-forwarded-for', '127.0.0.1');
  return new Request(`http://payops.test${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
}

/** Provider clients pointed at an already started simulator. */
function clientsFor(s: Sandbox): Providers {
  return createProviders(providersConfig(parseEnv({ ...s.env, PROVIDER_TIMEOUT_MS: '2000' })));
}
