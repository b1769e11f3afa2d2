// npm run sandbox -- <command> — talk to a running provider simulator's control API (/__sandbox).
import { parseArgs } from 'node:util';

export const CLI_USAGE = `Usage: npm run sandbox -- <command> [--url URL]

Controls a running provider simulator (the one \`npm start\` runs beside the embedded demo, or
\`npm run sandbox\`). URL: --url, else $SANDBOX_URL, else http://127.0.0.1:$SANDBOX_PORT, else
http://127.0.0.1:<PORT+10> (3010 beside \`npm start\` on 3000; a standalone simulator is on 4010).

Demo traffic:
  traffic [status]                 what it is doing, what it sent
  traffic start | stop             start / stop the trickle of new payments
  traffic pause [MINUTES]          send nothing (until resumed, or for MINUTES)
  traffic resume                   send again (ends a pause or a bad spell)
  traffic bad [MINUTES] [--kind wrong_secret|malformed|mixed] [--share 0-1]
                                   bad deliveries for MINUTES (default 5): wrong secret → 401,
                                   malformed body → 400
  traffic send [--bad KIND]        one payment (or one bad delivery) now

Payments the simulator knows (its status APIs answer for them):
  payment register --provider enkash|juspay --id ID [--status S] [--amount 1499.50]
                   [--order-id O] [--txn-uuid U] [--customer-id C]
  payment status PROVIDER ID STATUS   change its status silently (no notification)
  payment stuck PROVIDER ID [--release] keep it open for ever (or let it go)

Refunds (enkash or juspay; sandbox/README.md "Refunds"):
  refund list PROVIDER ID          a payment's refunds and the refund calls received
  refund fault PROVIDER MODE [--times N]
                                   MODE: refund_timeout, refund_fail, refund_manual_review (juspay),
                                   refund_stuck, refund_insufficient_balance (enkash), ok
  refund delay MS                  how long new refunds stay pending
  refund resolve PROVIDER REFUND_ID success|failure|manual_review`;

export async function runCli(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        kind: { type: 'string' },
        share: { type: 'string' },
        bad: { type: 'string' },
        provider: { type: 'string' },
        id: { type: 'string' },
        status: { type: 'string' },
        amount: { type: 'string' },
        'order-id': { type: 'string' },
        'txn-uuid': { type: 'string' },
        'customer-id': { type: 'string' },
        release: { type: 'boolean' },
        times: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`sandbox: ${(err as Error).message}\n\n${CLI_USAGE}`);
    return 2;
  }
  const { values: v, positionals: [noun, verb = 'status', ...rest] } = parsed;
  if (v.help || noun === 'help') {
    console.log(CLI_USAGE);
    return 0;
  }
  const request = pick(noun, verb, rest, v);
  if (typeof request === 'string') {
    console.error(`sandbox: ${request}\n\n${CLI_USAGE}`);
    return 2;
  }
  const base = (v.url ?? process.env.SANDBOX_URL ?? `http://127.0.0.1:${process.env.SANDBOX_PORT || Number(process.env.PORT || 3000) + 10}`).replace(/\/+$/, '');
  let res: Response;
  try {
    res = await fetch(`${base}${request.path}`, {
      method: request.body === undefined ? 'GET' : 'POST',
      headers: request.body === undefined ? {} : { 'content-type': 'application/json' },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    console.error(`sandbox: no simulator answers at ${base} (${e.cause?.code ?? e.message}). Is it running? (--url)`);
    return 1;
  }
  const text = await res.text();
  try {
    console.log(JSON.stringify(JSON.parse(text), null, 2));
  } catch {
    console.log(text);
  }
  return res.ok ? 0 : 1;
}

type Values = Record<string, string | boolean | undefined>;

function pick(noun: string | undefined, verb: string, rest: string[], v: Values): { path: string; body?: unknown } | string {
  const num = (text: string | undefined, what: string) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    return Number.isFinite(n) && n > 0 ? n : `${what} must be a positive number, not ${text}`;
  };
  if (noun === 'traffic') {
    if (verb === 'status') return { path: '/__sandbox/traffic' };
    if (verb === 'start' || verb === 'stop' || verb === 'resume') return { path: `/__sandbox/traffic/${verb}`, body: {} };
    if (verb === 'pause' || verb === 'bad') {
      const minutes = num(rest[0], 'MINUTES');
      if (typeof minutes === 'string') return minutes;
      const share = v.share === undefined ? undefined : Number(v.share);
      if (share !== undefined && !(share >= 0 && share <= 1)) return `--share must be from 0 to 1, not ${v.share}`;
      return { path: `/__sandbox/traffic/${verb}`, body: verb === 'pause' ? { minutes } : { minutes, kind: v.kind, share } };
    }
    if (verb === 'send') return { path: '/__sandbox/traffic/send', body: { bad: v.bad } };
    return `unknown traffic command: ${verb}`;
  }
  if (noun === 'payment') {
    if (verb === 'register') {
      return {
        path: '/__sandbox/payments',
        body: { provider: v.provider, id: v.id, status: v.status, amount: v.amount, orderId: v['order-id'], txnUuid: v['txn-uuid'], customerId: v['customer-id'] },
      };
    }
    const [provider, id, status] = rest;
    if (verb === 'status') return provider && id && status ? { path: '/__sandbox/payments/status', body: { provider, id, status } } : 'payment status needs PROVIDER ID STATUS';
    if (verb === 'stuck') return provider && id ? { path: '/__sandbox/payments/stuck', body: { provider, id, stuck: !v.release } } : 'payment stuck needs PROVIDER ID';
    return `unknown payment command: ${verb}`;
  }
  if (noun === 'refund') {
    const [a, b, c] = rest;
    if (verb === 'list') return a && b ? { path: `/__sandbox/refunds/${encodeURIComponent(a)}/${encodeURIComponent(b)}` } : 'refund list needs PROVIDER ID';
    if (verb === 'status') return { path: '/__sandbox/refunds' };
    if (verb === 'fault') {
      const times = num(v.times as string | undefined, '--times');
      if (typeof times === 'string') return times;
      return a && b ? { path: '/__sandbox/faults', body: { endpoint: `${a}.refund`, mode: b, times } } : 'refund fault needs PROVIDER MODE';
    }
    if (verb === 'delay') {
      const ms = Number(a);
      return a !== undefined && Number.isInteger(ms) && ms >= 0 ? { path: '/__sandbox/refunds/settings', body: { delayMs: ms } } : 'refund delay needs MS (0 or more)';
    }
    if (verb === 'resolve') return a && b && c ? { path: '/__sandbox/refunds/resolve', body: { provider: a, id: b, outcome: c } } : 'refund resolve needs PROVIDER REFUND_ID OUTCOME';
    return `unknown refund command: ${verb}`;
  }
  return noun ? `unknown command: ${noun}` : 'a command is needed';
}
