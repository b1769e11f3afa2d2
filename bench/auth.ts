// npm run bench:auth [-- --signins N] — how long a staff sign-in takes, with and without the second
// factor, against a production build on a throwaway Postgres database.
//
// The password step is the real HTTP exchange the sign-in form makes (Auth.js: CSRF token, then
// the credentials post: throttle statement, user read, scrypt, audit row, session row). The code
// step is `verifySecondFactor` — what the /login/two-factor server action runs — called in this
// process on the same database with the session id read from the cookie (the bench holds
// AUTH_SECRET): a server action's wire format is Next's internal business, and the part measured
// is the part PayOps adds. Each signed-in session is then used for one page (200, not a sign-in
// step), so a session that did not count would fail the run. Prints figures; exits 1 only when a
// sign-in failed, never on a figure.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { decode } from 'next-auth/jwt';
import pg from 'pg';
import { openDb } from '@/db/client';
import { enrolForDemo, verifySecondFactor } from '@/lib/auth/second-factor';
import { totpCode } from '@/lib/auth/totp';
import { getUserById, insertUser } from '@/lib/auth/users';
import { cleanupOnSignals, createDatabase, CookieJar, ensureBuild, freePort, onCleanup, percentile, randomToken, redactUrl, runBenchmark, signIn, spawnServer } from './lib';

function options() {
  const { values } = parseArgs({ options: { signins: { type: 'string', default: '100' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log('Usage: npm run bench:auth [-- --signins N (100 of each kind)]');
    process.exit(0);
  }
  const n = Number(values.signins);
  if (!Number.isInteger(n) || n < 10) throw new Error(`--signins must be a whole number ≥ 10, got ${values.signins}`);
  return { signins: n };
}

async function main(): Promise<number> {
  const { signins } = options();
  cleanupOnSignals();
  await ensureBuild();
  const base = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createDatabase(base);
  onCleanup('drop database', database.drop);
  const secrets = { AUTH_SECRET: randomToken(32), PAYOPS_ENCRYPTION_KEY: randomToken(32), AUDIT_HMAC_KEY: randomToken(32) };
  // This process encrypts the TOTP keys and checks the codes: it needs the server's key.
  process.env.PAYOPS_ENCRYPTION_KEY = secrets.PAYOPS_ENCRYPTION_KEY;
  const server = spawnServer(await freePort(), { DATABASE_URL: database.url, ENKASH_WEBHOOK_SECRET: randomToken(24), JOB_WORKERS: 'off', ...secrets });
  onCleanup('stop server', server.stop);
  await server.ready();
  const handle = await openDb({ databaseUrl: database.url, poolMax: 4 });
  onCleanup('close database', () => handle.close());
  const { db } = handle;

  // One finance user per 2FA sign-in: a TOTP code works once, so each sign-in needs a fresh one.
  const password = 'bench sign-in password';
  process.stdout.write(`creating ${signins} finance users with a second factor and one support user … `);
  const finance: { email: string; id: number; secret: Uint8Array }[] = [];
  for (let i = 0; i < signins; i++) {
    const user = await insertUser(db, { email: `bench-finance-${i}@payops.test`, role: 'finance', password });
    finance.push({ email: user.email, id: user.id, secret: await enrolForDemo(db, user.id) });
  }
  const support = await insertUser(db, { email: 'bench-support@payops.test', role: 'support', password });
  console.log('done');

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  onCleanup('close client', () => client.end());
  const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
  console.log(`machine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}, PostgreSQL ${rows[0].server_version}; bench, server and database share them`);
  console.log(`command: ${process.env.BENCH_DATABASE_URL ? `BENCH_DATABASE_URL=${redactUrl(base)} ` : ''}npm run bench:auth -- --signins ${signins}\n`);

  const failures: string[] = [];
  const page = async (jar: CookieJar) => {
    const res = await fetch(`${server.url}/payments`, { headers: { cookie: jar.header() }, redirect: 'manual' });
    await res.text();
    if (res.status !== 200) failures.push(`GET /payments answered ${res.status} ${res.headers.get('location') ?? ''}`);
  };
  const sessionId = async (jar: CookieJar) => {
    const [name, value] = jar.header().split('; ').map((c) => c.split('=')).find(([k]) => k.endsWith('authjs.session-token'))!;
    const token = await decode({ token: value, secret: secrets.AUTH_SECRET, salt: name });
    return String(token?.sid);
  };

  const passwordOnly: number[] = [];
  const passwordStep: number[] = [];
  const codeStep: number[] = [];
  const withCode: number[] = [];
  // Alternating, so a slow patch of the machine hits both kinds alike.
  for (let i = 0; i < signins; i++) {
    let t = performance.now();
    const supportJar = await signIn(server.url, support.email, password);
    passwordOnly.push(performance.now() - t);
    await page(supportJar);

    const f = finance[i];
    t = performance.now();
    const jar = await signIn(server.url, f.email, password);
    const afterPassword = performance.now();
    const user = (await getUserById(db, f.id))!;
    const outcome = await verifySecondFactor(db, { user, sessionId: await sessionId(jar), ip: '127.0.0.1' }, totpCode(f.secret), 'sign_in');
    const done = performance.now();
    if (!outcome.ok) failures.push(`code refused for ${f.email}: ${outcome.reason}`);
    passwordStep.push(afterPassword - t);
    codeStep.push(done - afterPassword);
    withCode.push(done - t);
    await page(jar);
  }

  const fmt = (x: number) => x.toFixed(1).padStart(7);
  const line = (name: string, s: number[]) => console.log(`${name.padEnd(40)} ${fmt(percentile(s, 50))} ${fmt(percentile(s, 95))} ${fmt(percentile(s, 99))}   ${s.length}`);
  console.log(`${'sign-in'.padEnd(40)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)}   sign-ins (one at a time)`);
  line('support: password only (HTTP)', passwordOnly);
  line('finance: password step (HTTP)', passwordStep);
  line('finance: code step (verifySecondFactor)', codeStep);
  line('finance: whole sign-in with 2FA', withCode);
  console.log(`\nsign-in with 2FA p95 ${percentile(withCode, 95).toFixed(1)} ms = ${(percentile(withCode, 95) / percentile(passwordOnly, 95)).toFixed(2)} × the password-only p95 in the same run`);
  if (failures.length) console.log(`FAILED: ${failures.length}, first: ${failures[0]}`);
  return failures.length ? 1 : 0;
}

runBenchmark(main);
