import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, queryRows, type Db, type DbHandle } from '@/db/client';
import { createPostgresTestDb, postgresReachable, type TestDb } from '@/db/testing';
import { recordAudit } from './record';
import { verifyAuditChain } from './verify';

const FLOOD = 200;
const ACTIONS = 20;
const FLOOD_POOL = 10;

// Issue 8, point 5: every audit row takes one lock (the chain is one line). A flood of audited
// sign-ins (one instance's whole pool) must not put other audited actions behind all of it: an
// action waits for the appends already queued when it asks (at most the flood's connections),
// each held for two round trips and a commit. Figures are printed; the assertions do not time.
describe.runIf(await postgresReachable())('audited actions during a flood of sign-in audits', () => {
  let t: TestDb;
  // Another instance: its own pool, as a second server behind the load balancer.
  let other: DbHandle;

  beforeAll(async () => {
    // A generous deadline: 200 appends queue for 10 connections, on a machine others share.
    t = await createPostgresTestDb({ poolMax: FLOOD_POOL, timeoutMs: 30_000 });
    other = await openDb({ databaseUrl: t.url, poolMax: 2, timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await other?.close();
    await t?.cleanup();
  });

  /** One audited action: a change and its audit row in one transaction. Returns how many rows got in before it. */
  async function action(db: Db, i: number): Promise<{ ms: number; ahead: number }> {
    const started = performance.now();
    const { before, id } = await db.transaction(async (tx) => {
      await tx.execute(sql`UPDATE otp_rate_windows SET count = count + 1 WHERE key = 'none'`);
      const [{ max }] = await queryRows<{ max: number | null }>(tx, sql`SELECT max(id)::int AS max FROM audit_log`);
      const row = await recordAudit(tx, { actor: 'user:1', actorRole: 'admin', action: 'users.role_change', target: `u${i}`, outcome: 'ok' });
      return { before: max ?? 0, id: row.id };
    });
    const ms = performance.now() - started;
    const [{ n }] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM audit_log WHERE id > ${before} AND id < ${id} AND action = 'auth.sign_in'`);
    return { ms, ahead: n };
  }

  const signIn = (i: number) =>
    recordAudit(t.handle.db, { actor: 'anonymous', action: 'auth.sign_in', target: `guess${i}@example.test`, sourceIp: '203.0.113.9', outcome: 'failed' });

  it('completes every action, each behind at most the appends already waiting, and keeps one chain', async () => {
    const baseline: number[] = [];
    for (let i = 0; i < ACTIONS; i++) baseline.push((await action(other.db, i)).ms);

    const floodStarted = performance.now();
    // 40 callers at a time, 4 × the pool: the pool stays saturated, and no caller waits for a
    // connection past the pool's 2 s connect deadline on a busy machine.
    let next = 0;
    const flood = Promise.all(Array.from({ length: 40 }, async () => {
      while (next < FLOOD) await signIn(next++);
    }));
    const during: { ms: number; ahead: number }[] = [];
    let floodDone = false;
    void flood.finally(() => (floodDone = true));
    for (let i = 0; i < ACTIONS && !floodDone; i++) during.push(await action(other.db, ACTIONS + i));
    await flood;
    const floodMs = performance.now() - floodStarted;

    expect(during.length).toBeGreaterThan(0);
    const ahead = Math.max(...during.map((d) => d.ahead));
    const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
    process.stdout.write(
      `[audit flood] ${FLOOD} sign-in audits in ${floodMs.toFixed(0)} ms; ${during.length} actions during it: ` +
        `p50 ${p(during.map((d) => d.ms), 0.5).toFixed(1)} ms, p95 ${p(during.map((d) => d.ms), 0.95).toFixed(1)} ms ` +
        `(alone: p50 ${p(baseline, 0.5).toFixed(1)}, p95 ${p(baseline, 0.95).toFixed(1)}; ratio p95 ${(p(during.map((d) => d.ms), 0.95) / p(baseline, 0.95)).toFixed(1)}); ` +
        `at most ${ahead} sign-in rows ahead of one\n`,
    );
    // Serialised behind the flood, an action would find most of the 200 ahead of it.
    expect(ahead).toBeLessThanOrEqual(2 * FLOOD_POOL);
    expect(await verifyAuditChain(t.handle.db)).toMatchObject({ ok: true, checked: ACTIONS + FLOOD + during.length });
  });

  it('a REPEATABLE READ transaction whose snapshot predates the head cannot fork the chain: its row is refused', async () => {
    const before = await verifyAuditChain(t.handle.db);
    const refused = other.db
      .transaction(
        async (tx) => {
          await tx.execute(sql`SELECT count(*) FROM audit_log`); // the snapshot is taken here
          await signIn(-1); // another transaction appends and commits meanwhile
          await recordAudit(tx, { actor: 'user:1', action: 'users.role_change', target: 'rr', outcome: 'ok' });
        },
        { isolationLevel: 'repeatable read' },
      )
      .then(
        () => 'committed',
        (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? (err as { code?: string }).code,
      );
    expect(await refused).toBe('23505');
    expect(await verifyAuditChain(t.handle.db)).toMatchObject({ ok: true, checked: before.checked + 1 });
  });
});
