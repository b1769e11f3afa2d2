import type { PGlite } from '@electric-sql/pglite';
import type net from 'node:net';
import pg from 'pg';
import { AppError } from '@/lib/errors';
import { logError, logWarn } from '@/lib/log';
import { LIVE_CHANNEL, parseNotification, type LiveEvent } from './events';
import type { LiveHub } from './hub';

/** Where a process hears about changes: one listening connection, whatever the number of pages open. */
export interface LiveSource {
  readonly listening: boolean;
  /** Resolves once the process is listening; rejects (503) if it is not within `timeoutMs`. */
  ready(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface PostgresListenerOptions {
  url: string;
  hub: LiveHub;
  /** How often the connection is asked `SELECT 1`: a connection that hangs silently delivers nothing. */
  probeMs?: number;
  /** Deadline of the connect, the LISTEN, the catch-up and each probe. */
  timeoutMs?: number;
  /** Reconnect delay: doubles from the first to the second value (with jitter). */
  backoffMs?: [number, number];
  /** Past this many events missed while the connection was down, pages are told to resync instead. */
  catchUpMax?: number;
}

/** Ids seen lately, so an event heard twice (notified and caught up) is published once. */
class RecentIds {
  private readonly set = new Set<number>();
  private readonly order: number[] = [];
  constructor(private readonly capacity: number) {}

  has(id: number): boolean {
    return this.set.has(id);
  }

  /** Whether `id` is new; remembers it. */
  add(id: number): boolean {
    if (this.set.has(id)) return false;
    this.set.add(id);
    this.order.push(id);
    if (this.order.length > this.capacity) this.set.delete(this.order.shift()!);
    return true;
  }
}

// Transactions commit in any order, so an event numbered just below the newest one heard may
// still land after it: a catch-up reads this many ids further back (seen ones are skipped).
const SLACK = 100;

/**
 * Postgres: one dedicated connection (not from the pool: a pooled client would be handed back
 * and its LISTEN lost) that LISTENs on payops_live. When it is cut, ends, or stops answering the
 * periodic probe, it is replaced with backoff; once listening again it reads the events it missed
 * from live_events and publishes them, or asks every page to resync when it missed too many.
 */
export class PostgresListener implements LiveSource {
  listening = false;
  /** Connections established so far (the first one included). */
  connects = 0;
  private closed = false;
  private started = false;
  private attempt = 0;
  private client: pg.Client | null = null;
  private probeTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private highWater: number | null = null;
  private readonly seen = new RecentIds(4096);
  private waiters = new Set<() => void>();
  private readonly probeMs: number;
  private readonly timeoutMs: number;
  private readonly backoff: [number, number];
  private readonly catchUpMax: number;

  constructor(private readonly options: PostgresListenerOptions) {
    this.probeMs = options.probeMs ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.backoff = options.backoffMs ?? [250, 10_000];
    this.catchUpMax = options.catchUpMax ?? 1000;
  }

  start(): this {
    if (!this.started) {
      this.started = true;
      void this.connect();
    }
    return this;
  }

  ready(timeoutMs: number): Promise<void> {
    this.start();
    if (this.listening) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(new AppError('unavailable', 'Live updates are unavailable right now; the page keeps trying.'));
      }, timeoutMs);
      this.waiters.add(done);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.probeTimer);
    this.listening = false;
    const client = this.client;
    this.client = null;
    if (client) await Promise.race([client.end().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]).finally(() => destroy(client));
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.options.url,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 5000,
      application_name: 'payops-live',
    });
    this.client = client;
    let lost = false;
    const lose = (err: unknown) => {
      if (lost) return;
      lost = true;
      this.lost(client, err);
    };
    client.on('error', lose);
    client.on('end', () => lose(new Error('the listening connection ended')));
    client.on('notification', (msg) => {
      if (msg.channel === LIVE_CHANNEL && msg.payload) this.heard(parseNotification(msg.payload));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
      await this.catchUp(client);
    } catch (err) {
      lose(err);
      return;
    }
    if (lost || this.closed) return;
    this.attempt = 0;
    this.connects++;
    this.listening = true;
    this.options.hub.publish({ type: 'status', listening: true });
    for (const w of [...this.waiters]) w();
    let probing = false;
    this.probeTimer = setInterval(() => {
      if (probing) return;
      probing = true;
      client.query('SELECT 1').then(() => (probing = false), lose);
    }, this.probeMs);
    this.probeTimer.unref();
  }

  private lost(client: pg.Client, err: unknown): void {
    if (this.client !== client) return;
    clearInterval(this.probeTimer);
    destroy(client);
    this.client = null;
    if (this.closed) return;
    if (this.listening) {
      this.listening = false;
      logWarn(`[live] the listening connection was lost (${(err as Error)?.message ?? err}); reconnecting`);
      this.options.hub.publish({ type: 'status', listening: false });
    } else if (this.attempt === 0) {
      logError('[live] cannot listen for changes', err);
    }
    const [min, max] = this.backoff;
    const delay = Math.min(max, min * 2 ** this.attempt++) * (0.8 + Math.random() * 0.4);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }

  /**
   * After LISTEN, so nothing committed from now on is missed: the first time, note where the
   * events stand; after a reconnect, publish what was committed while the connection was down.
   */
  private async catchUp(client: pg.Client): Promise<void> {
    if (this.highWater === null) {
      const { rows } = await client.query<{ last: string | null }>('SELECT max(id)::text AS last FROM live_events');
      this.highWater = Number(rows[0]?.last ?? 0);
      return;
    }
    const limit = this.catchUpMax + SLACK;
    const { rows } = await client.query<{ id: string; topic: LiveEvent['topic']; kind: string; payment_id: string | null; delivery_id: string | null }>(
      'SELECT id::text, topic, kind, payment_id::text, delivery_id::text FROM live_events WHERE id > $1 ORDER BY id LIMIT $2',
      [Math.max(0, this.highWater - SLACK), limit + 1],
    );
    const unseen = rows.filter((r) => !this.seen.has(Number(r.id)));
    // Rows at or below the high-water mark are at most SLACK, so a full read means too many new ones.
    if (rows.length > limit || unseen.length > this.catchUpMax) {
      const { rows: last } = await client.query<{ last: string | null }>('SELECT max(id)::text AS last FROM live_events');
      this.highWater = Number(last[0]?.last ?? 0);
      logWarn(`[live] more than ${this.catchUpMax} changes were missed while reconnecting; pages resync`);
      this.options.hub.publish({ type: 'resync' });
      return;
    }
    for (const r of unseen) {
      this.heard({ id: Number(r.id), topic: r.topic, kind: r.kind, paymentId: r.payment_id ? Number(r.payment_id) : null, deliveryId: r.delivery_id ? Number(r.delivery_id) : null });
    }
  }

  private heard(event: LiveEvent | null): void {
    if (!event || !this.seen.add(event.id)) return;
    this.highWater = Math.max(this.highWater ?? 0, event.id);
    this.options.hub.publish({ type: 'event', event });
  }
}

/** Closes the socket now: end() waits for the server, which a hung connection never answers. */
function destroy(client: pg.Client): void {
  client.removeAllListeners('notification');
  // A destroyed client may still report the error that ended it.
  client.on('error', () => {});
  const stream = (client as unknown as { connection?: { stream?: net.Socket } }).connection?.stream;
  stream?.destroy();
}

/**
 * Embedded PGlite: one process per database, so NOTIFY is heard in-process (PGlite's listen),
 * on the same connection every query uses. It is never cut; it ends when the database closes.
 */
export class PgliteListener implements LiveSource {
  listening = false;
  private starting: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly pglite: PGlite,
    private readonly hub: LiveHub,
  ) {}

  start(): this {
    this.starting ??= this.pglite
      .listen(LIVE_CHANNEL, (payload) => {
        const event = parseNotification(payload);
        if (event) this.hub.publish({ type: 'event', event });
      })
      .then((unlisten) => {
        this.unlisten = unlisten;
        this.listening = true;
      });
    return this;
  }

  async ready(timeoutMs: number): Promise<void> {
    this.start();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AppError('unavailable', 'Live updates are unavailable right now; the page keeps trying.')), timeoutMs);
    });
    try {
      await Promise.race([this.starting, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.listening = false;
    await this.unlisten?.().catch(() => {});
  }
}
