// npm run bench:webhook [-- --duration N] — throughput and latency of POST /api/webhooks/enkash/notify
// on a production build and a throwaway Postgres database: the framework floor (GET /api/health/live),
// fresh deliveries and duplicate deliveries. Prints figures; exits 1 only when a request failed or
// the database does not hold exactly what was accepted, never because a target was missed.
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DOCUMENTED_EXAMPLE } from '@/test/enkash';
import {
  cannon,
  cleanup,
  cleanupOnSignals,
  createDatabase,
  ensureBuild,
  freePort,
  onCleanup,
  randomToken,
  redactUrl,
  spawnServer,
  type CannonOptions,
  type CannonResult,
} from './lib';

const CONNECTIONS = 10;
const WARMUP_S = 3;
const NOTIFY_PATH = '/api/webhooks/enkash/notify';
const DOCUMENTED_IDS = ['"EK1738916997652yh8GL"', '"EK66674UU7T"'] as const;
const USAGE = `Usage: npm run bench:webhook [-- --duration N]

Builds PayOps if needed, starts it on a throwaway Postgres database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/postgres, names the server), and measures ${CONNECTIONS} connections
for N seconds (default 15) per scenario after a ${WARMUP_S} s warm-up.`;

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  codes: string;
  failed: boolean;
}

function options() {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '15' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const duration = Number(values.duration);
  if (!Number.isInteger(duration) || duration < 1) throw new Error(`--duration must be a whole number of seconds, got ${values.duration}`);
  return { duration };
}

function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  const envPart = process.env.BENCH_DATABASE_URL ? `BENCH_DATABASE_URL=${redactUrl(process.env.BENCH_DATABASE_URL)} ` : '';
  if (process.env.npm_lifecycle_event === 'bench:webhook') return `${envPart}npm run bench:webhook${args ? ` -- ${args}` : ''}`;
  return `${envPart}tsx bench/webhook.ts${args ? ` ${args}` : ''}`;
}

/** A warm-up run that is thrown away, then the measured run. */
async function scenario(name: string, opts: Omit<CannonOptions, 'connections' | 'pipelining' | 'duration'>, duration: number) {
  const base = { ...opts, connections: CONNECTIONS, pipelining: 1 };
  process.stdout.write(`${name}: warm-up ${WARMUP_S} s, then ${duration} s … `);
  await cannon({ ...base, duration: WARMUP_S });
  const r = await cannon({ ...base, duration });
  const figures = summarize(name, r);
  console.log(figures.failed ? `FAILED (${figures.codes})` : 'done');
  return figures;
}

function summarize(name: string, r: CannonResult): Figures {
  const codes = Object.entries(r.statusCodeStats)
    .map(([code, { count }]) => `${code}×${count}`)
    .join(' ');
  return {
    name,
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    codes: `${codes}${r.errors ? `, ${r.errors} errors (${r.timeouts} timeouts)` : ''}`,
    failed: r.non2xx > 0 || r.errors > 0,
  };
}

/** Fresh deliveries: the documented example with new ids for every request, and who got a 2xx. */
function freshDeliveries() {
  for (const id of DOCUMENTED_IDS) {
    if (!DOCUMENTED_EXAMPLE.includes(id)) throw new Error(`the documented example no longer contains ${id}`);
  }
  const run = randomToken(4).toUpperCase();
  let seq = 0;
  const tally = { sent: 0, answered: 0, accepted: [] as string[] };
  const request = {
    setupRequest(req: object, context: Record<string, unknown>) {
      const id = `EKBENCH${run}${++seq}`;
      context.id = id;
      tally.sent++;
      // Replacing the two ids in the documented text keeps every other byte as documented.
      const body = DOCUMENTED_EXAMPLE.replace(DOCUMENTED_IDS[0], `"${id}"`).replace(DOCUMENTED_IDS[1], `"U${id}"`);
      return { ...req, body };
    },
    onResponse(status: number, _body: string, context: Record<string, unknown>) {
      tally.answered++;
      if (status >= 200 && status < 300) tally.accepted.push(context.id as string);
    },
  };
  return { request, tally };
}

async function countTransactions(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM transactions');
  return rows[0].n;
}

/**
 * autocannon stops its clock with up to one request per connection in flight; the server may
 * still store those. Waiting for the count to stop moving lets them land before we compare.
 */
async function settledCount(db: pg.Client): Promise<number> {
  let last = -1;
  for (;;) {
    const n = await countTransactions(db);
    if (n === last) return n;
    last = n;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Nothing lost, nothing doubled: every 2xx id stored once, and nothing else but late arrivals. */
async function checkFresh(db: pg.Client, tally: ReturnType<typeof freshDeliveries>['tally']) {
  const total = await settledCount(db);
  const { rows } = await db.query<{ answered: number; refolded: number; events: number }>(
    `SELECT count(*) FILTER (WHERE transaction_id = ANY($1::text[]))::int AS answered,
            count(*) FILTER (WHERE event_count <> 1)::int AS refolded,
            (SELECT count(*)::int FROM payment_events) AS events
       FROM transactions`,
    [tally.accepted],
  );
  const { answered, refolded, events } = rows[0];
  const unanswered = tally.sent - tally.answered;
  const late = total - answered;
  const ok = answered === tally.accepted.length && refolded === 0 && events === total && late >= 0 && late <= unanswered;
  console.log(
    `fresh check (SQL): ${total} transactions = ${answered} of ${tally.accepted.length} fresh 2xx ids` +
      ` + ${late} stored after the clock stopped (${unanswered} were in flight); ${events} events,` +
      ` ${refolded} transactions with more than one — ${ok ? 'ok' : 'FAILED'}`,
  );
  return { ok, total };
}

async function checkDuplicates(db: pg.Client, freshTotal: number, seedId: string, accepted: number, inFlight: number) {
  const total = await settledCount(db);
  const { rows } = await db.query<{ events: number; repeats: number }>(
    `SELECT count(*)::int AS events, coalesce(sum(duplicate_count), 0)::int AS repeats
       FROM payment_events WHERE transaction_id = $1`,
    [seedId],
  );
  const { events, repeats } = rows[0];
  const ok = total === freshTotal + 1 && events === 1 && repeats >= accepted && repeats <= accepted + inFlight;
  console.log(
    `duplicate check (SQL): ${total - freshTotal} transaction added, ${events} event for it, counting ${repeats}` +
      ` repeats for ${accepted} duplicate 2xx (+ up to ${inFlight} in flight at the stop) — ${ok ? 'ok' : 'FAILED'}`,
  );
  return ok;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

function report(figures: Figures[], duration: number) {
  const [live, fresh, dup] = figures;
  const rows = [
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'result'],
    ...figures.map((f) => [f.name, fmt(f.rps, 1), fmt(f.p50), fmt(f.p99), String(f.non2xx), String(f.errors), f.failed ? 'FAILED' : 'ok']),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\n${CONNECTIONS} connections, no pipelining, ${duration} s per scenario after a ${WARMUP_S} s warm-up`);
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));

  const targets = [
    ['fresh/live', fmt(fresh.rps / live.rps, 2), '≥ 0.70', fresh.rps / live.rps >= 0.7],
    ['fresh p99', `${fmt(fresh.p99)} ms`, '≤ 50 ms', fresh.p99 <= 50],
    ['duplicate/fresh', fmt(dup.rps / fresh.rps, 2), '≥ 1.00', dup.rps >= fresh.rps],
  ] as const;
  console.log('');
  for (const [what, value, target, met] of targets) {
    console.log(`${what.padEnd(16)} ${value.padStart(6)}   target ${target.padEnd(8)} ${met ? 'met' : 'MISSED'}`);
  }
  for (const f of figures.filter((f) => f.failed)) console.log(`${f.name} FAILED: ${f.codes}`);
}

async function main(): Promise<number> {
  const { duration } = options();
  cleanupOnSignals();
  await ensureBuild();

  const database = await createDatabase(process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  onCleanup('drop database', database.drop);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  onCleanup('close database client', () => db.end());

  const secret = randomToken(24);
  const server = spawnServer(await freePort(), { DATABASE_URL: database.url, ENKASH_WEBHOOK_SECRET: secret, AUTH_SECRET: randomToken(32), PAYOPS_API_TOKEN: randomToken() });
  onCleanup('stop server', server.stop);
  await server.ready();

  const { rows } = await db.query<{ server_version: string }>('SHOW server_version');
  const cpus = os.cpus();
  console.log(`machine: ${os.availableParallelism()} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, PostgreSQL ${rows[0].server_version}; client, server and database share them`);
  console.log(`command: ${commandLine()}`);
  console.log(`server: ${server.url} (next start), database ${database.name}\n`);

  const notify = {
    url: `${server.url}${NOTIFY_PATH}?key=${secret}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  };
  const figures: Figures[] = [];
  figures.push(await scenario('live', { url: `${server.url}/api/health/live` }, duration));

  const fresh = freshDeliveries();
  figures.push(await scenario('fresh', { ...notify, requests: [fresh.request] }, duration));
  const freshCheck = await checkFresh(db, fresh.tally);

  // The documented example itself, stored once so that every request measured is a duplicate.
  const seed = await fetch(notify.url, { method: 'POST', headers: notify.headers, body: DOCUMENTED_EXAMPLE });
  if (!seed.ok) throw new Error(`the duplicate seed was refused: ${seed.status} ${await seed.text()}`);
  const dup = { sent: 0, answered: 0, accepted: 0 };
  const dupRequest = {
    body: DOCUMENTED_EXAMPLE,
    setupRequest(req: object) {
      dup.sent++;
      return req;
    },
    onResponse(status: number) {
      dup.answered++;
      if (status >= 200 && status < 300) dup.accepted++;
    },
  };
  figures.push(await scenario('duplicate', { ...notify, requests: [dupRequest] }, duration));
  const seedId = JSON.parse(DOCUMENTED_EXAMPLE).transactionId as string;
  const dupOk = await checkDuplicates(db, freshCheck.total, seedId, dup.accepted, dup.sent - dup.answered);

  report(figures, duration);
  if (server.stderr.length) {
    console.log(`\nthe server wrote ${server.stderr.length} line(s) to stderr${server.stderr.length > 10 ? '; the first 10' : ''}:`);
    for (const line of server.stderr.slice(0, 10)) console.log(`  ${line}`);
  }
  return figures.some((f) => f.failed) || !freshCheck.ok || !dupOk ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`\nbench:webhook: ${(err as Error).message}`);
} finally {
  await cleanup();
}
process.exit(code);
