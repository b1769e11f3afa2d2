import { closeDb, getDbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { startStatistics } from '@/db/analyze';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DbHandle } from '@/db/client';
import { seedDemo } from './demo/seed';
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
  if (!e.AUTH_SECRET) process.env.AUTH_SECRET = embeddedAuthSecret(e.DATA_DIR);

  let handle;
  try {
    handle = await getDbHandle();
    await migrateDb(handle, e.DATABASE_URL);
  } catch (err) {
    // A server that cannot reach or migrate its database must not come up answering 500s.
    console.error(`\n[payops] CANNOT START: ${(err as Error).message}\n`);
    process.exit(1);
  }
  if (handle.kind === 'pglite') await startDemo(handle, e.DATA_DIR);
  // Planner statistics: analysed now, then kept fresh when autovacuum is off (db/analyze.ts).
  await startStatistics(handle, e.DATABASE_URL);
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

/** Embedded mode: a session-signing secret generated once and kept (owner-only) in DATA_DIR. */
function embeddedAuthSecret(dataDir: string): string {
  const file = path.join(path.resolve(dataDir), 'auth-secret');
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
  for (const a of accounts) console.log(`[payops]   ${a.role.padEnd(8)} ${a.email.padEnd(22)} ${a.password}`);
  console.log('[payops] A Juspay card payment waiting for its OTP (PENDING_VBV) was added just now: sign in as support, open it from the top of /payments, and try Resend OTP.');
  console.log('');
}
