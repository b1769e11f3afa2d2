import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { recordAudit, type AuditEntry } from '@/lib/audit/record';
import { AppError } from '@/lib/errors';
import { ALL_QUEUES, queueByName } from './queues';

// What /operations shows and does. pg-boss keeps jobs in `pgboss.job` (10.4.2, pinned): these
// read it directly, and retry/cancel write it in the same transaction as their audit row.

const STATES = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'] as const;
export type JobStateName = (typeof STATES)[number];

export interface QueueSummary {
  name: string;
  title: string;
  cron: string | null;
  counts: Record<JobStateName, number>;
  lastRun: { at: Date; state: JobStateName; output: unknown } | null;
}

const installed = async (db: DbOrTx) =>
  (await queryRows<{ ok: boolean }>(db, sql`SELECT to_regclass('pgboss.job') IS NOT NULL AS ok`))[0]?.ok === true;

/** Every queue with its jobs by state (finished ones: the last 24 hours) and its last finished run. */
export async function listQueues(db: DbOrTx): Promise<QueueSummary[]> {
  const counts = (await installed(db))
    ? await queryRows<{ name: string; state: JobStateName; n: string | number }>(
        db,
        sql`SELECT name, state::text AS state, count(*) AS n FROM pgboss.job
            WHERE state < 'completed' OR completed_on > now() - interval '24 hours'
            GROUP BY name, state`,
      )
    : [];
  const last = (await installed(db))
    ? await queryRows<{ name: string; state: JobStateName; at: Date | string; output: unknown }>(
        db,
        sql`SELECT DISTINCT ON (name) name, state::text AS state, completed_on AS at, output FROM pgboss.job
            WHERE state IN ('completed', 'failed') ORDER BY name, completed_on DESC`,
      )
    : [];
  return ALL_QUEUES.map((q) => {
    const byState = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<JobStateName, number>;
    for (const c of counts) if (c.name === q.name) byState[c.state] = Number(c.n);
    const l = last.find((r) => r.name === q.name);
    return { name: q.name, title: q.title, cron: q.cron ?? null, counts: byState, lastRun: l ? { at: new Date(l.at), state: l.state, output: l.output } : null };
  });
}

export interface JobRow {
  id: string;
  queue: string;
  state: JobStateName;
  data: Record<string, unknown>;
  error: string | null;
  retryCount: number;
  retryLimit: number;
  createdAt: Date;
  /** When it failed, or when it is next tried. */
  at: Date | null;
}

/** Jobs that need a person: failed (retries exhausted or not retryable), and those waiting to be retried. */
export async function listJobsNeedingAttention(db: DbOrTx, params: { limit?: number } = {}): Promise<JobRow[]> {
  if (!(await installed(db))) return [];
  const rows = await queryRows<Record<string, any>>(
    db,
    sql`SELECT id::text, name, state::text AS state, data, output, retry_count, retry_limit, created_on,
               CASE WHEN state = 'failed' THEN completed_on ELSE start_after END AS at
        FROM pgboss.job WHERE state IN ('failed', 'retry')
        ORDER BY (state = 'failed') DESC, coalesce(completed_on, start_after) DESC
        LIMIT ${params.limit ?? 100}`,
  );
  return rows.map((r) => ({
    id: r.id,
    queue: r.name,
    state: r.state,
    data: (r.data ?? {}) as Record<string, unknown>,
    error: typeof r.output?.message === 'string' ? r.output.message : null,
    retryCount: Number(r.retry_count),
    retryLimit: Number(r.retry_limit),
    createdAt: new Date(r.created_on),
    at: r.at ? new Date(r.at) : null,
  }));
}

type Who = Omit<AuditEntry, 'action' | 'target' | 'outcome' | 'details'>;

/**
 * Retry a failed job now (one more try), or cancel a failed or waiting one (it leaves the list and
 * is never run). The change and its audit row land together; a job that is no longer in a state
 * the action applies to (another admin got there first) is a conflict, and nothing is written.
 */
export async function changeJob(db: DbOrTx, params: { action: 'retry' | 'cancel'; queue: string; id: string; who: Who }): Promise<void> {
  if (!queueByName(params.queue)) throw new AppError('not_found', 'No such queue.');
  if (!/^[0-9a-f-]{36}$/i.test(params.id)) throw new AppError('invalid_input', 'That is not a job id.');
  await db.transaction(async (tx) => {
    const changed =
      params.action === 'retry'
        ? await queryRows<{ id: string }>(
            tx,
            sql`UPDATE pgboss.job SET state = 'retry', retry_limit = retry_limit + 1, start_after = now()
                WHERE name = ${params.queue} AND id = ${params.id}::uuid AND state = 'failed' RETURNING id`,
          )
        : await queryRows<{ id: string }>(
            tx,
            sql`UPDATE pgboss.job SET state = 'cancelled', completed_on = now()
                WHERE name = ${params.queue} AND id = ${params.id}::uuid AND state IN ('created', 'retry', 'failed') RETURNING id`,
          );
    if (!changed.length) {
      throw new AppError('conflict', params.action === 'retry' ? 'That job is no longer failed.' : 'That job has already run or been cancelled.');
    }
    await recordAudit(tx, { ...params.who, action: `jobs.${params.action}`, target: `${params.queue}:${params.id}`, outcome: 'ok' });
  });
}
