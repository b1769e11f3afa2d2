// Playwright's web server: a fresh database, then `npm start` exactly as a user runs it.
// Real Postgres when reachable (E2E_DATABASE_URL or the local server), with two roles as in
// production: migrations as the server's user (the owner), the app as a login role that owns
// nothing (db/roles.ts). Otherwise, loudly, a fresh embedded PGlite directory.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import pg from 'pg';

const base = process.env.E2E_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const env = { ...process.env };
// One database per port, so two checkouts can run their browser tests side by side.
const dbName = `payops_e2e_${process.env.PORT ?? '3100'}`;
const appRole = `payops_e2e_app_${process.env.PORT ?? '3100'}`;

try {
  const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3000 });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  // Its privileges lived in the dropped database: the role goes with it and comes back fresh.
  await admin.query(`DROP ROLE IF EXISTS ${appRole}`);
  await admin.query(`CREATE ROLE ${appRole} LOGIN`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  env.DATABASE_MIGRATION_URL = url.toString();
  url.username = appRole;
  url.password = '';
  env.DATABASE_URL = url.toString();
  console.log(`[e2e] serving on a fresh Postgres database ${dbName} as ${appRole}, migrated by its owner`);
} catch (err) {
  console.warn(`\n!!! [e2e] Postgres unreachable (${err.message}): the browser tests run on embedded PGlite instead.\n`);
  delete env.DATABASE_URL;
  delete env.DATABASE_MIGRATION_URL;
  env.DATA_DIR = `.data-e2e-${process.env.PORT ?? '3100'}`;
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
