import type PgBoss from 'pg-boss';
import type { DbHandle } from '@/db/client';
import { isDatabaseUnavailable } from '@/lib/errors';
import { logError } from '@/lib/log';
import type { Providers } from '@/lib/providers/types';
import { scrubbedText, truncate } from '@/lib/text';
import { createBoss, useBoss, useLocalWake } from './boss';
import { isRetryable } from './errors';
import type { JobContext, QueueDef } from './queue';
import { ALL_QUEUES } from './queues';

export interface JobsRuntime {
  boss: PgBoss;
  /** Stops taking jobs and waits up to `timeoutMs` for running ones. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartJobsOptions {
  /** Work jobs in this process (false: only queue them, e.g. a web instance beside `npm run worker`). */
  work: boolean;
  providers: () => Providers;
  /** The queues to create and (with `work`) to work; default every queue. */
  queues?: readonly QueueDef<any>[];
  /** Seconds between polls of an idle queue (pg-boss's floor is 0.5). */
  pollingIntervalSeconds?: number;
}

/**
 * Starts pg-boss on this process's database: creates every queue (idempotent, safe when several
 * instances start at once), registers the cron schedules, and — with `work` — the workers.
 */
export async function startJobs(handle: DbHandle, options: StartJobsOptions): Promise<JobsRuntime> {
  const queues = options.queues ?? ALL_QUEUES;
  const boss = createBoss(handle, { supervise: options.work, schedule: options.work });
  boss.on('error', (err) => logError('[jobs] pg-boss:', err));
  const starting = boss.start();
  useBoss(starting);
  try {
    await starting;
    for (const q of queues) {
      await boss.createQueue(q.name, {
        name: q.name,
        policy: q.policy,
        retryLimit: q.retryLimit,
        retryDelay: q.retryDelay,
        retryBackoff: true,
        expireInSeconds: q.expireInSeconds,
      });
    }
    if (options.work) {
      // Each queue's workers not running a job now, in the order they last became idle.
      const idle = new Map<string, Set<string>>();
      for (const q of queues) {
        if (q.cron) await boss.schedule(q.name, q.cron, {}, { tz: 'UTC' });
        const free = new Set<string>();
        idle.set(q.name, free);
        for (let i = 0; i < q.concurrency; i++) {
          let workerId: string | undefined;
          workerId = await boss.work(
            q.name,
            { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 },
            // pg-boss waits a whole polling interval after every fetch, even one that found a job;
            // waking the worker after each job lets a backlog drain at the speed of the work.
            ([job]) => {
              if (workerId) free.delete(workerId);
              return runJob(boss, q, job, options.providers, handle).finally(() => {
                if (!workerId) return;
                free.add(workerId);
                boss.notifyWorker(workerId);
              });
            },
          );
          free.add(workerId);
        }
      }
      // A job sent from this process wakes one idle worker of its queue (sendJob); the woken one goes
      // to the back, so jobs sent together wake different workers. A worker that finds the job taken
      // only polls once more; with none idle, the busy ones fetch again as they finish.
      useLocalWake((name) => {
        const free = idle.get(name);
        const first = free?.values().next().value;
        if (!free || first === undefined) return;
        free.delete(first);
        free.add(first);
        boss.notifyWorker(first);
      });
    }
  } catch (err) {
    useBoss(undefined);
    useLocalWake(undefined);
    await boss.stop({ graceful: false, close: false, wait: true }).catch(() => {});
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    boss,
    stop: (timeoutMs = 3000) =>
      (stopping ??= (async () => {
        useBoss(undefined);
        useLocalWake(undefined);
        // close: false — the pool is the app's; the database is closed after this.
        await boss.stop({ graceful: true, timeout: timeoutMs, close: false, wait: true }).catch((err) => logError('[jobs] stop failed', err));
      })()),
  };
}

async function runJob(
  boss: PgBoss,
  queue: QueueDef<any>,
  job: PgBoss.JobWithMetadata<unknown>,
  providers: () => Providers,
  handle: DbHandle,
): Promise<object | void> {
  const parsed = queue.data.safeParse(job.data ?? {});
  if (!parsed.success) {
    await failWithoutRetry(boss, queue.name, job.id);
    throw jobError(`The job's data is not valid for ${queue.name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`);
  }
  const ctx: JobContext = { db: handle.db, providers: providers(), jobId: job.id, retryCount: job.retryCount, retryLimit: job.retryLimit };
  try {
    return (await queue.run(parsed.data, ctx)) ?? undefined;
  } catch (err) {
    if (isRetryable(err) || isDatabaseUnavailable(err)) throw jobError(messageOf(err));
    // A bug or a refusal: trying again would only repeat it.
    logError(`[jobs] ${queue.name} ${job.id} failed without retry:`, err);
    await failWithoutRetry(boss, queue.name, job.id).catch((e) => logError('[jobs] could not stop the retries', e));
    throw jobError(messageOf(err));
  }
}

/**
 * pg-boss retries every failure up to the queue's limit; a failure not worth retrying lowers
 * this job's limit to the tries it has had, so the failure that follows is final.
 */
async function failWithoutRetry(boss: PgBoss, queue: string, id: string): Promise<void> {
  await boss.getDb().executeSql('UPDATE pgboss.job SET retry_limit = retry_count WHERE name = $1 AND id = $2', [queue, id]);
}

function messageOf(err: unknown): string {
  // A driver's message can quote a statement's values: a database error is named by its code only.
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return `database error (SQLSTATE ${code})`;
  if (isDatabaseUnavailable(err)) return 'the database is unavailable';
  return err instanceof Error ? err.message : String(err);
}

/** The error pg-boss stores as the job's output: scrubbed, capped, and without a stack. */
function jobError(message: string): Error {
  const err = new Error(truncate(scrubbedText(message), 500));
  err.stack = err.message;
  return err;
}
