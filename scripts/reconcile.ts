// npm run reconcile -- [--since 24h|7d|90m] [--limit N] — ask the providers' status APIs about
// payments not yet confirmed (or not yet final) and record what they say. Works on DATABASE_URL,
// or on the embedded database when no running server holds it.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { closeDb, getDbHandle, queryRows, type DbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { recordAudit } from '@/lib/audit/record';
import { env } from '@/lib/env';
import { startJobs, type JobsRuntime } from '@/lib/jobs/runtime';
import { parseSince, selectForReconcile } from '@/lib/payments/verify';
import { enqueueVerification, verifyQueue } from '@/lib/payments/verify-job';
import { getProviders } from '@/lib/providers';

const USAGE = `Usage: npm run reconcile -- [--since 24h] [--limit 500]

Asks the providers' status APIs (Enkash Get Transaction Status, Juspay Order Status) about every
payment since --since (by payment time) that is still unconfirmed, whose last check failed, or
whose status is not final, newest first, and records confirmed / mismatch / error on each,
through the same job queue a notification uses (this process works the jobs too, until each
has an answer). A mismatch is flagged for a person; the status itself is never changed. A check
the provider could not answer stays in the queue and is retried with backoff by any running PayOps.

  --since D   how far back: a number and m, h or d (default 24h)
  --limit N   at most N payments (default 500)

Exit code 0 when every check reached the provider, 1 when some could not, 2 on a usage error.`;

function parseCli(argv: string[]): { since: Date; limit: number } | string {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { since: { type: 'string', default: '24h' }, limit: { type: 'string', default: '500' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    return (err as Error).message;
  }
  if (values.help) return '';
  const since = parseSince(values.since!);
  if (!since) return `--since must be a number and m, h or d (e.g. 24h, 7d), not ${values.since}`;
  const limit = /^\d{1,6}$/.test(values.limit!) ? Number(values.limit) : 0;
  if (limit < 1) return `--limit must be a whole number from 1, not ${values.limit}`;
  return { since, limit };
}

async function main(): Promise<number> {
  const args = parseCli(process.argv.slice(2));
  if (typeof args === 'string') {
    console[args ? 'error' : 'log'](args ? `reconcile: ${args}\n\n${USAGE}` : USAGE);
    return args ? 2 : 0;
  }
  const handle = await getDbHandle();
  let jobs: JobsRuntime | undefined;
  try {
    await migrateDb(handle, env().DATABASE_MIGRATION_URL ?? env().DATABASE_URL);
    const ids = await selectForReconcile(handle.db, args);
    console.log(`${ids.length} payment(s) since ${args.since.toISOString()} to check (${handle.kind})`);
    // The same durable check a notification queues; this process works them too, beside any
    // running server, until every one it queued has an answer (or is waiting for a retry).
    jobs = await startJobs(handle, { work: true, providers: getProviders, queues: [verifyQueue] });
    const jobIds: string[] = [];
    let alreadyQueued = 0;
    for (const id of ids) {
      const jobId = await enqueueVerification({ id, cause: 'reconcile' });
      if (jobId) jobIds.push(jobId);
      else alreadyQueued++;
    }
    const finished = await waitForJobs(handle, jobIds, WAIT_MS);
    const counts = { confirmed: 0, mismatch: 0, error: 0, unconfirmed: 0, skipped: 0, gone: 0 };
    for (const job of finished) {
      if (job.state === 'completed') {
        const v = (job.output as { verification?: keyof typeof counts } | null)?.verification;
        if (v && v in counts) counts[v]++;
      } else {
        counts.error++;
        const data = job.data as { id?: number };
        console.log(`  #${data.id} error${job.state === 'retry' ? ' (the queue will try again)' : ''}: ${(job.output as { message?: string } | null)?.message ?? job.state}`);
      }
    }
    const unfinished = jobIds.length - finished.length;
    const summary = `confirmed ${counts.confirmed}, mismatch ${counts.mismatch}, error ${counts.error}, still unconfirmed ${counts.unconfirmed}${alreadyQueued ? `, ${alreadyQueued} already queued` : ''}${unfinished ? `, ${unfinished} not answered within ${WAIT_MS / 1000} s` : ''}`;
    await recordAudit(handle.db, {
      actor: 'cli',
      action: 'payments.reconcile',
      outcome: counts.error > 0 || unfinished > 0 ? 'partial' : 'ok',
      details: { since: args.since.toISOString(), limit: args.limit, ...counts, alreadyQueued, unfinished },
    });
    console.log(summary);
    return counts.error > 0 || unfinished > 0 ? 1 : 0;
  } finally {
    await jobs?.stop(3000);
    await closeDb();
  }
}

const WAIT_MS = 5 * 60_000;

interface FinishedJob {
  state: string;
  data: unknown;
  output: unknown;
}

/** Waits until every job has an answer: done, failed, cancelled, or failed once and queued for a retry. */
async function waitForJobs(handle: DbHandle, ids: string[], timeoutMs: number): Promise<FinishedJob[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = ids.length
      ? await queryRows<FinishedJob>(
          handle.db,
          sql`SELECT state::text AS state, data, output FROM pgboss.job
              WHERE name = ${verifyQueue.name} AND id = ANY(${`{${ids.join(',')}}`}::uuid[])
                AND state IN ('completed', 'failed', 'cancelled', 'retry')`,
        )
      : [];
    if (rows.length === ids.length || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 200));
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`reconcile: ${(err as Error).message}`);
    process.exit(1);
  },
);
