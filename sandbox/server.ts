import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { controlRoutes, createControl, type SandboxControl } from './control';
import { enkashAuthorized, enkashRoutes } from './enkash';
import { SettlementBook, settlementRoutes, type SettlementPlan } from './settlements';
import { enkashWalletRoutes } from './enkash-wallet';
import { json, jsonText, matchPath, type Route, type SandboxReply, type SandboxRequest } from './http';
import { juspayRoutes } from './juspay';
import { knownPaymentsFile, useJournal } from './known';
import { SandboxState, type SandboxCredentials, type StateOptions } from './state';
import type { TrafficSettings } from './traffic';

export interface SandboxOptions extends StateOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Where `send/*` and the demo traffic post when no url is given, e.g. http://localhost:3000. */
  payopsUrl?: string;
  /** One line per request (method, path, status; never a body). */
  log?: (line: string) => void;
  /** The webhook credentials the demo traffic presents (PayOps' ENKASH_WEBHOOK_SECRET, JUSPAY_WEBHOOK_*). */
  webhookAuth?: { enkashKey?: string; juspayUsername?: string; juspayPassword?: string };
  /** Start the demo traffic at once (off by default; `true`: the demo's pace). */
  traffic?: boolean | Partial<TrafficSettings>;
  /** How often the traffic looks at its clock (ms; tests use a few). */
  trafficTickMs?: number;
  /** JSON-lines files of payments to know, read at start and again on a miss (sandbox/known.ts). */
  knownPayments?: string[];
  /** A JSON-lines file every registration is appended to and replayed from at start. */
  journal?: string;
  /** Settlement payout faults (sandbox/settlements.ts); the default plan otherwise. */
  settlements?: Partial<SettlementPlan>;
}

export interface Sandbox {
  url: string;
  port: number;
  baseUrls: { enkash: string; enkashWallet: string; juspay: string };
  credentials: SandboxCredentials;
  /** The PayOps environment that points every provider client at this simulator. */
  env: Record<string, string>;
  control: SandboxControl;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

/** Starts the provider simulator: Enkash PG under /enkash, Enkash Wallet under /enkash-wallet, Juspay under /juspay. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const state = new SandboxState(options);
  // Files first, the journal after: what the simulator changed itself is newer than what it was told.
  for (const file of options.knownPayments ?? []) state.addSource(knownPaymentsFile(file, state, options.log));
  if (options.journal) useJournal(options.journal, state, options.log);
  const book = new SettlementBook(state);
  if (options.settlements) book.setPlan(options.settlements);
  const control = createControl(state, options.payopsUrl, { ...options.webhookAuth, tickMs: options.trafficTickMs, log: options.log }, book);
  if (options.traffic) control.traffic.start(options.traffic === true ? {} : options.traffic);
  const routes = [...enkashRoutes, ...settlementRoutes(book, enkashAuthorized), ...enkashWalletRoutes, ...juspayRoutes, ...controlRoutes(control)];

  const server = createServer((req, res) => {
    handle(req, res, routes, state).catch(() => {
      if (!res.headersSent) send(res, json(500, { error: 'internal' }));
    });
    if (options.log) res.on('finish', () => options.log!(`${req.method} ${req.url?.split('?')[0]} → ${res.statusCode}`));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const baseUrls = { enkash: `${url}/enkash`, enkashWallet: `${url}/enkash-wallet`, juspay: `${url}/juspay` };
  return {
    url,
    port,
    baseUrls,
    credentials: state.credentials,
    env: {
      ...state.credentials,
      ENKASH_BASE_URL: baseUrls.enkash,
      ENKASH_WALLET_BASE_URL: baseUrls.enkashWallet,
      JUSPAY_BASE_URL: baseUrls.juspay,
    },
    control,
    close: () =>
      new Promise<void>((resolve) => {
        control.close();
        server.close(() => resolve());
        // Requests held open by a 'timeout' fault would otherwise keep the server alive.
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, routes: Route[], state: SandboxState) {
  const [path, rawQuery = ''] = (req.url ?? '/').split('?');
  let params: Record<string, string> | null = null;
  let pathMatched = false;
  const route = routes.find((r) => {
    const p = matchPath(r.path, path);
    if (p) pathMatched = true;
    if (p && r.method === req.method) params = p;
    return p && r.method === req.method;
  });
  if (!route || !params) {
    req.resume();
    return send(res, pathMatched ? json(405, { error: 'method_not_allowed' }) : json(404, { error: 'not_found', path }));
  }

  const body = await readBody(req);
  if (body === 'too_large') return send(res, json(413, { error: 'too_large' }));
  if (body === 'bad_json') return send(res, json(400, { error: 'invalid_json' }));
  const request: SandboxRequest = { method: req.method!, path, params, headers: req.headers, body, rawQuery };

  if (route.endpoint) {
    state.counts[route.endpoint] += 1;
    const key = route.sendKey?.(request);
    if (key) state.txn(...key).sendRequests += 1;
    const fault = state.takeFault(route.endpoint);
    if (fault?.delayMs) await sleep(fault.delayMs);
    // 'timeout': never answer (the client's deadline, or close(), ends it).
    if (fault?.mode === 'timeout') return;
    if (fault?.mode === '5xx') return send(res, { status: 503, text: 'Service Temporarily Unavailable' });
    if (fault?.mode === 'garbage') return send(res, { status: 200, text: '<html><body>Gateway says hello</body></html>', contentType: 'text/html' });
    if (fault?.mode === '401') return send(res, json(401, { error: 'unauthorized' }));
    // Any other mode (refund_*) is the route's own business.
    request.fault = fault;
  }
  // A delayed reply is still handled (the send happens) even if the caller has given up.
  const reply = await route.handle(request, state);
  // 'hang': the work is done, the answer never comes (the client's deadline, or close(), ends it).
  if (!reply.hang) send(res, reply);
}

function send(res: ServerResponse, reply: SandboxReply) {
  if (res.destroyed || res.headersSent) return;
  const isJson = reply.json !== undefined;
  const body = isJson ? jsonText(reply.json) : (reply.text ?? '');
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? (isJson ? 'application/json' : 'text/plain; charset=utf-8'),
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined | 'too_large' | 'bad_json'> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even past the cap (returning early would drop the socket before the 413).
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) return 'too_large';
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw.trim() === '') return undefined;
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return 'bad_json';
  }
}
