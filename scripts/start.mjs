// npm start: build when there is no build, then serve (migrations run at server start).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const next = 'node_modules/next/dist/bin/next';
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NEXT_MANUAL_SIG_HANDLE: '1' };
// The benchmark's floor routes (/api/bench/*) never exist under npm start (lib/bench-routes.ts).
delete env.PAYOPS_BENCH_ROUTES;

if (!existsSync('.next/BUILD_ID')) {
  console.log('[payops] no build yet: running next build (once)');
  const build = spawnSync(process.execPath, [next, 'build'], { stdio: 'inherit', env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const port = process.env.PORT || '3000';
let stopping = false;
const sandbox = startSandbox();
const server = spawn(process.execPath, [next, 'start', '-p', port], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    sandbox?.kill(signal);
    server.kill(signal);
    // The server bounds its own shutdown (lib/boot.ts); this is the last resort within 10 s.
    setTimeout(() => server.kill('SIGKILL'), 9500).unref();
  });
}
server.on('exit', (code, signal) => {
  stopping = true;
  sandbox?.kill('SIGTERM');
  process.exit(code ?? (signal ? 1 : 0));
});

/**
 * Embedded demo mode (no DATABASE_URL, no provider configured): the provider simulator runs
 * alongside and the provider clients point at it, so Resend OTP and status checks work out of
 * the box, and it sends a trickle of demo payment notifications (SANDBOX_DEMO_TRAFFIC). Real
 * provider URLs and credentials are only configuration; setting any of them turns this off
 * unless PAYOPS_SANDBOX=1.
 */
function startSandbox() {
  const configured = ['DATABASE_URL', 'ENKASH_BASE_URL', 'ENKASH_WALLET_BASE_URL', 'JUSPAY_BASE_URL'].some((k) => process.env[k]?.trim());
  // PAYOPS_SANDBOX=1 asks for the simulator on a real database too (the browser tests do).
  if (configured && process.env.PAYOPS_SANDBOX !== '1') return null;
  // Demo traffic only in the plain demo (never under the browser tests), unless asked for either way.
  const traffic = process.env.SANDBOX_DEMO_TRAFFIC?.trim() || (!configured && process.env.PAYOPS_SANDBOX !== '1' ? '1' : '0');
  // On the embedded database the simulator learns the demo's seeded payments from a file the seed
  // writes beside the database (lib/demo/seed.ts), and keeps a journal of its own, so status checks
  // confirm them across restarts of either process, whichever starts first.
  const embedded = !process.env.DATABASE_URL?.trim();
  const dataDir = path.resolve(process.env.DATA_DIR || './.data');
  const files = embedded
    ? { SANDBOX_KNOWN_PAYMENTS: path.join(dataDir, 'demo-provider-payments.jsonl'), SANDBOX_JOURNAL: path.join(dataDir, 'sandbox-journal.jsonl') }
    : {};
  // The demo's story: the payout of the day before the demo was created has a line short by a few
  // paise, a payment left out and a fee above the contract (sandbox/settlements.ts); the seed adds
  // payments for it (lib/demo/seed.ts). Kept in a file, so it is the same payout at every start.
  let featured = {};
  if (embedded) {
    const dayFile = path.join(dataDir, 'demo-settlement-day');
    if (!existsSync(dayFile)) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(dayFile, new Date(Date.now() + 330 * 60_000 - 86_400_000).toISOString().slice(0, 10));
    }
    featured = { SANDBOX_SETTLEMENT_FAULTS: process.env.SANDBOX_SETTLEMENT_FAULTS ?? `${readFileSync(dayFile, 'utf8').trim()}=short_line+unsettled+excess_fee` };
  }
  const sandboxPort = process.env.SANDBOX_PORT || String(Number(port) + 10);
  const base = `http://127.0.0.1:${sandboxPort}`;
  const credentials = JSON.parse(readFileSync('sandbox/credentials.json', 'utf8'));
  Object.assign(env, credentials, {
    ENKASH_BASE_URL: `${base}/enkash`,
    ENKASH_WALLET_BASE_URL: `${base}/enkash-wallet`,
    JUSPAY_BASE_URL: `${base}/juspay`,
  });
  const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'sandbox/main.ts'], {
    stdio: 'inherit',
    env: { ...process.env, ...files, ...featured, SANDBOX_PORT: sandboxPort, SANDBOX_PAYOPS_URL: `http://localhost:${port}`, SANDBOX_EMBEDDED: '1', SANDBOX_DEMO_TRAFFIC: traffic },
  });
  console.log(`[payops] providers are SIMULATED: Enkash, Enkash Wallet and Juspay calls go to the provider simulator at ${base}`);
  if (traffic === '1') {
    // A demo's traffic is a trickle: "no notifications" after 3 quiet minutes, not 15, so pausing it shows the alert soon.
    env.ALERT_SILENCE_MINUTES ??= '3';
    console.log('[payops] the simulator sends a demo payment notification every 20–60 s: `npm run sandbox -- traffic pause|resume|bad` (sandbox/README.md)');
    console.log(`[payops] pause it (\`npm run sandbox -- traffic pause\`) and within ${env.ALERT_SILENCE_MINUTES} minutes an alert opens on /alerts (admin); resume it and the alert resolves`);
  }
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`[payops] the provider simulator stopped (${signal ?? `exit ${code}`}): OTP actions will fail until restart`);
  });
  return child;
}
