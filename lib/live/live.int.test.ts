import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { handleEnkashNotify } from '@/lib/webhooks/enkash-notify';
import { seedPayments } from '@/scripts/seed';
import { exampleWith, notifyRequest } from '@/test/enkash';
import { liveSnapshot, pruneLiveEvents, type LiveEvent } from './events';
import type { LiveMessage } from './hub';
import { startLive, type Live } from './instance';
import { openLiveStream } from './sse';
import { readSse, waitFor } from './testing';

const SECRET = 'live-secret';

describe.each(await testDatabaseKinds())('live events on $kind', ({ create }) => {
  let t: TestDb;
  let live: Live;
  let n = 0;
  const heard: LiveMessage[] = [];
  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(t.handle.db, q);
  const notify = async (overrides: Record<string, unknown>, key = SECRET) => {
    const res = await handleEnkashNotify(notifyRequest(exampleWith(overrides), { key }), { db: async () => t.handle.db, secret: SECRET });
    return res.status;
  };
  const paymentRow = async (id: string) => Number((await rows<{ id: string }>(sql`SELECT id FROM transactions WHERE transaction_id = ${id}`))[0].id);
  const eventsAfter = (after: number) =>
    rows<{ id: string; topic: string; kind: string; payment_id: string | null; delivery_id: string | null }>(
      sql`SELECT id, topic, kind, payment_id, delivery_id FROM live_events WHERE id > ${after} ORDER BY id`,
    ).then((r) => r.map((e) => ({ id: Number(e.id), topic: e.topic, kind: e.kind, paymentId: e.payment_id && Number(e.payment_id), deliveryId: e.delivery_id && Number(e.delivery_id) })));
  const lastEventId = async () => (await liveSnapshot(t.handle.db)).eventId;

  beforeAll(async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    t = await create();
    live = startLive(t.handle, t.url);
    live.hub.subscribe((m) => heard.push(m));
    await live.source.ready(10_000);
  });
  afterAll(async () => {
    await live?.source.close();
    await t?.cleanup();
  });

  it('a delivery that creates a payment writes a payment event and a delivery event, each heard by the listener', async () => {
    const before = await lastEventId();
    const id = `EKLIVE${++n}`;
    expect(await notify({ transactionId: id, status: 'PENDING_WITH_BANK' })).toBe(200);
    const payment = await paymentRow(id);
    const [delivery] = await rows<{ id: string }>(sql`SELECT id FROM deliveries WHERE transaction_id = ${id}`);
    const events = await eventsAfter(before);
    expect(events.map(({ id: _, ...e }) => e)).toEqual([
      { topic: 'payment', kind: 'created', paymentId: payment, deliveryId: null },
      { topic: 'delivery', kind: 'accepted', paymentId: payment, deliveryId: Number(delivery.id) },
    ]);
    // The listener heard both, with the ids of the table.
    await waitFor(() => events.every((e) => heard.some((m) => m.type === 'event' && m.event.id === e.id)));
  });

  it('a status change is an update event; a repeat only a duplicate delivery; a refused one has no payment', async () => {
    const id = `EKLIVE${++n}`;
    await notify({ transactionId: id, status: 'PENDING_WITH_BANK' });
    const payment = await paymentRow(id);
    let before = await lastEventId();
    expect(await notify({ transactionId: id, status: 'SUCCESS' })).toBe(200);
    expect((await eventsAfter(before)).map((e) => [e.topic, e.kind, e.paymentId])).toEqual([
      ['payment', 'updated', payment],
      ['delivery', 'accepted', payment],
    ]);
    before = await lastEventId();
    expect(await notify({ transactionId: id, status: 'SUCCESS' })).toBe(200);
    expect((await eventsAfter(before)).map((e) => [e.topic, e.kind, e.paymentId])).toEqual([['delivery', 'duplicate', payment]]);
    before = await lastEventId();
    expect(await notify({ transactionId: id }, 'wrong-key')).toBe(401);
    expect((await eventsAfter(before)).map((e) => [e.topic, e.kind])).toEqual([['delivery', 'rejected']]);
  });

  it('an update nobody would see (updated_at alone) writes no event; a verification does', async () => {
    const id = `EKLIVE${++n}`;
    await notify({ transactionId: id });
    const payment = await paymentRow(id);
    const before = await lastEventId();
    await t.handle.db.execute(sql`UPDATE transactions SET updated_at = now() WHERE id = ${payment}`);
    expect(await eventsAfter(before)).toEqual([]);
    await t.handle.db.execute(sql`UPDATE transactions SET verification = 'confirmed', verified_at = now() WHERE id = ${payment}`);
    expect((await eventsAfter(before)).map((e) => [e.topic, e.kind, e.paymentId])).toEqual([['payment', 'updated', payment]]);
  });

  it('a rolled-back change writes nothing and is never heard', async () => {
    const before = await lastEventId();
    const heardBefore = heard.length;
    await expect(
      t.handle.db.transaction(async (tx) => {
        await tx.execute(sql`UPDATE transactions SET status = 'FAILED' WHERE id = (SELECT min(id) FROM transactions)`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await notify({ transactionId: `EKLIVE${++n}` });
    await waitFor(() => heard.slice(heardBefore).filter((m) => m.type === 'event' && m.event.id > before).length >= 2);
    expect((await eventsAfter(before)).map((e) => e.kind)).toEqual(['created', 'accepted']);
    // (What was heard meanwhile may include the previous test's change made without a ring, read by the poll.)
    expect(heard.slice(heardBefore).flatMap((m) => (m.type === 'event' && m.event.id > before ? [m.event.kind] : []))).toEqual(['created', 'accepted']);
  });

  it('the bulk seed writes no events', async () => {
    const before = await lastEventId();
    await seedPayments(t.handle.db, { payments: 50 });
    expect(await eventsAfter(before)).toEqual([]);
  });

  it('a stream replays what came after its last event id, then streams live, on its channels only', async () => {
    const id = `EKLIVE${++n}`;
    await notify({ transactionId: id, status: 'PENDING_WITH_BANK' });
    const payment = await paymentRow(id);
    const from = await lastEventId();
    await notify({ transactionId: id, status: 'SUCCESS' });
    await notify({ transactionId: `EKLIVEOTHER${++n}` });
    const missed = await eventsAfter(from);

    const abort = new AbortController();
    const res = await openLiveStream({ live, channels: [`payment:${payment}`], after: from, signal: abort.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const sse = readSse(res);
    // Replayed: this payment's update and its delivery, not the other payment's events.
    const replayed = await sse.take(2);
    expect(replayed.map((m) => Number(m.id))).toEqual(missed.filter((e) => e.paymentId === payment).map((e) => e.id));
    expect(replayed.map((m) => (JSON.parse(m.data) as LiveEvent).kind)).toEqual(['updated', 'accepted']);
    // Live: a repeat of the same notification is a duplicate delivery of this payment.
    await notify({ transactionId: id, status: 'SUCCESS' });
    const [live1] = await sse.take(1);
    expect(JSON.parse(live1.data)).toMatchObject({ topic: 'delivery', kind: 'duplicate', paymentId: payment });
    expect(sse.retry).toBeGreaterThan(0);
    abort.abort();
    await sse.closed;
  });

  it('a stream too far behind is told to resync; one from a pruned past too', async () => {
    const from = await lastEventId();
    for (let i = 0; i < 3; i++) await notify({ transactionId: `EKLIVEFAR${++n}` });
    const abort = new AbortController();
    const sse = readSse(await openLiveStream({ live, channels: ['payments'], after: from, replayMax: 2, signal: abort.signal }));
    const [first] = await sse.take(1);
    expect(first.event).toBe('resync');
    abort.abort();

    // Everything up to now pruned: a page resuming from before that cannot be replayed to.
    const now = await lastEventId();
    await notify({ transactionId: `EKLIVEPRUNE${++n}` });
    await t.handle.db.execute(sql`UPDATE live_events SET at = now() - interval '2 days' WHERE id <= ${now}`);
    const pruned = await pruneLiveEvents(t.handle.db, new Date(Date.now() - 86_400_000));
    expect(pruned).toBeGreaterThanOrEqual(6);
    expect((await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM live_events WHERE id <= ${now}`))[0].n).toBe(0);
    const abort2 = new AbortController();
    const sse2 = readSse(await openLiveStream({ live, channels: ['payments'], after: from, signal: abort2.signal }));
    expect((await sse2.take(1))[0].event).toBe('resync');
    abort2.abort();
    // …while a page that was up to date gets the one event after it.
    const abort3 = new AbortController();
    const sse3 = readSse(await openLiveStream({ live, channels: ['deliveries'], after: now, signal: abort3.signal }));
    expect(JSON.parse((await sse3.take(1))[0].data)).toMatchObject({ topic: 'delivery', kind: 'accepted' });
    abort3.abort();
  });

  it('a stream ends after its maximum age and sends heartbeats meanwhile', async () => {
    const sse = readSse(await openLiveStream({ live, channels: ['payments'], after: null, heartbeatMs: 50, maxAgeMs: 400 }));
    await sse.closed;
    expect(sse.comments).toBeGreaterThanOrEqual(3);
    expect(live.hub.size).toBe(1); // only the test's own subscriber is left
  });
});
