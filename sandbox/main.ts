// npm run sandbox — the provider simulator on SANDBOX_PORT (default 4010), until Ctrl-C.
// npm run sandbox -- <command> — control a running one (sandbox/cli.ts: traffic pause/resume/bad…).
import path from 'node:path';
import { runCli } from './cli';
import { startSandbox } from './server';
import { SETTLEMENT_FAULTS, type SettlementFault } from './settlements';
import { SANDBOX_TEST_OTP } from './state';

if (process.argv.length > 2) process.exit(await runCli(process.argv.slice(2)));

const port = Number(process.env.SANDBOX_PORT || 4010);
const e = process.env;
const sandbox = await startSandbox({
  port,
  host: e.SANDBOX_HOST || '127.0.0.1',
  payopsUrl: e.SANDBOX_PAYOPS_URL || `http://localhost:${e.PORT || '3000'}`,
  tokenTtlMs: e.SANDBOX_TOKEN_TTL_MS ? Number(e.SANDBOX_TOKEN_TTL_MS) : undefined,
  refundDelayMs: e.SANDBOX_REFUND_DELAY_MS ? Number(e.SANDBOX_REFUND_DELAY_MS) : undefined,
  log: e.SANDBOX_QUIET ? undefined : (line) => console.log(`[sandbox] ${line}`),
  // The demo traffic posts to PayOps with PayOps' own webhook credentials (none in the plain demo).
  webhookAuth: { enkashKey: e.ENKASH_WEBHOOK_SECRET || undefined, juspayUsername: e.JUSPAY_WEBHOOK_USERNAME || undefined, juspayPassword: e.JUSPAY_WEBHOOK_PASSWORD || undefined },
  traffic: e.SANDBOX_DEMO_TRAFFIC === '1',
  knownPayments: (e.SANDBOX_KNOWN_PAYMENTS ?? '').split(path.delimiter).filter(Boolean),
  journal: e.SANDBOX_JOURNAL || undefined,
  settlements: { featured: featuredFaults(e.SANDBOX_SETTLEMENT_FAULTS) },
}).catch((err: NodeJS.ErrnoException) => {
  console.error(`[sandbox] cannot listen on port ${port}: ${err.code ?? err.message} (set SANDBOX_PORT to another port)`);
  process.exit(1);
});

/** SANDBOX_SETTLEMENT_FAULTS=2026-11-28=short_line+unsettled+excess_fee,…: faults a payout day always has. */
function featuredFaults(value: string | undefined): Record<string, SettlementFault[]> {
  const out: Record<string, SettlementFault[]> = {};
  for (const part of (value ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [day, faults = ''] = part.split('=');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) continue;
    out[day] = faults.split('+').filter((f): f is SettlementFault => (SETTLEMENT_FAULTS as readonly string[]).includes(f));
  }
  return out;
}

const u = sandbox.url;
// Started by `npm start` in embedded demo mode, which prints its own one-line notice.
if (!process.env.SANDBOX_EMBEDDED) console.log(`[sandbox] provider simulator on ${u} (simulated Enkash PG, Enkash Wallet and Juspay; nothing leaves this machine)
[sandbox]   Enkash PG      ${sandbox.baseUrls.enkash}
[sandbox]   Enkash Wallet  ${sandbox.baseUrls.enkashWallet}
[sandbox]   Juspay         ${sandbox.baseUrls.juspay}
[sandbox] PayOps settings that point at it (test credentials, not secrets):
${Object.entries(sandbox.env)
  .map(([k, v]) => `[sandbox]   ${k}=${v}`)
  .join('\n')}
[sandbox] The only OTP it accepts is ${SANDBOX_TEST_OTP}. OTP budget: 3 sends per transaction.
[sandbox] Control: GET ${u}/__sandbox/state · POST ${u}/__sandbox/faults {"endpoint":"juspay.resend","mode":"timeout"|"5xx"|"garbage"|"401","delayMs":0,"times":1}
[sandbox]          POST ${u}/__sandbox/transactions {"provider":"juspay","id":"…","maxOtpSendLimit":5} · POST ${u}/__sandbox/reset
[sandbox]          POST ${u}/__sandbox/send/enkash-notify {"key":"…"} · POST ${u}/__sandbox/send/juspay {"username":"…","password":"…"}
[sandbox]          POST ${u}/__sandbox/payments {"provider":"juspay","id":"…","orderId":"…","status":"CHARGED"} · /payments/status · /payments/stuck
[sandbox]          refunds: GET ${u}/__sandbox/refunds/<provider>/<id> · POST ${u}/__sandbox/faults {"endpoint":"juspay.refund","mode":"refund_fail"} (sandbox/README.md "Refunds")
[sandbox]          demo traffic: npm run sandbox -- traffic start|pause|resume|bad --url ${u}  (sandbox/README.md)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
