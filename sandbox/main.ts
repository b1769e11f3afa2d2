// npm run sandbox — the provider simulator on SANDBOX_PORT (default 4010), until Ctrl-C.
import { startSandbox } from './server';
import { SANDBOX_TEST_OTP } from './state';

const port = Number(process.env.SANDBOX_PORT || 4010);
const sandbox = await startSandbox({
  port,
  host: process.env.SANDBOX_HOST || '127.0.0.1',
  payopsUrl: process.env.SANDBOX_PAYOPS_URL || `http://localhost:${process.env.PORT || '3000'}`,
  tokenTtlMs: process.env.SANDBOX_TOKEN_TTL_MS ? Number(process.env.SANDBOX_TOKEN_TTL_MS) : undefined,
  log: process.env.SANDBOX_QUIET ? undefined : (line) => console.log(`[sandbox] ${line}`),
}).catch((err: NodeJS.ErrnoException) => {
  console.error(`[sandbox] cannot listen on port ${port}: ${err.code ?? err.message} (set SANDBOX_PORT to another port)`);
  process.exit(1);
});

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
[sandbox]          POST ${u}/__sandbox/send/enkash-notify {"key":"…"} · POST ${u}/__sandbox/send/juspay {"username":"…","password":"…"}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
