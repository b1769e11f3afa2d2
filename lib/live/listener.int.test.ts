import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '@/db/client';
import { createPostgresTestDb, postgresReachable, type TestDb } from '@/db/testing';
import { handleEnkashNotify } from '@/lib/webhooks/enkash-notify';
import { exampleWith, notifyRequest } from '@/test/enkash';
import { startTcpProxy } from '@/test/tcp-proxy';
import { LiveHub, type LiveMessage } from './hub';
import { PostgresListener } from './listener';
import { openLiveStream } from './sse';
import { waitFor } from './testing';

const SECRET = 'listener-secret';

// The one listening connection of an instance, through a TCP proxy the test breaks: it must
// notice (an error, or a probe that gets no answer), reconnect with backoff, and publish what
// was committed meanwhile — or tell pages to resync when that is too much.
describe.skipIf(!(await postgresReachable()))('the Postgres listener', () => {
  let t: TestDb;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let listener: PostgresListener;
  const hub = new LiveHub();
  const heard: LiveMessage[] = [];
  let n = 0;

  const notify = async () => {
    const res = await handleEnkashNotify(notifyRequest(exampleWith({ transactionId: `EKLISTEN${++n}` }), { key: SECRET }), {
      db: async () => t.handle.db,
      secret: SECRET,
    });
    expect(res.status).toBe(200);
  };
  const lastEventId = async () => Number((await queryRows<{ id: string | null }>(t.handle.db, sql`SELECT max(id) AS id FROM live_events`))[0].id ?? 0);
  const idsAfter = async (after: number) =>
    (await queryRows<{ id: string }>(t.handle.db, sql`SELECT id FROM live_events WHERE id > ${after} ORDER BY id`)).map((r) => Number(r.id));
  const heardIds = () => heard.flatMap((m) => (m.type === 'event' ? [m.event.id] : []));
  const statuses = () => heard.flatMap((m) => (m.type === 'status' ? [m.listening] : []));

  beforeAll(async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    t = await createPostgresTestDb();
    proxy = await startTcpProxy({ host: new URL(t.url!).hostname, port: Number(new URL(t.url!).port || 5432) });
    const through = new URL(t.url!);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    // Plays another instance: woken by the doorbell's NOTIFY only, not by this process's rings.
    listener = new PostgresListener({ url: through.href, hub, pollMs: 200, timeoutMs: 500, backoffMs: [50, 200], catchUpMax: 6, wakeOnRing: false }).run();
    hub.subscribe((m) => heard.push(m));
    await listener.ready(10_000);
  });
  afterAll(async () => {
    await listener?.close();
    await proxy?.close();
    await t?.cleanup();
  });

  it('hears what is committed, on one connection however many streams are open', async () => {
    const before = await lastEventId();
    const streams = await Promise.all([1, 2, 3].map(() => openLiveStream({ live: { hub, source: listener, db: t.handle.db }, channels: ['payments'], after: null })));
    await notify();
    const ids = await idsAfter(before);
    expect(ids).toHaveLength(2);
    await waitFor(() => ids.every((id) => heardIds().includes(id)));
    const [{ n: listening }] = await queryRows<{ n: number }>(
      t.handle.db,
      sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'payops-live'`,
    );
    expect(listening).toBe(1);
    await Promise.all(streams.map((s) => s.body!.cancel()));
  });

  it('another instance is woken by the doorbell NOTIFY, not by its poll; a writer that does not ring is read by the poll', async () => {
    const otherHub = new LiveHub();
    const other: number[] = [];
    otherHub.subscribe((m) => m.type === 'event' && other.push(m.event.id));
    const instance = new PostgresListener({ url: t.url!, hub: otherHub, pollMs: 600_000, wakeOnRing: false }).run();
    try {
      await instance.ready(10_000);
      const before = await lastEventId();
      const started = Date.now();
      await notify();
      const ids = await idsAfter(before);
      await waitFor(() => ids.every((id) => other.includes(id)), 5000, 'the doorbell heard');
      expect(Date.now() - started).toBeLessThan(5000);

      // A change made by hand (no ring): the instance without a poll does not see it; the one with one does.
      const again = await lastEventId();
      await t.handle.db.execute(sql`UPDATE transactions SET verification = 'error', verified_at = now() WHERE id = (SELECT max(id) FROM transactions)`);
      const [byHand] = await idsAfter(again);
      await waitFor(() => heardIds().includes(byHand), 5000, 'the poll read it');
      expect(other).not.toContain(byHand);
    } finally {
      await instance.close();
    }
  });

  it('reconnects after the connection is cut and publishes what was committed meanwhile', async () => {
    const before = await lastEventId();
    const connects = listener.connects;
    proxy.cut();
    await waitFor(() => !listener.listening, 5000, 'the cut noticed');
    expect(statuses().at(-1)).toBe(false);
    await notify();
    await notify();
    proxy.up();
    await listener.ready(10_000);
    expect(listener.connects).toBe(connects + 1);
    expect(statuses().at(-1)).toBe(true);
    const missed = await idsAfter(before);
    expect(missed).toHaveLength(4);
    await waitFor(() => missed.every((id) => heardIds().includes(id)), 5000, 'the missed events published');
    // Each once, though the catch-up reads a few already heard.
    expect(heardIds().filter((id) => missed.includes(id))).toHaveLength(4);
    // And it listens again.
    const again = await lastEventId();
    await notify();
    const fresh = await idsAfter(again);
    await waitFor(() => fresh.every((id) => heardIds().includes(id)));
  });

  it('notices a connection that hangs (no error, no answer) through its probe, and recovers', async () => {
    const before = await lastEventId();
    proxy.hang();
    await waitFor(() => !listener.listening, 5000, 'the hang noticed');
    await notify();
    proxy.up();
    await listener.ready(10_000);
    const missed = await idsAfter(before);
    await waitFor(() => missed.every((id) => heardIds().includes(id)), 5000, 'the missed events published');
  });

  it('asks pages to resync when it missed more than it will replay', async () => {
    const resyncs = () => heard.filter((m) => m.type === 'resync').length;
    const had = resyncs();
    const before = await lastEventId();
    proxy.cut();
    await waitFor(() => !listener.listening, 5000, 'the cut noticed');
    for (let i = 0; i < 4; i++) await notify(); // 8 events, past catchUpMax 6
    proxy.up();
    await listener.ready(10_000);
    await waitFor(() => resyncs() === had + 1, 5000, 'a resync');
    expect(heardIds().filter((id) => id > before)).toEqual([]);
    // Later events are heard as usual.
    const again = await lastEventId();
    await notify();
    const fresh = await idsAfter(again);
    await waitFor(() => fresh.every((id) => heardIds().includes(id)));
  });
});
