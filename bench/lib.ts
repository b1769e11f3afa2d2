// Shared pieces of the benchmarks: a throwaway database, a production server, autocannon runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DOCUMENTED_EXAMPLE } from '@/test/enkash';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NEXT_BIN = path.join(ROOT, 'node_modules/next/dist/bin/next');

// autocannon ships no type declarations: these are the parts of its API used here.
export interface CannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  setupRequest?: (req: CannonRequest, context: Record<string, unknown>) => CannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
export interface CannonOptions {
  url: string;
  connections: number;
  pipelining: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: CannonRequest[];
}
export interface CannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number };
  requests: { total: number; sent: number };
}
type ResponseListener = (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void;
type Cannon = (opts: CannonOptions) => PromiseLike<CannonResult> & { stop(): void; on(event: 'response', listener: ResponseListener): void };
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

let running: { stop(): void } | undefined;

/** `onResponse` sees every response with its latency in ms (for figures over time windows). */
export async function cannon(opts: CannonOptions, onResponse?: (statusCode: number, latencyMs: number) => void): Promise<CannonResult> {
  const instance = autocannon(opts);
  if (onResponse) instance.on('response', (_client, statusCode, _bytes, responseTime) => onResponse(statusCode, responseTime));
  running = instance;
  try {
    return await instance;
  } finally {
    running = undefined;
  }
}

/** Stops the autocannon run in progress, if any (on Ctrl-C). */
export function stopCannon(): void {
  running?.stop();
}

// ---------------------------------------------------------------------------------------------
// Cleanup that also runs on Ctrl-C: try/finally alone does not, because the signal ends the process.

const cleanups: { name: string; run: () => Promise<void> }[] = [];
let cleaning: Promise<void> | undefined;

export function onCleanup(name: string, run: () => Promise<void>): void {
  cleanups.push({ name, run });
}

/** Runs the registered cleanups once, newest first; a failing one does not stop the rest. */
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, run } of cleanups.reverse()) {
      try {
        await run();
      } catch (err) {
        console.error(`cleanup: ${name} failed: ${(err as Error).message}`);
      }
    }
  })();
  return cleaning;
}

/** Runs a benchmark's main: its exit code after the cleanups, or 1 (and the error) if it threw. */
export function runBenchmark(main: () => Promise<number>): void {
  main()
    .then(async (code) => {
      await cleanup();
      process.exit(code);
    })
    .catch(async (err) => {
      console.error(err);
      await cleanup();
      process.exit(1);
    });
}

export function cleanupOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // `on`, not `once`: the terminal and tsx may each deliver the signal, and a second one
    // must not kill the process half-way through the cleanup.
    process.on(signal, () => {
      if (cleaning) return;
      console.error(`\n${signal}: stopping the server and dropping the database`);
      stopCannon();
      void cleanup().finally(() => process.exit(130));
    });
  }
}

// ---------------------------------------------------------------------------------------------

export const randomToken = (bytes = 12) => randomBytes(bytes).toString('hex');

/** Creates `payops_bench_<random>` next to the database of `baseUrl`; returns its URL and a dropper. */
export async function createDatabase(baseUrl: string) {
  const name = `payops_bench_${randomToken(6)}`;
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  await adminQuery(baseUrl, `CREATE DATABASE "${name}"`);
  return {
    name,
    url: url.href,
    // FORCE ends any connection the server left behind (Postgres 13+).
    drop: () => adminQuery(baseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function adminQuery(baseUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A URL safe to print: no password. */
export function redactUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.href;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function run(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Builds the production server once; later runs reuse `.next` unless `force` asks for a fresh build. */
export async function ensureBuild(options: { force?: boolean } = {}): Promise<void> {
  if (!options.force && existsSync(path.join(ROOT, '.next/BUILD_ID'))) return;
  console.log(options.force ? 'running next build, which takes a while …' : 'no production build (.next/BUILD_ID): running next build, which takes a while …');
  const child = spawn(process.execPath, [NEXT_BIN, 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  const code = await run(child);
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
}

export interface Server {
  url: string;
  /** The server process (for CPU accounting). */
  pid: number | undefined;
  /** Lines the server wrote to stderr, kept for the report. */
  stderr: string[];
  logTail(): string;
  /** Resolves once GET /api/health answers 200 (the server migrates on boot). */
  ready(): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/** Spawns `next start` on 127.0.0.1:`port`. */
export function spawnServer(port: number, env: Record<string, string>): Server {
  // BENCH_SERVER_NODE_ARGS: flags for the server's node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`,
  // which NODE_OPTIONS refuses); the profile is written when the server exits on SIGTERM.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: '1', NEXT_MANUAL_SIG_HANDLE: '1' },
  });
  const log: string[] = [];
  const stderr: string[] = [];
  const collect = (toStderr: boolean) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      log.push(line);
      if (toStderr) stderr.push(line);
    }
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout!.on('data', collect(false));
  child.stderr!.on('data', collect(true));
  let exitCode: number | undefined;
  const exited = run(child).then((code) => (exitCode = code));
  const url = `http://127.0.0.1:${port}`;
  const logTail = () => log.slice(-30).join('\n');

  return {
    url,
    pid: child.pid,
    stderr,
    logTail,
    async ready() {
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        if (exitCode !== undefined) throw new Error(`the server exited (code ${exitCode}) before it was ready:\n${logTail()}`);
        try {
          const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
          if (res.status === 200) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`GET /api/health did not answer 200 within 90 s:\n${logTail()}`);
    },
    async stop() {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, 5000, 'timeout').unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        console.error('the server did not stop within 5 s of SIGTERM: SIGKILL');
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Timing and signed-in pages.

/** Nearest-rank percentile (p in 0–100) of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The cookies a server set, sent back on every later request (the session cookie is refreshed). */
export class CookieJar {
  private cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Signs a staff user in through Auth.js credentials, as the login form does: the CSRF token
 * and its cookie first, then the form post. Returns the jar holding the session cookie.
 */
export async function signIn(baseUrl: string, email: string, password: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  if (!csrf.ok) throw new Error(`GET /api/auth/csrf answered ${csrf.status}`);
  jar.store(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${baseUrl}/` }),
  });
  jar.store(res);
  const location = res.headers.get('location') ?? '';
  if (res.status >= 400 || location.includes('error=') || !jar.header().includes('session-token=')) {
    throw new Error(`sign-in as ${email} was refused (${res.status}${location ? ` → ${location}` : ''})`);
  }
  return jar;
}

// ---------------------------------------------------------------------------------------------
// Fresh Enkash notifications for autocannon.

const DOCUMENTED_IDS = ['"EK1738916997652yh8GL"', '"EK66674UU7T"'] as const;

/** The documented example with new ids on every request; the tally lists the ids answered 2xx. */
export function freshDeliveries() {
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
