import type { PGlite } from '@electric-sql/pglite';
import type net from 'node:net';
import pg from 'pg';
import { AppError } from '@/lib/errors';
import { logError, logWarn } from '@/lib/log';
import { LIVE_CHANNEL, type LiveEvent } from './events';
import type { LiveHub } from './hub';
import { onRing } from './ring';

/** Where a process hears about changes: one reader of live_events, whatever the number of pages open. */
export interface LiveSource {
  readonly listening: boolean;
  /** Resolves once the process is listening; rejects (503) if it is not within `timeoutMs`. */
  ready(timeoutMs: number): Promise<void>;
  /** Read live_events now (a doorbell rang, or this process just committed a change). */
  wake(): void;
  close(): Promise<void>;
}

export interface FeedOptions {
  hub: LiveHub;
  /**
   * How often live_events is read without a doorbell: the delay for a writer that does not ring
   * (lib/live/ring.ts), and on Postgres also the probe of the listening connection.
   */
  pollMs?: number;
  /** Past this many events missed at once (the connection was down), pages are told to resync instead. */
  catchUpMax?: number;
  /** Whether this process's own rings wake it (tests turn it off to play another instance, woken only by NOTIFY). */
  wakeOnRing?: boolean;
}

export const LIVE_POLL_MS = 500;
// Transactions commit in any order, so an id just below the newest one read may still land: ids
// skipped over are asked for again for this long (a rolled-back one never comes; PayOps' own
// transactions are bounded by DATABASE_TIMEOUT_MS and the server's idle-in-transaction timeout).
const MISSING_MS = 60_000;
const MISSING_MAX = 1000;

type Row = { id: string; topic: LiveEvent['topic']; kind: string; payment_id: string | null; delivery_id: string | null };
const READ_SQL = `SELECT id::text, topic, kind, payment_id::text, delivery_id::text FROM live_events
                   WHERE id > $1 OR id = ANY($2::bigint[]) ORDER BY id LIMIT $3`;
const LAST_SQL = 'SELECT coalesce(max(id), 0)::text AS last FROM live_events';

/**
 * Reads live_events forward from the newest id it has read, and publishes each event once to the
 * hub. Reads are triggered by a doorbell, by this process's own writes and by a slow poll, and
 * never overlap: a trigger during a read makes one more read after it.
 */
abstract class TableFeed implements LiveSource {
  listening = false;
  protected readonly hub: LiveHub;
  protected readonly pollMs: number;
  protected readonly catchUpMax: number;
  private highWater: number | null = null;
  /** Ids skipped over, and since when. */
  private readonly missing = new Map<number, number>();
  private reading = false;
  private again = false;
  private waiters = new Set<() => void>();
  private unring: (() => void) | undefined;

  constructor(options: FeedOptions) {
    this.hub = options.hub;
    this.pollMs = options.pollMs ?? LIVE_POLL_MS;
    this.catchUpMax = options.catchUpMax ?? 1000;
    if (options.wakeOnRing !== false) this.unring = onRing(() => this.wake());
  }

  protected abstract query<T>(text: string, values: unknown[]): Promise<T[]>;
  /** A read failed: the database is unreachable or the connection is broken. */
  protected abstract readFailed(err: unknown): void;

  ready(timeoutMs: number): Promise<void> {
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

  wake(): void {
    if (!this.listening) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    void this.read();
  }

  async close(): Promise<void> {
    this.unring?.();
    this.unring = undefined;
    this.listening = false;
  }

  /**
   * The first time, only notes where the events stand (a page replays its own past from the
   * table); after that, reads whatever came since — a reconnect reads what it missed.
   */
  protected async catchUp(): Promise<void> {
    if (this.highWater === null) {
      const [row] = await this.query<{ last: string }>(LAST_SQL, []);
      this.highWater = Number(row.last);
    } else {
      await this.readOnce();
    }
  }

  protected markListening(): void {
    this.listening = true;
    for (const w of [...this.waiters]) w();
  }

  private async read(): Promise<void> {
    this.reading = true;
    try {
      do {
        this.again = false;
        await this.readOnce();
      } while (this.again && this.listening);
    } catch (err) {
      this.readFailed(err);
    } finally {
      this.reading = false;
    }
  }

  private async readOnce(): Promise<void> {
    const from = this.highWater ?? 0;
    const missing = [...this.missing.keys()];
    const rows = await this.query<Row>(READ_SQL, [from, missing, this.catchUpMax + missing.length + 1]);
    const fresh = rows.filter((r) => Number(r.id) > from);
    if (fresh.length > this.catchUpMax) {
      // Too much to replay event by event: pages re-read everything instead.
      const [row] = await this.query<{ last: string }>(LAST_SQL, []);
      this.highWater = Number(row.last);
      this.missing.clear();
      logWarn(`[live] more than ${this.catchUpMax} changes came at once (the database connection was down?); pages resync`);
      this.hub.publish({ type: 'resync' });
      return;
    }
    let high = from;
    for (const r of rows) {
      const id = Number(r.id);
      this.missing.delete(id);
      high = Math.max(high, id);
      this.hub.publish({
        type: 'event',
        event: { id, topic: r.topic, kind: r.kind, paymentId: r.payment_id ? Number(r.payment_id) : null, deliveryId: r.delivery_id ? Number(r.delivery_id) : null },
      });
    }
    // Ids skipped over: a transaction still committing, or one rolled back. Each id is read once:
    // as new (above the high-water mark), or once found among the missing.
    const now = Date.now();
    const seen = new Set(fresh.map((r) => Number(r.id)));
    for (let id = Math.max(from + 1, high - MISSING_MAX); id < high; id++) if (!seen.has(id)) this.missing.set(id, now);
    for (const [id, since] of this.missing) if (now - since > MISSING_MS || high - id > MISSING_MAX) this.missing.delete(id);
    this.highWater = high;
  }
}

export interface PostgresListenerOptions extends FeedOptions {
  url: string;
  /** Deadline of the connect and of each read. */
  timeoutMs?: number;
  /** Reconnect delay: doubles from the first to the second value (with jitter). */
  backoffMs?: [number, number];
}

/**
 * Postgres: one dedicated connection (not from the pool: a pooled client would be handed back
 * and its LISTEN lost) that LISTENs on payops_live for doorbells (lib/live/ring.ts) and reads
 * live_events when one rings and every `pollMs` — the poll is also the probe of the connection,
 * which when cut, ended or silent is replaced with backoff; once listening again it reads what it
 * missed, or asks every page to resync when that is too much.
 */
export class PostgresListener extends TableFeed {
  /** Connections established so far (the first one included). */
  connects = 0;
  private closed = false;
  private started = false;
  private attempt = 0;
  private client: pg.Client | null = null;
  private pollTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly timeoutMs: number;
  private readonly backoff: [number, number];

  constructor(private readonly options: PostgresListenerOptions) {
    super(options);
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.backoff = options.backoffMs ?? [250, 10_000];
  }

  run(): this {
    if (!this.started) {
      this.started = true;
      void this.connect();
    }
    return this;
  }

  override ready(timeoutMs: number): Promise<void> {
    this.run();
    return super.ready(timeoutMs);
  }

  override async close(): Promise<void> {
    await super.close();
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pollTimer);
    const client = this.client;
    this.client = null;
    if (client) await Promise.race([client.end().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]).finally(() => destroy(client));
  }

  protected async query<T>(text: string, values: unknown[]): Promise<T[]> {
    if (!this.client) throw new Error('the listening connection is down');
    return (await this.client.query(text, values)).rows as T[];
  }

  protected readFailed(err: unknown): void {
    if (this.client) this.lost(this.client, err);
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
      if (msg.channel === LIVE_CHANNEL) this.wake();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
      // After LISTEN: nothing committed from now on goes unheard.
      await this.catchUp();
    } catch (err) {
      lose(err);
      return;
    }
    if (lost || this.closed) return;
    this.attempt = 0;
    this.connects++;
    this.markListening();
    this.hub.publish({ type: 'status', listening: true });
    this.pollTimer = setInterval(() => this.wake(), this.pollMs);
    this.pollTimer.unref();
  }

  private lost(client: pg.Client, err: unknown): void {
    if (this.client !== client) return;
    clearInterval(this.pollTimer);
    destroy(client);
    this.client = null;
    if (this.closed) return;
    if (this.listening) {
      this.listening = false;
      logWarn(`[live] the listening connection was lost (${(err as Error)?.message ?? err}); reconnecting`);
      this.hub.publish({ type: 'status', listening: false });
    } else if (this.attempt === 0) {
      logError('[live] cannot listen for changes', err);
    }
    const [min, max] = this.backoff;
    const delay = Math.min(max, min * 2 ** this.attempt++) * (0.8 + Math.random() * 0.4);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
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
 * Embedded PGlite: one process owns the database, so every writer is in this process. The
 * webhooks wake the feed directly (lib/live/ring.ts), other writers are read by the poll; there
 * is no connection to lose and nobody else to hear a NOTIFY from.
 */
export class PgliteFeed extends TableFeed {
  private pollTimer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly pglite: PGlite,
    options: FeedOptions,
  ) {
    super(options);
  }

  run(): this {
    this.starting ??= this.catchUp().then(
      () => {
        this.markListening();
        this.pollTimer = setInterval(() => this.wake(), this.pollMs);
        this.pollTimer.unref();
      },
      (err) => {
        this.starting = undefined;
        logError('[live] cannot read live events', err);
      },
    );
    return this;
  }

  override ready(timeoutMs: number): Promise<void> {
    this.run();
    return super.ready(timeoutMs);
  }

  override async close(): Promise<void> {
    clearInterval(this.pollTimer);
    await super.close();
  }

  protected async query<T>(text: string, values: unknown[]): Promise<T[]> {
    return (await this.pglite.query<T>(text, values)).rows;
  }

  protected readFailed(err: unknown): void {
    logError('[live] reading live events failed', err);
  }
}
