import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, queryRows, type DbHandle } from '@/db/client';
import { createPgliteTestDb, createPostgresTestDb, postgresReachable, type TestDb } from '@/db/testing';
import { checkDatabase } from '@/lib/health';
import { exampleWith, notifyRequest } from '@/test/enkash';
import { startTcpProxy } from '@/test/tcp-proxy';
import { handleEnkashNotify } from './enkash-notify';

// The provider must be told to retry (a 5xx, never a 200) within 5 s when the database goes away.
const SECRET = 'outage-secret';
const post = (db: DbHandle, id: string) =>
  handleEnkashNotify(notifyRequest(exampleWith({ transactionId: id }), { key: SECRET }), { db: async () => db.db, secret: SECRET });

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

describe.skipIf(!(await postgresReachable()))('a Postgres that goes away mid-run', () => {
  let t: TestDb;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let db: DbHandle;
  beforeAll(async () => {
    t = await createPostgresTestDb();
    const url = new URL(t.url!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    db = await openDb({ databaseUrl: url.toString(), timeoutMs: 3000, poolMax: 4 });
  });
  afterAll(async () => {
    await db?.close().catch(() => {});
    await proxy?.close();
    await t?.cleanup();
  });

  it('answers 200 while it is up, 503 within 5 s when it is down or hangs, and 200 again once it is back', async () => {
    expect((await post(db, 'EKOUT1')).status).toBe(200);

    proxy.down();
    const down = await timed(() => post(db, 'EKOUT2'));
    expect(down.value.status).toBe(503);
    expect((await down.value.json()).error.code).toBe('unavailable');
    expect(down.ms).toBeLessThan(5000);
    expect((await checkDatabase(async () => db)).status).toBe('unavailable');

    proxy.hang();
    const hung = await timed(() => post(db, 'EKOUT3'));
    expect(hung.value.status).toBe(503);
    expect(hung.ms).toBeLessThan(5000);

    proxy.up();
    let back = await post(db, 'EKOUT4');
    // The pool may hand out one connection that died while the proxy hung; the next is fresh.
    if (back.status !== 200) back = await post(db, 'EKOUT4');
    expect(back.status).toBe(200);

    // A database that stops answering on a connection already open: the query deadline fires.
    proxy.hang();
    const stalled = await timed(() => post(db, 'EKOUT5'));
    expect(stalled.value.status).toBe(503);
    expect(stalled.ms).toBeLessThan(5000);
    proxy.up();
    // Nothing answered 200 that was not stored; EKOUT2/3 were refused and will be retried.
    const stored = await queryRows<{ transaction_id: string }>(t.handle.db, sql`SELECT transaction_id FROM transactions ORDER BY id`);
    expect(stored.map((r) => r.transaction_id)).toEqual(['EKOUT1', 'EKOUT4']);
  });
});

describe('an embedded PGlite that is closed under the server', () => {
  it('answers 503, never a 200', async () => {
    const t = await createPgliteTestDb();
    expect((await post(t.handle, 'EKCLOSED1')).status).toBe(200);
    await t.handle.close();
    const res = await post(t.handle, 'EKCLOSED2');
    expect(res.status).toBe(503);
    expect((await checkDatabase(async () => t.handle)).status).toBe('unavailable');
  });
});
