import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, transactions, type DeliveryOutcome } from '@/db/schema';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { countDeliveriesByOutcome, listDeliveries } from './queries';

describe.each(await testDatabaseKinds())('delivery queries on $kind', ({ create }) => {
  let t: TestDb;
  const ids: Record<string, number> = {};
  let paymentId: number;

  // Inserted out of time order, with a tie on received_at and two times in the same millisecond.
  const seed: [name: string, outcome: DeliveryOutcome, at: string, txn?: string][] = [
    ['oldAccepted', 'accepted', '2025-02-07 10:00:00+00', 'EKLINKED'],
    ['micro1', 'rejected', '2025-02-07 10:00:01.000100+00'],
    ['micro9', 'rejected', '2025-02-07 10:00:01.000900+00', 'EKNOSUCH'],
    ['tie', 'duplicate', '2025-02-07 10:00:01.000900+00', 'EKLINKED'],
    ['oldest', 'rejected', '2025-02-07 09:00:00+00'],
    ['newest', 'accepted', '2025-02-07 11:00:00+00', 'EKOTHERPROVIDER'],
  ];
  const newestFirst = ['newest', 'tie', 'micro9', 'micro1', 'oldAccepted', 'oldest'];
  const names = (rows: { id: number }[]) => rows.map((r) => Object.keys(ids).find((k) => ids[k] === r.id));

  beforeAll(async () => {
    t = await create();
    const db = t.handle.db;
    const txn = { status: 'SUCCESS', statusRank: 50, statusFamily: 'success', txnAt: new Date('2025-02-07T09:59:00Z') };
    [{ id: paymentId }] = await db.insert(transactions).values({ ...txn, provider: 'enkash', transactionId: 'EKLINKED' }).returning();
    // Same id under another provider: the join is on provider and id, so no link.
    await db.insert(transactions).values({ ...txn, provider: 'juspay', transactionId: 'EKOTHERPROVIDER' });
    for (const [name, outcome, at, transactionId] of seed) {
      const [row] = await db
        .insert(deliveries)
        .values({
          provider: 'enkash',
          receivedAt: sql`${at}::timestamptz`,
          auth: 'ok',
          outcome,
          httpStatus: outcome === 'rejected' ? 400 : 200,
          reason: outcome === 'rejected' ? `refused ${name}` : null,
          body: `{"name":"${name}"}`,
          transactionId: transactionId ?? null,
        })
        .returning({ id: deliveries.id });
      ids[name] = row.id;
    }
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function allPages(search: Parameters<typeof listDeliveries>[1]) {
    const seen: { id: number }[] = [];
    let cursor: number | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await listDeliveries(t.handle.db, { ...search, cursor });
      seen.push(...page.rows);
      if (page.nextCursor === null) return seen;
      cursor = page.nextCursor;
    }
    throw new Error('pagination did not end');
  }

  it('lists newest first by (received_at, id), microseconds and ties included', async () => {
    const first = await listDeliveries(t.handle.db, {});
    expect(names(first.rows)).toEqual(newestFirst);
    expect(first.nextCursor).toBeNull();
  });

  it('walks keyset pages without skipping or repeating a row', async () => {
    for (const limit of [1, 2, 4]) expect(names(await allPages({ limit }))).toEqual(newestFirst);
    const page = await listDeliveries(t.handle.db, { limit: 2 });
    expect(page.nextCursor).toBe(ids.tie);
  });

  it('filters by outcome, page by page', async () => {
    expect(names(await allPages({ outcome: 'rejected', limit: 1 }))).toEqual(['micro9', 'micro1', 'oldest']);
    expect(names(await allPages({ outcome: 'accepted', limit: 1 }))).toEqual(['newest', 'oldAccepted']);
    expect(names(await allPages({ outcome: 'duplicate' }))).toEqual(['tie']);
  });

  it('finds a transaction id in any case, whole or by its beginning, with the outcome too', async () => {
    expect(names(await allPages({ q: 'eklinked', limit: 1 }))).toEqual(['tie', 'oldAccepted']);
    expect(names(await allPages({ q: 'EKLINKED', outcome: 'duplicate' }))).toEqual(['tie']);
    expect(names(await allPages({ q: 'ekNoSu' }))).toEqual(['micro9']);
    expect(names(await allPages({ q: 'EKLIN' }))).toEqual([]); // five characters: whole ids only
    expect(names(await allPages({ q: '%_%_%_' }))).toEqual([]);
  });

  it('links a delivery to its payment only when that provider and transaction exist', async () => {
    const { rows } = await listDeliveries(t.handle.db, {});
    const byName = Object.fromEntries(rows.map((r) => [names([r])[0], r]));
    expect(byName.oldAccepted.paymentId).toBe(paymentId);
    expect(byName.tie.paymentId).toBe(paymentId);
    expect(byName.micro9).toMatchObject({ transactionId: 'EKNOSUCH', paymentId: null });
    expect(byName.newest).toMatchObject({ transactionId: 'EKOTHERPROVIDER', paymentId: null });
    expect(byName.micro1).toMatchObject({ reason: 'refused micro1', httpStatus: 400, body: '{"name":"micro1"}', flags: [] });
  });

  it('starts after the cursor row, and a cursor past the end gives an empty page', async () => {
    expect(names((await listDeliveries(t.handle.db, { cursor: ids.micro9 })).rows)).toEqual(['micro1', 'oldAccepted', 'oldest']);
    expect((await listDeliveries(t.handle.db, { cursor: ids.oldest })).rows).toEqual([]);
  });

  it('counts deliveries since a moment, by outcome', async () => {
    expect(await countDeliveriesByOutcome(t.handle.db, new Date('2025-02-07T10:00:00.500Z'))).toEqual({ accepted: 1, duplicate: 1, rejected: 2 });
    expect(await countDeliveriesByOutcome(t.handle.db, new Date('2025-02-08T00:00:00Z'))).toEqual({ accepted: 0, duplicate: 0, rejected: 0 });
  });
});
