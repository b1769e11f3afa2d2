import type { PGlite } from '@electric-sql/pglite';
import PgBoss from 'pg-boss';
import pg from 'pg';
import type { Db, DbHandle } from '@/db/client';
import type { QueueDef } from './queue';

export const BOSS_SCHEMA = 'pgboss';

/**
 * pg-boss on PayOps' own database: no other server, and every instance shares the queues
 * (a job is taken by exactly one worker: `FOR UPDATE SKIP LOCKED`).
 *
 * pg-boss 10.4.2 is pinned: it is the last line declaring Node 20 (11 and 12 need Node 22), and
 * `lib/jobs/runtime.ts` relies on its table layout in one place (failing a job at once).
 * It runs on the app's own pool, so the pool's deadlines bound its queries too, and on
 * embedded PGlite through a small `executeSql` adapter.
 */
export function createBoss(handle: Pick<DbHandle, 'db' | 'kind'>, options: { supervise: boolean; schedule: boolean }): PgBoss {
  return new PgBoss({
    db: bossDb(handle.db),
    schema: BOSS_SCHEMA,
    supervise: options.supervise,
    schedule: options.schedule,
    migrate: true,
    // Failed jobs stay retryable from /operations for a week before pg-boss archives them.
    archiveFailedAfterSeconds: 7 * 24 * 3600,
    archiveCompletedAfterSeconds: 3600,
    deleteAfterDays: 7,
    // Cron jobs are at most a minute apart; a job whose worker died is failed after its expiry.
    monitorStateIntervalSeconds: 60,
  });
}

type SqlResult = { rows: unknown[] };
type ExecuteSql = (text: string, values?: unknown[]) => Promise<SqlResult>;

function bossDb(db: Db): { executeSql: ExecuteSql } {
  const client = (db as unknown as { $client: pg.Pool | PGlite }).$client;
  if (client instanceof pg.Pool) return { executeSql: executeSqlOn(client) };
  const pglite = client as PGlite;
  return {
    async executeSql(text, values) {
      if (values?.length) return pglite.query(text, values);
      const results = await pglite.exec(text);
      return { rows: results.flatMap((r) => r.rows) };
    },
  };
}

function executeSqlOn(client: pg.Pool | pg.Client): ExecuteSql {
  return async (text, values) => {
    const result = (await client.query(text, values)) as unknown as pg.QueryResult | pg.QueryResult[];
    // A multi-statement command (pg-boss's `BEGIN; …; COMMIT`) answers one result per statement.
    return Array.isArray(result) ? { rows: result.flatMap((r) => r.rows ?? []) } : result;
  };
}

/**
 * Creates or upgrades pg-boss's schema on `client`: at migration, as the owner, so the application's
 * role (which may not create schemas) finds it installed when it starts pg-boss (db/roles.ts).
 */
export async function installBossSchema(client: pg.Client): Promise<string> {
  const boss = new PgBoss({ db: { executeSql: executeSqlOn(client) }, schema: BOSS_SCHEMA, migrate: true, supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false, close: false, wait: true });
  return BOSS_SCHEMA;
}

// Next bundles instrumentation and each route separately: one boss per process, on globalThis.
const GLOBAL_KEY = Symbol.for('payops.boss');
type Holder = { [GLOBAL_KEY]?: Promise<PgBoss> };

/** Makes `boss` (started) the process-wide instance `sendJob` uses; undefined forgets it. */
export function useBoss(boss: Promise<PgBoss> | undefined): void {
  (globalThis as Holder)[GLOBAL_KEY] = boss;
}

export function currentBoss(): Promise<PgBoss> {
  const boss = (globalThis as Holder)[GLOBAL_KEY];
  if (!boss) throw new Error('The job queue is not running in this process (startJobs was not called).');
  return boss;
}

/**
 * Queues one job. Returns its id, or null when the queue's policy dropped it as a duplicate
 * (one already waiting with the same singleton key).
 */
export async function sendJob<T extends object>(
  queue: QueueDef<T>,
  data: T,
  options: PgBoss.SendOptions = {},
): Promise<string | null> {
  const boss = await currentBoss();
  const sendOptions = { ...queue.sendOptions?.(data), ...options };
  const id = await boss.send(queue.name, queue.data.parse(data) as object, sendOptions);
  // Due now, and this process works the queue: an idle worker takes it at once, not at its next poll.
  if (id && sendOptions.startAfter === undefined) (globalThis as WakeHolder)[WAKE_KEY]?.(queue.name);
  return id;
}

const WAKE_KEY = Symbol.for('payops.boss.wake');
type WakeHolder = { [WAKE_KEY]?: (queue: string) => void };

/**
 * Set by the job runtime of a process that works queues (undefined clears it): told the queue of
 * every job sent from this process that is due now. Jobs sent by other instances still wait for a
 * poll; this only spares the local ones the polling interval.
 */
export function useLocalWake(wake: ((queue: string) => void) | undefined): void {
  (globalThis as WakeHolder)[WAKE_KEY] = wake;
}

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

/**
 * Waits up to `timeoutMs` for a job to finish, for a person who asked for it and would like the
 * answer now. Null when it has not finished by then (it still will: the page updates live).
 */
export async function waitForJob(queue: QueueDef<any>, id: string, timeoutMs: number): Promise<{ state: JobState; output: unknown } | null> {
  const boss = await currentBoss();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await boss.getJobById(queue.name, id, { includeArchive: true });
    if (job && (job.state === 'completed' || job.state === 'failed' || job.state === 'cancelled' || job.state === 'retry')) {
      return { state: job.state, output: job.output };
    }
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, 150));
  }
}
