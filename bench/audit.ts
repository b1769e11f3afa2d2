// npm run bench:audit [-- --rows N] [--views N] — what a view of /audit costs with a large audit
// log, against a full walk. Seeds N keyed, chained rows into a throwaway database (BENCH_BASE_URL,
// else the local server), then times: the full verification (the hourly job; what every view of
// /audit did before), and the page's incremental check with nothing new and with 10 new rows.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { openDb, type Db } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { auditMac } from '@/lib/audit/chain';
import { writeAuditCheckpoint } from '@/lib/audit/checkpoint';
import { auditKey } from '@/lib/audit/key';
import { recordAudit } from '@/lib/audit/record';
import { checkAuditIncrement, runFullVerification } from '@/lib/audit/verification';
import { cleanupOnSignals, createDatabase, onCleanup, percentile, redactUrl, runBenchmark } from './lib';

// The benchmark's own key, unless one is configured (rows are written and verified with it).
process.env.AUDIT_HMAC_KEY ??= 'bench-audit-hmac-key-0123456789abcdef';
const BASE = process.env.BENCH_BASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';
const BATCH = 10_000;
const ACTIONS = ['auth.sign_in', 'payments.export', 'otp.resend_requested', 'users.role_change', 'payments.recheck'];

/** N keyed rows in unnest batches, chained exactly as recordAudit chains them (one writer, no lock). */
async function seed(db: Db, rows: number, key: string): Promise<void> {
  let prev: string | null = null;
  const start = Date.now() - rows * 1000;
  for (let from = 0; from < rows; from += BATCH) {
    const cols = { at: [] as string[], actor: [] as string[], action: [] as string[], target: [] as string[], details: [] as string[], seq: [] as number[], prev: [] as (string | null)[], mac: [] as string[] };
    for (let i = from; i < Math.min(rows, from + BATCH); i++) {
      const row = {
        at: new Date(start + i * 1000),
        actor: `user:${i % 40}`,
        actorRole: null,
        action: ACTIONS[i % ACTIONS.length],
        target: `T${i}`,
        sourceIp: null,
        outcome: 'ok',
        details: { i, note: 'benchmark row' },
      };
      const mac = auditMac(key, prev, i + 1, row);
      cols.at.push(row.at.toISOString());
      cols.actor.push(row.actor);
      cols.action.push(row.action);
      cols.target.push(row.target);
      cols.details.push(JSON.stringify(row.details));
      cols.seq.push(i + 1);
      cols.prev.push(prev);
      cols.mac.push(mac);
      prev = mac;
    }
    // Each column one array parameter (sql.param: drizzle would spread a plain array into a list).
    const [at, actor, action, target, details, seqs, prevs, macs] = [cols.at, cols.actor, cols.action, cols.target, cols.details, cols.seq, cols.prev, cols.mac].map((c) => sql.param(c));
    await db.execute(sql`
      INSERT INTO audit_log (at, actor, action, target, outcome, details, seq, prev_mac, mac)
      SELECT at, actor, action, target, 'ok', details::jsonb, seq, prev, mac
        FROM unnest(${at}::timestamptz[], ${actor}::text[], ${action}::text[], ${target}::text[],
                    ${details}::text[], ${seqs}::bigint[], ${prevs}::text[], ${macs}::text[])
             AS r(at, actor, action, target, details, seq, prev, mac)`);
    if ((from / BATCH) % 10 === 9) process.stdout.write(`  ${(from + BATCH).toLocaleString('en-IN')} rows\n`);
  }
  await db.execute(sql`ANALYZE audit_log`);
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, views: { type: 'string', default: '20' } } });
  const rows = Number(values.rows);
  const views = Number(values.views);
  cleanupOnSignals();
  const database = await createDatabase(BASE);
  onCleanup('drop the benchmark database', database.drop);
  const handle = await openDb({ databaseUrl: database.url, poolMax: 2, timeoutMs: 600_000 });
  onCleanup('close the database', () => handle.close());
  await migrateDb(handle, database.url);
  const db = handle.db;
  const key = auditKey();
  console.log(`${redactUrl(database.url)}; ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const seeded = await timed(() => seed(db, rows, key));
  console.log(`seeded ${rows.toLocaleString('en-IN')} keyed rows in ${(seeded.ms / 1000).toFixed(1)} s`);
  await writeAuditCheckpoint(db);

  const full = await timed(() => runFullVerification(db));
  if (!full.value.ok) throw new Error(`the seeded chain does not verify: ${full.value.breaks[0]?.detail}`);
  console.log(`full verification (hourly job; every view of /audit before): ${(full.ms / 1000).toFixed(1)} s, ${Math.round(full.value.checked / (full.ms / 1000)).toLocaleString('en-IN')} rows/s`);

  const idle: number[] = [];
  const busy: number[] = [];
  for (let v = 0; v < views; v++) {
    idle.push((await timed(() => checkAuditIncrement(db))).ms);
    for (let i = 0; i < 10; i++) await recordAudit(db, { actor: 'user:1', action: 'bench.row', target: `view ${v}`, outcome: 'ok' });
    const check = await timed(() => checkAuditIncrement(db));
    if (!check.value.ok || check.value.checkedNow !== 10) throw new Error('the incremental check did not walk the 10 new rows');
    busy.push(check.ms);
  }
  const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms`;
  console.log(`/audit incremental check, nothing new: ${fmt(idle)}`);
  console.log(`/audit incremental check, 10 new rows: ${fmt(busy)}`);
  console.log(`full walk / incremental (10 new rows, p50): ${Math.round(full.ms / percentile(busy, 50)).toLocaleString('en-IN')}×`);
  console.log(`load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  return 0;
}

runBenchmark(main);
