// npm run bench:sse [-- --clients N --rate R --seconds S --build] — live updates under load: a
// production server (next start) on a throwaway Postgres database, N Server-Sent Events clients
// (default 200; each a fetch-stream reader on GET /api/live?topics=deliveries, as an EventSource would
// be) and Enkash deliveries posted at a steady R per second for S seconds. Prints the delay from a
// delivery's POST to its event reaching each client (p50/p95/p99/max), whether every client got every
// event exactly once, and the load the machine was under. Prints figures; exits 1 only when an event
// was lost or a request failed, never because of a latency.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDb } from '@/db/client';
import { insertUser } from '@/lib/auth/users';
import { parseSseBlock } from '@/lib/live/testing';
import { DOCUMENTED_EXAMPLE } from '@/test/enkash';
import { cleanupOnSignals, createDatabase, ensureBuild, freePort, onCleanup, percentile, randomToken, redactUrl, runBenchmark, signIn, spawnServer } from './lib';

const EMAIL = 'sse-bench@payops.test';

/** CPU time (ms) a Linux process has used so far (utime + stime from /proc); NaN elsewhere. */
function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

function options() {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '200' },
      rate: { type: 'string', default: '20' },
      seconds: { type: 'string', default: '20' },
      build: { type: 'boolean', default: false },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log('Usage: npm run bench:sse [-- --clients N (200) --rate R deliveries/s (20) --seconds S (20) --build]');
    process.exit(0);
  }
  const n = (v: string, name: string, min: number) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got ${v}`);
    return x;
  };
  return { clients: n(values.clients, 'clients', 1), rate: n(values.rate, 'rate', 1), seconds: n(values.seconds, 'seconds', 1), build: values.build };
}

/** One client: reads the stream, notes when each delivery's event arrived (performance.now()). */
function client(url: string, cookie: string) {
  const arrived = new Map<number, number>();
  let duplicates = 0;
  let opened = false;
  let encoding: string | null = null;
  const abort = new AbortController();
  const done = (async () => {
    const res = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: abort.signal });
    if (res.status !== 200) throw new Error(`GET /api/live answered ${res.status}: ${await res.text()}`);
    opened = true;
    encoding = res.headers.get('content-encoding');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) break;
      const at = performance.now();
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const { message } = parseSseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (!message || message.event) continue;
        const event = JSON.parse(message.data) as { deliveryId: number | null };
        if (event.deliveryId === null) continue;
        if (arrived.has(event.deliveryId)) duplicates++;
        else arrived.set(event.deliveryId, at);
      }
    }
  })().catch((err: Error) => {
    if (err.name !== 'AbortError') throw err;
  });
  return {
    arrived,
    get duplicates() {
      return duplicates;
    },
    get opened() {
      return opened;
    },
    get encoding() {
      return encoding;
    },
    done,
    close: () => abort.abort(),
  };
}

async function main(): Promise<number> {
  const { clients, rate, seconds, build } = options();
  cleanupOnSignals();
  await ensureBuild({ force: build });
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  const loadBefore = load();

  const base = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createDatabase(base);
  onCleanup('drop database', database.drop);
  const secret = randomToken(24);
  const server = spawnServer(await freePort(), { DATABASE_URL: database.url, ENKASH_WEBHOOK_SECRET: secret, AUTH_SECRET: randomToken(32), PAYOPS_ENCRYPTION_KEY: randomToken(32), AUDIT_HMAC_KEY: randomToken(32),
    // The page is what is measured, not the sign-in: no second factor for the bench's user.
    TWO_FACTOR_REQUIRED_ROLES: '' });
  onCleanup('stop server', server.stop);
  await server.ready();

  // The deliveries channel is the admin's (the deliveries page).
  const password = randomToken(16);
  const handle = await openDb({ databaseUrl: database.url, poolMax: 1 });
  await insertUser(handle.db, { email: EMAIL, name: 'SSE benchmark', role: 'admin', password });
  await handle.close();
  const jar = await signIn(server.url, EMAIL, password);

  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  onCleanup('close database client', () => db.end());
  const { rows: version } = await db.query<{ server_version: string }>('SHOW server_version');
  console.log(`machine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, PostgreSQL ${version[0].server_version}; clients, server and database share them`);
  console.log(`command: ${process.env.BENCH_DATABASE_URL ? `BENCH_DATABASE_URL=${redactUrl(base)} ` : ''}npm run bench:sse -- --clients ${clients} --rate ${rate} --seconds ${seconds}`);
  console.log(`server: ${server.url} (next start), database ${database.name}; load average before: ${loadBefore}`);

  const { rows: start } = await db.query<{ last: string | null }>('SELECT max(id)::text AS last FROM live_events');
  const streamUrl = `${server.url}/api/live?topics=deliveries&after=${start[0].last ?? 0}`;
  const readers = Array.from({ length: clients }, () => client(streamUrl, jar.header()));
  const connectDeadline = Date.now() + 30_000;
  while (readers.some((r) => !r.opened) && Date.now() < connectDeadline) await new Promise((r) => setTimeout(r, 50));
  const connected = readers.filter((r) => r.opened).length;
  const { rows: listeners } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'payops-live'`,
  );
  console.log(
    `${connected} of ${clients} clients connected (content-encoding ${readers[0].encoding ?? 'none'}); listening connections on the database: ${listeners[0].n}`,
  );
  const cpuAtStart = { server: processCpuMs(server.pid), bench: process.cpuUsage() };

  // Deliveries at a steady rate, each a new payment; the time each POST was sent and answered.
  const run = randomToken(3).toUpperCase();
  const sent = new Map<string, { sentAt: number; answeredAt?: number; status?: number }>();
  const total = rate * seconds;
  const t0 = performance.now() + 200;
  const posts: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const id = `EKSSE${run}${i}`;
    const body = DOCUMENTED_EXAMPLE.replace('"EK1738916997652yh8GL"', `"${id}"`).replace('"EK66674UU7T"', `"U${id}"`);
    const entry: { sentAt: number; answeredAt?: number; status?: number } = { sentAt: performance.now() };
    sent.set(id, entry);
    posts.push(
      fetch(`${server.url}/api/webhooks/enkash/notify?key=${secret}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
        async (res) => {
          await res.text();
          entry.status = res.status;
          entry.answeredAt = performance.now();
        },
        () => {
          entry.status = 0;
        },
      ),
    );
  }
  await Promise.all(posts);
  const postedFor = (performance.now() - t0) / 1000;

  // Which delivery row each POST became, from the database.
  const { rows: deliveries } = await db.query<{ id: string; transaction_id: string }>(
    `SELECT id::text, transaction_id FROM deliveries WHERE transaction_id LIKE $1`,
    [`EKSSE${run}%`],
  );
  const deliveryOf = new Map(deliveries.map((d) => [Number(d.id), d.transaction_id]));
  const expected = deliveryOf.size * connected;
  const received = () => readers.reduce((s, r) => s + [...r.arrived.keys()].filter((id) => deliveryOf.has(id)).length, 0);
  const settle = Date.now() + 10_000;
  while (received() < expected && Date.now() < settle) await new Promise((r) => setTimeout(r, 100));
  const loadAfter = load();
  const benchCpu = process.cpuUsage(cpuAtStart.bench);
  const cpu = { server: processCpuMs(server.pid) - cpuAtStart.server, bench: (benchCpu.user + benchCpu.system) / 1000 };

  const fromSent: number[] = [];
  const fromAnswer: number[] = [];
  for (const r of readers) {
    for (const [deliveryId, at] of r.arrived) {
      const post = sent.get(deliveryOf.get(deliveryId) ?? '');
      if (!post) continue;
      fromSent.push(at - post.sentAt);
      if (post.answeredAt !== undefined) fromAnswer.push(at - post.answeredAt);
    }
  }
  const failedPosts = [...sent.values()].filter((s) => s.status !== 200).length;
  const duplicates = readers.reduce((s, r) => s + r.duplicates, 0);
  const complete = readers.filter((r) => [...deliveryOf.keys()].every((id) => r.arrived.has(id))).length;
  const fmt = (x: number) => x.toFixed(1).padStart(8);
  const line = (name: string, s: number[]) =>
    console.log(`${name.padEnd(34)} ${fmt(percentile(s, 50))} ${fmt(percentile(s, 95))} ${fmt(percentile(s, 99))} ${fmt(Math.max(...s))}   ${s.length}`);

  console.log(`\nposted ${sent.size} deliveries in ${postedFor.toFixed(1)} s (${(sent.size / postedFor).toFixed(1)}/s), ${failedPosts} failed; ${deliveryOf.size} recorded`);
  console.log(`\n${'delivery → client'.padEnd(34)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}   events`);
  line('from the POST sent', fromSent);
  line('from the POST answered (200)', fromAnswer);
  console.log(
    `\nevents: ${received()} of ${expected} expected (${connected} clients × ${deliveryOf.size} deliveries), ${duplicates} duplicates; ` +
      `${complete} of ${connected} clients got every event: ${complete === connected && connected === clients ? 'ALL' : 'NOT ALL'}`,
  );
  console.log(
    `CPU from the first POST until every event arrived: server ${(cpu.server / 1000).toFixed(1)} s (${((cpu.server * 1000) / Math.max(1, received())).toFixed(0)} µs per event sent), ` +
      `this process (posts and ${clients} readers) ${(cpu.bench / 1000).toFixed(1)} s`,
  );
  console.log(`load average before: ${loadBefore}; after: ${loadAfter}`);
  if (server.stderr.length) console.log(`server stderr (last lines):\n${server.stderr.slice(-5).join('\n')}`);

  for (const r of readers) r.close();
  await Promise.all(readers.map((r) => r.done));
  return failedPosts || complete !== clients || connected !== clients ? 1 : 0;
}

runBenchmark(main);
