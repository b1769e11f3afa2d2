// npm run bench:live-triggers [-- --seconds N --rounds N --only postgres|pglite --variants rows,off,notify]
// — what live updates cost the webhook: the live_events triggers (migration live_events_triggers, a
// row per delivery and per payment change) and the doorbell rung after the commit (lib/live/ring.ts),
// against no live updates at all, and against the first design (a NOTIFY inside the writer's
// transaction). Runs the real handler (handleEnkashNotify, in this process, no HTTP) with 10
// deliveries in flight, each a new payment, on a throwaway Postgres database and on an in-memory
// PGlite, variants in turn (order reversed every other pass, so machine drift falls on all alike),
// with a listener connected as in production. Prints deliveries/s per round and, on Postgres, the
// CPU its backends spent per delivery (which other load changes less), and the ratios. A benchmark:
// it prints and asserts nothing (exit 1 only when a delivery failed).
import type { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDb, queryRows, type DbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { pauseRinging } from '@/lib/live/ring';
import { handleEnkashNotify } from '@/lib/webhooks/enkash-notify';
import { DOCUMENTED_EXAMPLE } from '@/test/enkash';
import { cleanupOnSignals, createDatabase, onCleanup, randomToken, runBenchmark } from './lib';

const IN_FLIGHT = 10;
const SECRET = 'live-triggers';
const TRIGGERS = [
  ['deliveries', 'deliveries_live'],
  ['transactions', 'transactions_live_insert'],
  ['transactions', 'transactions_live_update'],
] as const;

function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * off: no live updates at all (triggers disabled, no doorbell). rows: as shipped — the triggers
 * write live_events rows, the handler rings the doorbell after its commit (lib/live/ring.ts).
 * silent: the rows without the doorbell (what the rows alone cost). notify: the first design, for
 * the record — the triggers also NOTIFY inside the writer's transaction, no doorbell.
 */
const VARIANTS = ['off', 'rows', 'silent', 'notify'] as const;
type Variant = (typeof VARIANTS)[number];

const NOTIFY = `PERFORM pg_notify('payops_live', json_build_object('id', currval(pg_get_serial_sequence('live_events', 'id')))::text);`;

/** The two trigger functions of migration live_events_triggers, with a NOTIFY after the insert or without. */
function triggerFunctions(notify: boolean): string[] {
  const off = `IF current_setting('payops.live_events', true) IS NOT DISTINCT FROM 'off' THEN RETURN NULL; END IF;`;
  return [
    `CREATE OR REPLACE FUNCTION payops_live_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
     DECLARE payment bigint;
     BEGIN
       ${off}
       IF NEW.transaction_id IS NOT NULL THEN
         SELECT t.id INTO payment FROM transactions t WHERE t.transaction_id = NEW.transaction_id AND t.provider = NEW.provider;
       END IF;
       INSERT INTO live_events (topic, kind, payment_id, delivery_id) VALUES ('delivery', NEW.outcome, payment, NEW.id);
       ${notify ? NOTIFY : ''}
       RETURN NULL;
     END; $$`,
    `CREATE OR REPLACE FUNCTION payops_live_payment() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       ${off}
       INSERT INTO live_events (topic, kind, payment_id) VALUES ('payment', CASE WHEN TG_OP = 'INSERT' THEN 'created' ELSE 'updated' END, NEW.id);
       ${notify ? NOTIFY : ''}
       RETURN NULL;
     END; $$`,
  ];
}

interface Round {
  variant: Variant;
  rate: number;
  /** Postgres backend CPU per delivery, µs (NaN on PGlite). */
  pgUs: number;
  events: number;
  deliveries: number;
  failures: number;
}

async function backendCpuMs(admin: pg.Client | null, database: string): Promise<number> {
  if (!admin) return NaN;
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  return rows.reduce((s, r) => s + cpuMs(r.pid), 0);
}

async function measure(label: string, handle: DbHandle, admin: pg.Client | null, database: string, seconds: number, rounds: number, variants: Variant[]): Promise<Round[]> {
  const run = randomToken(3).toUpperCase();
  let seq = 0;
  const deps = { db: async () => handle.db, secret: SECRET };
  const deliver = async (until: number) => {
    let done = 0;
    let failures = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (Date.now() < until) {
          const id = `EKLT${run}${++seq}`;
          const body = DOCUMENTED_EXAMPLE.replace('"EK1738916997652yh8GL"', `"${id}"`).replace('"EK66674UU7T"', `"U${id}"`);
          const res = await handleEnkashNotify(new Request(`http://localhost/api/webhooks/enkash/notify?key=${SECRET}`, { method: 'POST', body }), deps);
          if (res.status === 200) done++;
          else failures++;
        }
      }),
    );
    return { done, failures };
  };
  const setVariant = async (variant: Variant) => {
    const on = variant !== 'off';
    for (const [table, trigger] of TRIGGERS) await handle.db.execute(sql.raw(`ALTER TABLE ${table} ${on ? 'ENABLE' : 'DISABLE'} TRIGGER ${trigger}`));
    for (const fn of triggerFunctions(variant === 'notify')) await handle.db.execute(sql.raw(fn));
    pauseRinging(variant !== 'rows');
  };
  const events = async () => Number((await queryRows<{ n: string }>(handle.db, sql`SELECT count(*)::text AS n FROM live_events`))[0].n);

  // Warm-up, uncounted, each variant in turn: prepared statements, the handler's JIT, the triggers'
  // plans, the tables' first pages. Without it the first round measured runs cold at half speed.
  for (const variant of variants) {
    await setVariant(variant);
    await deliver(Date.now() + 3000);
  }

  console.log(`\n${label}: ${IN_FLIGHT} deliveries in flight, ${rounds} passes of ${seconds} s rounds per variant`);
  console.log('  variant    deliv/s   pg µs/deliv   live events written');
  const results: Round[] = [];
  // Each variant in turn, the order reversed every other pass, so none always goes first.
  const order = Array.from({ length: rounds }, (_, i) => (i % 2 ? [...variants].reverse() : variants)).flat();
  for (const variant of order) {
    const on = variant;
    await setVariant(variant);
    const eventsBefore = await events();
    const cpuBefore = await backendCpuMs(admin, database);
    const started = performance.now();
    const { done, failures } = await deliver(Date.now() + seconds * 1000);
    const elapsed = (performance.now() - started) / 1000;
    const cpu = (await backendCpuMs(admin, database)) - cpuBefore;
    const r: Round = { variant, rate: done / elapsed, pgUs: (cpu * 1000) / done, events: (await events()) - eventsBefore, deliveries: done, failures };
    results.push(r);
    console.log(`  ${on.padEnd(8)} ${r.rate.toFixed(0).padStart(9)} ${Number.isNaN(r.pgUs) ? '            —' : r.pgUs.toFixed(0).padStart(13)} ${String(r.events).padStart(9)} (${(r.events / Math.max(1, done)).toFixed(2)} per delivery)`);
  }
  await setVariant('rows');
  const mean = (rs: Round[], f: (r: Round) => number) => rs.reduce((sum, r) => sum + f(r), 0) / rs.length;
  const off = results.filter((r) => r.variant === 'off');
  for (const variant of variants.filter((v) => v !== 'off')) {
    const on = results.filter((r) => r.variant === variant);
    if (!off.length) break;
    const rateRatio = mean(on, (r) => r.rate) / mean(off, (r) => r.rate);
    const cpuRatio = mean(on, (r) => r.pgUs) / mean(off, (r) => r.pgUs);
    console.log(
      `  ${label}, ${variant} / off: throughput ${rateRatio.toFixed(3)}` +
        (Number.isNaN(cpuRatio) ? '' : `, Postgres CPU per delivery ${cpuRatio.toFixed(3)} (${mean(on, (r) => r.pgUs).toFixed(0)} vs ${mean(off, (r) => r.pgUs).toFixed(0)} µs)`),
    );
  }
  console.log(`  load average ${os.loadavg()[0].toFixed(1)}`);
  return results;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '2' }, only: { type: 'string' }, variants: { type: 'string', default: 'rows,off' } },
  });
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const variants = values.variants.split(',') as Variant[];
  if (!variants.every((v) => VARIANTS.includes(v))) throw new Error(`--variants: a list of ${VARIANTS.join(', ')}`);
  cleanupOnSignals();
  console.log(`bench:live-triggers: ${new Date().toISOString()}, ${os.availableParallelism()} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  let failures = 0;

  if (values.only !== 'pglite') {
    const database = await createDatabase(process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
    onCleanup(`drop ${database.name}`, database.drop);
    const handle = await openDb({ databaseUrl: database.url, poolMax: IN_FLIGHT });
    onCleanup(`close ${database.name}`, () => handle.close().catch(() => {}));
    await migrateDb(handle, database.url);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    onCleanup('close the admin client', () => admin.end().catch(() => {}));
    // As in production, someone listens: a NOTIFY nobody hears may cost less than one that is delivered.
    await admin.query('LISTEN payops_live');
    let heard = 0;
    admin.on('notification', () => heard++);
    const results = await measure('Postgres', handle, admin, database.name, seconds, rounds, variants);
    console.log(`  notifications heard by the listener: ${heard}`);
    failures += results.reduce((s, r) => s + r.failures, 0);
  }
  if (values.only !== 'postgres') {
    const handle = await openDb({ dataDir: 'memory://' });
    onCleanup('close PGlite', () => handle.close().catch(() => {}));
    await migrateDb(handle);
    let heard = 0;
    await (handle.db as unknown as { $client: PGlite }).$client.listen('payops_live', () => heard++);
    const results = await measure('PGlite', handle, null, '', seconds, rounds, variants);
    console.log(`  notifications heard by the listener: ${heard}`);
    failures += results.reduce((s, r) => s + r.failures, 0);
  }
  return failures > 0 ? 1 : 0;
}

runBenchmark(main);
