import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { createPostgresTestDb, testDatabaseKinds, type TestDb } from '@/db/testing';
import { enkashPayment, istTime } from '@/lib/settlements/testing';
import { verifyFinanceRollup } from './verify';

describe.each(await testDatabaseKinds())('the finance rollup after concurrent ingests on $kind', ({ kind, create }) => {
  let t: TestDb;
  beforeAll(async () => {
    // Postgres: a pool big enough for the ingests to really overlap.
    t = kind === 'postgres' ? await createPostgresTestDb({ poolMax: 16 }) : await create();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('matches the payments exactly, however the writes interleave', async () => {
    const db = t.handle.db;
    const modes = ['UPI', 'CREDIT_CARD', 'NET_BANKING'];
    // 60 payments on 3 days and 3 modes (so many share a rollup row), each notified PENDING then
    // final, all at once: creations, status moves and repeats race each other.
    const jobs = Array.from({ length: 60 }, (_, i) => async () => {
      const p = { id: `EKRACE${i}`, amount: `${100 + i}.${String(i % 100).padStart(2, '0')}`, mode: modes[i % 3], txnDate: istTime(i % 3, 10 + (i % 5)) };
      await enkashPayment(db, null, { ...p, status: 'PENDING_WITH_BANK' });
      await enkashPayment(db, null, { ...p, status: i % 7 === 0 ? 'FAILED' : i % 11 === 0 ? 'REFUNDED' : 'SUCCESS' });
      await enkashPayment(db, null, { ...p, status: 'PENDING_WITH_BANK' }); // late and stale: changes nothing
    });
    await Promise.all(jobs.map((j) => j()));
    // Other writers: a provider check disagrees with one, a settlement says how much of another went back.
    await db.execute(sql`UPDATE transactions SET verification = 'mismatch' WHERE transaction_id IN ('EKRACE1', 'EKRACE2')`);
    await db.execute(sql`UPDATE transactions SET refunded_amount = 10 WHERE transaction_id = 'EKRACE11'`);

    const result = await verifyFinanceRollup(db);
    expect(result.differences).toEqual([]);
    expect(result.rows).toBeGreaterThan(5);
    const [{ n }] = await queryRows<{ n: number }>(db, sql`SELECT sum(payments)::int AS n FROM finance_daily WHERE provider = 'enkash'`);
    expect(n).toBe(60);
  });

  it('reports a difference exactly when the rollup is wrong', async () => {
    const db = t.handle.db;
    await db.execute(sql`UPDATE finance_daily SET gross = gross + 0.0001 WHERE ctid = (SELECT ctid FROM finance_daily WHERE payments > 0 LIMIT 1)`);
    const { differences } = await verifyFinanceRollup(db);
    expect(differences).toHaveLength(1);
    const [d] = differences;
    expect(Object.keys(d.measures)).toEqual(['gross']);
    // rollup − payments is exactly one ten-thousandth of a rupee.
    const diff = BigInt(d.measures.gross.rollup.replace('.', '').padEnd(0)) - BigInt(d.measures.gross.payments.replace('.', ''));
    expect(diff).toBe(1n);
  });
});
