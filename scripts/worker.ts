// npm run worker — the background jobs alone, without the web server: for a deployment that runs
// web instances with JOB_WORKERS=off and workers separately. Needs DATABASE_URL (an embedded
// database belongs to the one process that opened it: there `npm start` works the jobs itself).
import { closeDb, getDbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { env, startupProblems } from '@/lib/env';
import { startJobs } from '@/lib/jobs/runtime';
import { ALL_QUEUES } from '@/lib/jobs/queues';
import { logError } from '@/lib/log';
import { getProviders } from '@/lib/providers';

async function main(): Promise<void> {
  const e = env();
  if (!e.DATABASE_URL) {
    console.error('worker: DATABASE_URL is not set. With the embedded database, `npm start` works the jobs itself.');
    process.exit(2);
  }
  const problems = startupProblems(e);
  if (problems.length) {
    for (const p of problems) console.error(`worker: REFUSING TO START: ${p}`);
    process.exit(1);
  }
  const handle = await getDbHandle();
  await migrateDb(handle, e.DATABASE_MIGRATION_URL ?? e.DATABASE_URL);
  const jobs = await startJobs(handle, { work: true, providers: getProviders });
  console.log(`[worker] working ${ALL_QUEUES.map((q) => q.name).join(', ')}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing running jobs (up to 5 s)`);
    setTimeout(() => process.exit(1), 8000).unref();
    await jobs.stop(5000);
    await closeDb().catch((err) => logError('[worker] close failed', err));
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(`worker: ${(err as Error).message}`);
  process.exit(1);
});
