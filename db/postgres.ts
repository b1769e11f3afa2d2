import { NodePgSession, NodePgTransaction, drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { isDatabaseUnavailable } from '@/lib/errors';
import { logError } from '@/lib/log';
import * as schema from './schema';

/**
 * Whether the database has been answering this process. Every query reports here; liveness
 * reads it (an instance whose database calls have all failed for longer than a bound is not
 * serving, whatever its event loop says).
 */
export class DbVitals {
  /** Start of the current run of failures (null while the last call succeeded). */
  failingSince: number | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  ok(): void {
    this.failingSince = null;
  }

  /** `startedAt`: when the failed call began, so a call that hung for its whole deadline counts whole. */
  fail(err: unknown, startedAt: number = this.now()): void {
    // Only unavailability counts: a constraint violation is an answer from a working database.
    if (!isDatabaseUnavailable(err)) return this.ok();
    this.failingSince = Math.min(this.failingSince ?? startedAt, startedAt);
  }

  /** Milliseconds the database has been failing every call, or 0. */
  failingForMs(): number {
    return this.failingSince === null ? 0 : this.now() - this.failingSince;
  }
}

export interface PostgresOptions {
  url: string;
  poolMax: number;
  timeoutMs: number;
  vitals: DbVitals;
}

/**
 * A pg pool that cannot be wedged by a stalled database. The client-side deadline
 * (`query_timeout`) answers the caller, but a statement that timed out on the client is still
 * running on the connection: pg-pool's own `query()` destroys such a client, a transaction must
 * do the same (see `safeTransaction`). The server bounds its side too, so a session whose
 * client vanished mid-transaction never sits "idle in transaction" holding locks.
 */
export function createPool(options: PostgresOptions): pg.Pool {
  const { timeoutMs } = options;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: Math.min(timeoutMs, 2000),
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    lock_timeout: timeoutMs,
    idle_in_transaction_session_timeout: Math.max(2 * timeoutMs, 5000),
    // A peer that vanished without a FIN (a cut cable, a hung proxy) is found by TCP keepalive.
    keepAlive: true,
    keepAliveInitialDelayMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (err) => logError('[db] idle connection error', err));
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as unknown as { query: typeof query }).query = (...args: unknown[]) => {
    const startedAt = Date.now();
    const result = query(...args);
    result.then(() => options.vitals.ok(), (err) => options.vitals.fail(err, startedAt));
    return result;
  };
  return pool;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- drizzle's session generics are internal
type Session = NodePgSession<any, any>;

/** drizzle over a pool whose transactions always give their client back in a known state. */
export function drizzlePool(pool: pg.Pool, vitals: DbVitals) {
  const db = drizzle(pool, { schema });
  const session = (db as unknown as { session: Session }).session;
  session.transaction = (fn, config) => safeTransaction(pool, session, vitals, fn as never, config) as never;
  return db;
}

/**
 * Replaces drizzle's `NodePgSession.transaction`, which sends `begin` outside its try/finally
 * (a `begin` that misses its deadline leaks the client for good) and releases a client whose
 * `rollback` failed back to the pool with a statement still pending on it (the next user queues
 * behind it, or finds a transaction it never opened: "savepoint sp1 does not exist"). Here every
 * statement runs inside the try; a client on which any statement failed without an answer from
 * the server (deadline, reset, cut) or whose rollback failed is destroyed, never reused.
 */
export async function safeTransaction<T>(
  pool: pg.Pool,
  session: Session,
  vitals: DbVitals,
  fn: (tx: NodePgTransaction<never, never>) => Promise<T>,
  config?: Parameters<Session['transaction']>[1],
): Promise<T> {
  let client: pg.PoolClient;
  const startedAt = Date.now();
  try {
    client = await pool.connect();
  } catch (err) {
    vitals.fail(err, startedAt);
    throw err;
  }
  let unknownState = false;
  // A connection that dies between two statements emits 'error' on a checked-out client, which
  // pg-pool does not listen for: unheard, it would crash the process.
  const onError = (err: Error) => {
    unknownState = true;
    vitals.fail(err);
  };
  client.on('error', onError);
  const query = client.query;
  // Every statement of the transaction (drizzle's and ours) passes here, so none goes unseen.
  client.query = ((...args: Parameters<typeof query>) => {
    const queryStartedAt = Date.now();
    const result = (query as (...a: unknown[]) => unknown).apply(client, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then(
        () => vitals.ok(),
        (err) => {
          if (!(err instanceof pg.DatabaseError)) unknownState = true;
          vitals.fail(err, queryStartedAt);
        },
      );
    }
    return result;
  }) as typeof query;

  const s = session as unknown as { dialect: never; schema: never; options: never };
  const txSession = new NodePgSession(client, s.dialect, s.schema, s.options);
  const tx = new NodePgTransaction(s.dialect, txSession, s.schema) as never;
  try {
    await client.query(config ? `begin ${transactionConfigText(config)}` : 'begin');
    const result = await fn(tx);
    await client.query('commit');
    return result;
  } catch (err) {
    if (!unknownState) {
      try {
        await client.query('rollback');
      } catch {
        unknownState = true;
      }
    }
    throw err;
  } finally {
    client.query = query;
    // release(true) destroys the connection; the server rolls back whatever it held. A destroyed
    // client keeps a listener, since its socket may still report the error that ended it.
    if (unknownState) client.on('error', () => {});
    client.off('error', onError);
    client.release(unknownState ? true : undefined);
  }
}

/** `begin isolation level …, read only` from drizzle's transaction config, as drizzle writes it. */
function transactionConfigText(config: NonNullable<Parameters<Session['transaction']>[1]>): string {
  const parts: string[] = [];
  if (config.isolationLevel) parts.push(`isolation level ${config.isolationLevel}`);
  if (config.accessMode) parts.push(config.accessMode);
  if (typeof config.deferrable === 'boolean') parts.push(config.deferrable ? 'deferrable' : 'not deferrable');
  return parts.join(' ');
}
