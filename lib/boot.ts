import { closeDb, getDbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { oneRoleWarning } from '@/db/roles';
import { startStatistics } from '@/db/analyze';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DbHandle } from '@/db/client';
import { seedDemo } from './demo/seed';
import { logError } from './log';
import { sendJob } from './jobs/boss';
import { startJobs, type JobsRuntime } from './jobs/runtime';
import { settlementSyncQueue } from './settlements/jobs';
import { getProviders } from './providers';
import { env, startupProblems, startupWarnings } from './env';

/**
 * Server start: refuse unsafe configuration, migrate, and close the database cleanly on
 * SIGTERM/SIGINT (NEXT_MANUAL_SIG_HANDLE hands the signals to us) — an embedded PGlite that
 * is not closed runs crash recovery on every restart.
 */
export async function boot(): Promise<void> {
  let e: ReturnType<typeof env>;
  try {
    e = env();
  } catch (err) {
    // Otherwise Next logs the failed hook and serves every request a 500, for ever.
    console.error(`\n[payops] REFUSING TO START: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const problems = startupProblems(e);
  if (problems.length) {
    for (const p of problems) console.error(`\n[payops] REFUSING TO START: ${p}\n`);
    process.exit(1);
  }
  for (const w of startupWarnings(e)) console.warn(`\n[payops] WARNING: ${w}\n`);
  // Embedded mode: secrets generated once and kept (owner-only) in DATA_DIR.
  if (!e.AUTH_SECRET) process.env.AUTH_SECRET = embeddedSecret(e.DATA_DIR, 'auth-secret');
  if (!e.PAYOPS_ENCRYPTION_KEY) process.env.PAYOPS_ENCRYPTION_KEY = embeddedSecret(e.DATA_DIR, 'encryption-key');
  if (!e.AUDIT_HMAC_KEY) process.env.AUDIT_HMAC_KEY = embeddedSecret(e.DATA_DIR, 'audit-hmac-key');

  let handle;
  try {
    handle = await getDbHandle();
    const roles = await migrateDb(handle, e.DATABASE_MIGRATION_URL ?? e.DATABASE_URL);
    const warning = oneRoleWarning(roles);
    if (warning) console.warn(`\n[payops] WARNING: ${warning}\n`);
  } catch (err) {
    // A server that cannot reach or migrate its database must not come up answering 500s.
    console.error(`\n[payops] CANNOT START: ${(err as Error).message}\n`);
    process.exit(1);
  }
  if (handle.kind === 'pglite') await startDemo(handle, e.DATA_DIR);
  // Planner statistics: analysed now, then kept fresh when autovacuum is off (db/analyze.ts).
  // As the owner (the migration role): ANALYZE needs it, and the app role may not own the tables.
  await startStatistics(handle, e.DATABASE_MIGRATION_URL ?? e.DATABASE_URL);
  console.log(`[payops] database: ${handle.kind === 'pglite' ? `embedded PGlite in ${e.DATA_DIR}` : 'PostgreSQL (DATABASE_URL)'}; migrations applied`);
  // Background jobs (lib/jobs): verification, the sweeper, alerts, retention. A stop in the
  // middle loses nothing: a job not finished is retried, by this instance or another.
  let jobs: JobsRuntime | undefined;
  try {
    jobs = await startJobs(handle, { work: e.JOB_WORKERS === 'on', providers: getProviders });
    console.log(`[payops] jobs: ${e.JOB_WORKERS === 'on' ? 'queued and worked here' : 'queued here, worked by `npm run worker`'}`);
    // The embedded demo fetches the simulated payouts of the last 5 weeks at every start, so
    // /settlements has yesterday's payout at once (idempotent: a payout already stored is skipped).
    if (handle.kind === 'pglite') await sendJob(settlementSyncQueue, { days: 35, requestedBy: 'system:demo-start' });
  } catch (err) {
    console.error(`\n[payops] CANNOT START: the job queue did not start: ${(err as Error).message}\n`);
    process.exit(1);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[payops] ${signal}: stopping jobs and closing the database`);
    // A stalled database must not hold the process: the pool stops waiting after 3 s, and
    // whatever else hangs is cut at 8 s, inside an orchestrator's usual 10 s grace period.
    setTimeout(() => {
      console.error(`[payops] ${signal}: shutdown did not finish in 8 s; exiting`);
      process.exit(1);
    }, 8000).unref();
    // Running jobs get 3 s to finish; one cut short is retried later (every job is idempotent).
    await jobs?.stop(3000);
    await closeDb().catch((err) => logError('[payops] close failed', err));
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/** Embedded mode: a secret (32 random bytes, base64url) generated once and kept (owner-only) in DATA_DIR. */
function embeddedSecret(dataDir: string, name: string): string {
  const file = path.join(path.resolve(dataDir), name);
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

async function startDemo(handle: DbHandle, dataDir: string) {
  const accounts = await seedDemo(handle, dataDir);
  if (!accounts?.length) return;
  const port = process.env.PORT || '3000';
  console.log(`\n[payops] Demo sign-ins (embedded database only) at http://localhost:${port}/login`);
  for (const a of accounts) {
    console.log(`[payops]   ${a.role.padEnd(8)} ${a.email.padEnd(22)} ${a.password}${a.totpSecret ? `   authenticator key: ${a.totpSecret}` : ''}`);
  }
  if (accounts.some((a) => a.totpSecret)) {
    console.log('[payops] Admin and finance sign in with a second factor: add their key to an authenticator app, or run `npm run demo:code` for the current codes.');
  }
  console.log('[payops] A Juspay card payment waiting for its OTP (PENDING_VBV) was added just now: sign in as support, open it from the top of /payments, and try Resend OTP.');
  console.log('');
}
