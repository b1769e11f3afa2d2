// Playwright's web server: a fresh database, then `npm start` exactly as a user runs it.
// Real Postgres when reachable (E2E_DATABASE_URL or the local server); otherwise, loudly,
// a fresh embedded PGlite directory.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import pg from 'pg';

const base = process.env.E2E_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const env = { ...process.env };

try {
  const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3000 });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS payops_e2e WITH (FORCE)');
  await admin.query('CREATE DATABASE payops_e2e');
  await admin.end();
  const url = new URL(base);
  url.pathname = '/payops_e2e';
  env.DATABASE_URL = url.toString();
  console.log('[e2e] serving on a fresh Postgres database payops_e2e');
} catch (err) {
  console.warn(`\n!!! [e2e] Postgres unreachable (${err.message}): the browser tests run on embedded PGlite instead.\n`);
  delete env.DATABASE_URL;
  env.DATA_DIR = '.data-e2e';
  rmSync(env.DATA_DIR, { recursive: true, force: true });
}

// One user per role, made with the real CLI before the server holds the database.
for (const role of ['admin', 'finance', 'support']) {
  const created = spawnSync(
    process.execPath,
    ['node_modules/tsx/dist/cli.mjs', 'scripts/user-create.ts', '--email', `${role}@e2e.payops.test`, '--role', role, '--password', `e2e-${role}-password-1234`],
    { stdio: 'inherit', env },
  );
  if (created.status !== 0) process.exit(created.status ?? 1);
}

const server = spawn(process.execPath, ['scripts/start.mjs'], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
