// npm start: build when there is no build, then serve (migrations run at server start).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

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
 * alongside and the provider clients point at it, so Resend OTP works out of the box. Real
 * provider URLs and credentials are only configuration; setting any of them turns this off
 * unless PAYOPS_SANDBOX=1.
 */
function startSandbox() {
  const configured = ['DATABASE_URL', 'ENKASH_BASE_URL', 'ENKASH_WALLET_BASE_URL', 'JUSPAY_BASE_URL'].some((k) => process.env[k]?.trim());
  // PAYOPS_SANDBOX=1 asks for the simulator on a real database too (the browser tests do).
  if (configured && process.env.PAYOPS_SANDBOX !== '1') return null;
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
    env: { ...process.env, SANDBOX_PORT: sandboxPort, SANDBOX_PAYOPS_URL: `http://localhost:${port}`, SANDBOX_EMBEDDED: '1' },
  });
  console.log(`[payops] providers are SIMULATED: Enkash, Enkash Wallet and Juspay calls go to the provider simulator at ${base}`);
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`[payops] the provider simulator stopped (${signal ?? `exit ${code}`}): OTP actions will fail until restart`);
  });
  return child;
}
