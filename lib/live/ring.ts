import type net from 'node:net';
import pg from 'pg';
import type { Db } from '@/db/client';
import { logError } from '@/lib/log';
import { LIVE_CHANNEL } from './events';

/**
 * The doorbell. Changes are written to live_events by triggers, in the writer's own transaction;
 * a NOTIFY is not sent there, because Postgres serialises the commits of every transaction that
 * notifies (a database-wide lock held through the commit's WAL flush): measured, a NOTIFY in the
 * webhook's transaction cut its throughput by more than half (docs/BENCHMARKS.md, "Live updates").
 * Instead a writer that wants its change seen at once rings after its commit: this process's feed
 * reads at once, and a NOTIFY of its own wakes every other instance. The NOTIFY goes on a
 * connection of its own (one per process, opened on the first ring, `synchronous_commit = off`
 * since a doorbell needs no durability): sent through the pool it took a connection from the
 * requests it serves, which cost the webhook a tenth of its throughput when the pool was busy. At
 * most one is in flight; rings meanwhile make one more after it. A writer that never rings is
 * still seen, at the next poll (LIVE_POLL_MS).
 */
const NOTIFY = `SELECT pg_notify('${LIVE_CHANNEL}', '')`;

const GLOBAL_KEY = Symbol.for('payops.live.ring');
interface Bell {
  wakers: Set<() => void>;
  /** Benchmarks only: measure the webhook without any live-update cost. */
  paused: boolean;
  /** One doorbell connection per database (pool) this process writes to. */
  lines: WeakMap<pg.Pool, Line>;
}
interface Line {
  client: Promise<pg.Client> | null;
  sending: boolean;
  again: boolean;
  failing: boolean;
}
function bell(): Bell {
  const holder = globalThis as { [GLOBAL_KEY]?: Bell };
  return (holder[GLOBAL_KEY] ??= { wakers: new Set(), paused: false, lines: new WeakMap() });
}

/** A feed of this process asks to be woken by rings (returns the way to stop). */
export function onRing(wake: () => void): () => void {
  const b = bell();
  b.wakers.add(wake);
  return () => void b.wakers.delete(wake);
}

/** After a change has been committed: make it seen now, here and on every other instance. Never throws, never waits. */
export function ringLive(db: Db): void {
  const b = bell();
  if (b.paused) return;
  for (const wake of b.wakers) wake();
  // Embedded PGlite has one process: nobody else to wake.
  const pool = (db as unknown as { $client?: unknown }).$client;
  if (!(pool instanceof pg.Pool)) return;
  let line = b.lines.get(pool);
  if (!line) b.lines.set(pool, (line = { client: null, sending: false, again: false, failing: false }));
  if (line.sending) {
    line.again = true;
    return;
  }
  void send(line, pool);
}

async function send(line: Line, pool: pg.Pool): Promise<void> {
  line.sending = true;
  try {
    do {
      line.again = false;
      const client = await (line.client ??= connect(line, pool));
      await client.query(NOTIFY);
      line.failing = false;
    } while (line.again);
  } catch (err) {
    // Other instances still read at their next poll; said once per outage.
    if (!line.failing) logError('[live] the doorbell NOTIFY failed', err);
    line.failing = true;
    const client = line.client;
    line.client = null;
    client?.then((c) => c.end().catch(() => {}), () => {});
  } finally {
    line.sending = false;
  }
}

function connect(line: Line, pool: pg.Pool): Promise<pg.Client> {
  const o = pool.options as pg.PoolConfig;
  const client = new pg.Client({
    connectionString: o.connectionString,
    connectionTimeoutMillis: o.connectionTimeoutMillis,
    query_timeout: o.query_timeout,
    keepAlive: true,
    application_name: 'payops-doorbell',
  });
  // A connection lost between rings is replaced at the next one.
  const drop = () => {
    if (line.client === pending) line.client = null;
  };
  client.on('error', drop);
  client.on('end', drop);
  const pending = (async () => {
    await client.connect();
    // It must not keep a script's process alive once its work is done.
    (client as unknown as { connection?: { stream?: net.Socket } }).connection?.stream?.unref();
    // No durable write in a doorbell: its commit need not wait for a flush.
    await client.query('SET synchronous_commit = off');
    return client;
  })();
  return pending;
}

/** Benchmarks only (bench/live-triggers.ts): no rings while paused. */
export function pauseRinging(paused: boolean): void {
  bell().paused = paused;
}
