import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { Db } from '@/db/client';
import type { Providers } from '@/lib/providers/types';

/** What a job's handler may use: the database and the provider clients of this process. */
export interface JobContext {
  db: Db;
  providers: Providers;
  /** The job's id, and how many times it has already been tried (0 on the first run). */
  jobId: string;
  retryCount: number;
  retryLimit: number;
}

/**
 * One queue: its name, what its jobs carry, how they are retried, when it runs on its own, and
 * what a job does. A handler must be idempotent (run twice, it changes nothing more) and throw
 * `RetryableJobError` only for what a later try can fix.
 */
export interface QueueDef<T extends object = object> {
  name: string;
  /** What the queue is for, in words (shown on /operations). */
  title: string;
  data: z.ZodType<T>;
  policy: 'standard' | 'short' | 'singleton' | 'stately';
  retryLimit: number;
  /** Seconds before the first retry; doubled (with jitter) for each further one. */
  retryDelay: number;
  /** A job still running after this long is failed (its worker is presumed gone). */
  expireInSeconds: number;
  /** Cron (UTC) for a queue that runs on a schedule. */
  cron?: string;
  /** Jobs one instance works at a time. */
  concurrency: number;
  /** Per-job send options (a singleton key). */
  sendOptions?: (data: T) => PgBoss.SendOptions;
  run(data: T, ctx: JobContext): Promise<object | void>;
}

export function defineQueue<T extends object>(def: QueueDef<T>): QueueDef<T> {
  return def;
}

/** What a scheduled task declares; the rest is the same for all of them. */
export interface ScheduledTask {
  name: string;
  title: string;
  /** Cron (UTC). */
  cron: string;
  /** Defaults: 2 retries, 10 s apart (doubling), expired after 120 s. */
  retryLimit?: number;
  retryDelay?: number;
  expireInSeconds?: number;
  run(ctx: JobContext): Promise<object | void>;
}

const noData = z.object({});

/**
 * A task that runs on a schedule and carries no data: one job at a time across every instance
 * (singleton), one worker per instance. Its run must be idempotent, as every job's.
 */
export function defineScheduledTask(task: ScheduledTask): QueueDef<Record<string, never>> {
  return defineQueue({
    name: task.name,
    title: task.title,
    data: noData as unknown as z.ZodType<Record<string, never>>,
    policy: 'singleton',
    retryLimit: task.retryLimit ?? 2,
    retryDelay: task.retryDelay ?? 10,
    expireInSeconds: task.expireInSeconds ?? 120,
    cron: task.cron,
    concurrency: 1,
    run: (_data, ctx) => task.run(ctx),
  });
}
