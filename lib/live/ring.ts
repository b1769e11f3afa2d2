import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Db } from '@/db/client';
import { logError } from '@/lib/log';
import { LIVE_CHANNEL } from './events';

/**
 * The doorbell. Changes are written to live_events by triggers, in the writer's own transaction;
 * a NOTIFY is not sent there, because Postgres serialises the commits of every transaction that
 * notifies (a database-wide lock held through the commit's WAL flush): measured, a NOTIFY in the
 * webhook's transaction cut its throughput by half (docs/BENCHMARKS.md, bench:live-triggers).
 * Instead a writer that wants its change seen at once rings after its commit: this process's feed
 * reads at once, and one NOTIFY in a transaction of its own (no durable write, so not waiting for
 * a flush) wakes every other instance. At most one is in flight per process; rings meanwhile make
 * one more after it. A writer that never rings is still seen, at the next poll (LIVE_POLL_MS).
 */
const DOORBELL = sql.raw(`SELECT set_config('synchronous_commit', 'off', true), pg_notify('${LIVE_CHANNEL}', '')`);

const GLOBAL_KEY = Symbol.for('payops.live.ring');
interface Bell {
  wakers: Set<() => void>;
  /** Benchmarks only: measure the webhook without any live-update cost. */
  paused: boolean;
  sending: boolean;
  again: boolean;
  failing: boolean;
}
function bell(): Bell {
  const holder = globalThis as { [GLOBAL_KEY]?: Bell };
  return (holder[GLOBAL_KEY] ??= { wakers: new Set(), paused: false, sending: false, again: false, failing: false });
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
  if (!((db as unknown as { $client?: unknown }).$client instanceof pg.Pool)) return;
  if (b.sending) {
    b.again = true;
    return;
  }
  void send(b, db);
}

async function send(b: Bell, db: Db): Promise<void> {
  b.sending = true;
  try {
    do {
      b.again = false;
      await db.execute(DOORBELL);
      b.failing = false;
    } while (b.again);
  } catch (err) {
    // Other instances still read at their next poll; said once per outage.
    if (!b.failing) logError('[live] the doorbell NOTIFY failed', err);
    b.failing = true;
  } finally {
    b.sending = false;
  }
}

/** Benchmarks only (bench/live-triggers.ts): no rings while paused. */
export function pauseRinging(paused: boolean): void {
  bell().paused = paused;
}
