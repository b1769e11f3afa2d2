import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, queryRows, type DbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { createPostgresTestDb, postgresReachable, type TestDb } from '@/db/testing';
import type { Sandbox } from '@/sandbox/server';
import { startSandbox } from '@/sandbox/server';
import { exampleWith, notifyRequest } from '@/test/enkash';
import { handleEnkashNotify } from '@/lib/webhooks/enkash-notify';

const run = promisify(execFile);

/** `npm run reconcile` as a separate process, the way an operator or a cron job runs it. */
async function reconcile(args: string[], env: Record<string, string>) {
  try {
    const { stdout } = await run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/reconcile.ts', ...args], {
      // The audit key, as a deployment has it (its audit rows are keyed: lib/audit/key.ts).
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', AUDIT_HMAC_KEY: process.env.AUDIT_HMAC_KEY ?? '', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const hoursAgo = (h: number) => {
  // txnDate is India time without a zone.
  const ist = new Date(Date.now() - h * 3_600_000 + 330 * 60_000).toISOString();
  return `${ist.slice(0, 10)} ${ist.slice(11, 19)}`;
};

/** Three recent Enkash payments the simulator confirms, contradicts and does not know, and an old one. */
async function seed(handle: DbHandle, sandbox: Sandbox) {
  const post = async (id: string, status: string, providerSays: string | null, ageHours: number) => {
    if (providerSays) sandbox.control.setTransaction('enkash', id, { status: providerSays });
    const req = notifyRequest(exampleWith({ transactionId: id, status, txnDate: hoursAgo(ageHours) }), { key: 's' });
    expect((await handleEnkashNotify(req, { db: async () => handle.db, secret: 's' })).status).toBe(200);
  };
  await post('EKRECOK', 'SUCCESS', 'SUCCESS', 1);
  await post('EKRECBAD', 'SUCCESS', 'FAILED', 2);
  await post('EKRECGONE', 'SUCCESS', null, 3);
  await post('EKRECOLD', 'SUCCESS', 'SUCCESS', 24 * 10);
}

async function verdicts(handle: DbHandle) {
  return queryRows<{ transaction_id: string; verification: string }>(
    handle.db,
    sql`SELECT transaction_id, verification FROM transactions ORDER BY transaction_id`,
  );
}

const EXPECTED = [
  { transaction_id: 'EKRECBAD', verification: 'mismatch' },
  { transaction_id: 'EKRECGONE', verification: 'mismatch' },
  { transaction_id: 'EKRECOK', verification: 'confirmed' },
  { transaction_id: 'EKRECOLD', verification: 'unconfirmed' },
];

const withPostgres = await postgresReachable();

describe('npm run reconcile', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('checks the embedded database when no server holds it, and prints a summary', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'payops-reconcile-'));
    try {
      let handle = await openDb({ dataDir: dir });
      await migrateDb(handle);
      await seed(handle, sandbox);
      // PGlite allows one process per directory: the script refuses while this one holds it.
      const held = await reconcile(['--since', '24h'], { ...sandbox.env, DATA_DIR: dir });
      expect(held.code).toBe(1);
      expect(held.stdout).toMatch(/in use by process/);
      await handle.close();

      const result = await reconcile(['--since', '24h'], { ...sandbox.env, DATA_DIR: dir });
      expect(result.stdout).toMatch(/3 payment\(s\) since .* to check \(pglite\)/);
      expect(result.stdout).toMatch(/confirmed 1, mismatch 2, error 0/);
      expect(result.code).toBe(0);
      handle = await openDb({ dataDir: dir });
      expect(await verdicts(handle)).toEqual(EXPECTED);
      const [audit] = await queryRows<Record<string, any>>(handle.db, sql`SELECT * FROM audit_log WHERE action = 'payments.reconcile'`);
      expect(audit).toMatchObject({ actor: 'cli', outcome: 'ok' });
      await handle.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe.skipIf(!withPostgres)('on DATABASE_URL', () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await createPostgresTestDb();
      await seed(t.handle, sandbox);
    });
    afterAll(async () => {
      await t?.cleanup();
    });

    it('checks only what is unconfirmed since --since, exits 1 when the provider could not be asked, and respects --limit', async () => {
      sandbox.control.setFault('enkash.status', { mode: '5xx' });
      const down = await reconcile(['--since', '7d', '--limit', '2'], { ...sandbox.env, DATABASE_URL: t.url! });
      sandbox.control.clearFaults();
      expect(down.stdout).toMatch(/2 payment\(s\) since .* \(postgres\)/);
      expect(down.stdout).toMatch(/confirmed 0, mismatch 0, error 2/);
      expect(down.code).toBe(1);

      const result = await reconcile(['--since', '7d'], { ...sandbox.env, DATABASE_URL: t.url! });
      expect(result.stdout).toMatch(/confirmed 1, mismatch 2, error 0/);
      expect(result.code).toBe(0);
      expect(await verdicts(t.handle)).toEqual(EXPECTED);
    });

    it('refuses a bad --since with a usage message', async () => {
      const result = await reconcile(['--since', 'yesterday'], { DATABASE_URL: t.url! });
      expect(result.code).toBe(2);
      expect(result.stdout).toMatch(/--since must be/);
    });
  });
});
