import { closeDb, getDbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { env, startupProblems, startupWarnings } from './env';

/**
 * Server start: refuse unsafe configuration, migrate, and close the database cleanly on
 * SIGTERM/SIGINT (NEXT_MANUAL_SIG_HANDLE hands the signals to us) — an embedded PGlite that
 * is not closed runs crash recovery on every restart.
 */
export async function boot(): Promise<void> {
  const e = env();
  const problems = startupProblems(e);
  if (problems.length) {
    for (const p of problems) console.error(`\n[payops] REFUSING TO START: ${p}\n`);
    process.exit(1);
  }
  for (const w of startupWarnings(e)) console.warn(`\n[payops] WARNING: ${w}\n`);

  let handle;
  try {
    handle = await getDbHandle();
    await migrateDb(handle, e.DATABASE_URL);
  } catch (err) {
    // A server that cannot reach or migrate its database must not come up answering 500s.
    console.error(`\n[payops] CANNOT START: ${(err as Error).message}\n`);
    process.exit(1);
  }
  console.log(`[payops] database: ${handle.kind === 'pglite' ? `embedded PGlite in ${e.DATA_DIR}` : 'PostgreSQL (DATABASE_URL)'}; migrations applied`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[payops] ${signal}: closing the database`);
    await closeDb().catch((err) => console.error('[payops] close failed', err));
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
